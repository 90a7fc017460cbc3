package io.streamrec.gateway.personalize;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Consecutive-failure circuit breaker: closed until {@code threshold} failures in a row, then open (every call
 * refused) for {@code openFor}, then half-open: one call goes through, and its outcome closes or reopens it.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private int failures;
    private Instant openedAt;
    private boolean trial;

    public CircuitBreaker(int threshold, Duration openFor, Clock clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be >= 1, got " + threshold);
        }
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** Whether a call may go out now; in half-open state only one at a time. */
    public synchronized boolean allow() {
        if (openedAt == null) {
            return true;
        }
        if (clock.instant().isBefore(openedAt.plus(openFor)) || trial) {
            return false;
        }
        trial = true;
        return true;
    }

    public synchronized void success() {
        failures = 0;
        openedAt = null;
        trial = false;
    }

    public synchronized void failure() {
        failures++;
        if (trial || failures >= threshold) {
            openedAt = clock.instant();
        }
        trial = false;
    }

    public synchronized State state() {
        if (openedAt == null) {
            return State.CLOSED;
        }
        return clock.instant().isBefore(openedAt.plus(openFor)) || trial ? State.OPEN : State.HALF_OPEN;
    }
}
