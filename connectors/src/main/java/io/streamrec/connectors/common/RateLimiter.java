package io.streamrec.connectors.common;

import java.util.function.LongSupplier;

/**
 * Evenly spaced permits: one every {@code 1 / permitsPerSecond} seconds, with no bursts (a bucket of one), so any
 * one-second window holds at most {@code permitsPerSecond + 1} acquisitions, which a quota per second needs; a bigger
 * bucket would let an idle spell's savings add to a full second's rate. Thread-safe; {@link #acquire()} blocks until
 * the caller's permit is due.
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
        this.capacity = 1.0;
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
