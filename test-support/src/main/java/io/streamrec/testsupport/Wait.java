package io.streamrec.testsupport;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Polling with a deadline, for tests that wait on something asynchronous.
 *
 * <p>Use this instead of fixed sleeps: the condition is checked right away and then every
 * {@link #DEFAULT_POLL_INTERVAL} until it holds or the timeout runs out, so a fast system does
 * not pay for a slow one's margin.
 */
public final class Wait {
    /** How long to pause between two checks of the condition. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);

    private Wait() {
    }

    /**
     * Waits until {@code condition} returns true.
     *
     * <p>An exception thrown by the condition counts as "not yet": polling goes on, and the
     * last such exception is attached as the cause of the error should the wait time out.
     *
     * @param what      what is being waited for, in words; it heads the error message
     * @param timeout   how long to wait at most
     * @param condition what must become true
     * @throws AssertionError if the condition is still false when the timeout has passed
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, DEFAULT_POLL_INTERVAL, condition);
    }

    /** Like {@link #until(String, Duration, BooleanSupplier)}, with a chosen poll interval. */
    public static void until(String what, Duration timeout, Duration pollInterval, BooleanSupplier condition) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(condition, "condition");
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        RuntimeException lastFailure = null;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                lastFailure = null;
            } catch (RuntimeException e) {
                lastFailure = e;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            long pauseNanos = Math.min(pollInterval.toNanos(), deadline - now);
            try {
                Thread.sleep(Math.max(1, pauseNanos / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what, e);
            }
        }
        long waitedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        String message = "Timed out after " + waitedMs + " ms (timeout " + timeout.toMillis() + " ms, "
                + attempts + " checks) waiting for: " + what
                + (lastFailure == null ? "" : "; last check threw " + lastFailure);
        throw new AssertionError(message, lastFailure);
    }
}
