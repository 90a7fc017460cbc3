package io.streamrec.connectors.common;

import java.util.function.LongSupplier;

/**
 * A token bucket: at most {@code permitsPerSecond} acquisitions per second on average, with a burst of at most one
 * second's worth (and at least one permit). Thread-safe; {@link #acquire()} blocks until a permit is free.
 */
public final class RateLimiter {
    private final double permitsPerNano;
    private final double capacity;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private double available;
    private long lastRefill;

    public RateLimiter(double permitsPerSecond) {
        this(permitsPerSecond, System::nanoTime, Sleeper.SYSTEM);
    }

    public RateLimiter(double permitsPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("permits per second must be positive and finite, was " + permitsPerSecond);
        }
        this.permitsPerNano = permitsPerSecond / 1e9;
        // bursts are capped at one second's worth so the one-second quota is never exceeded
        this.capacity = Math.max(1.0, Math.floor(permitsPerSecond));
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.lastRefill = nanoClock.getAsLong();
        this.available = 1.0;
    }

    /** Takes one permit, waiting as long as needed. */
    public void acquire() throws InterruptedException {
        long waitNanos;
        synchronized (this) {
            refill();
            available -= 1.0;
            // a negative balance is a reservation: this caller waits until it is paid back
            waitNanos = available >= 0 ? 0 : (long) Math.ceil(-available / permitsPerNano);
        }
        if (waitNanos > 0) {
            sleeper.sleep(Math.max(1, (waitNanos + 999_999) / 1_000_000));
        }
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        available = Math.min(capacity, available + (now - lastRefill) * permitsPerNano);
        lastRefill = now;
    }
}
