package io.streamrec.processor;

/**
 * A token bucket: refilled at {@code rate} tokens per second up to {@code capacity}, full at the start. Tokens are
 * either taken before the work ({@link #tryTake}) or charged after it when its cost is only known then ({@link #charge},
 * which may overdraw: nothing is granted again until the debt is paid back). Not thread-safe; callers synchronize.
 */
final class TokenBucket {
    private final double rate;
    private final double capacity;
    private double tokens;
    private long refilledAt = Long.MIN_VALUE;

    TokenBucket(double ratePerSecond, double capacity) {
        this.rate = ratePerSecond;
        this.capacity = capacity;
        this.tokens = capacity;
    }

    private void refill(long nowNanos) {
        if (refilledAt != Long.MIN_VALUE) {
            tokens = Math.min(capacity, tokens + (nowNanos - refilledAt) / 1e9 * rate);
        }
        refilledAt = nowNanos;
    }

    /** Takes {@code amount} tokens when there are that many. */
    boolean tryTake(double amount, long nowNanos) {
        refill(nowNanos);
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }

    /** Whether anything is left (the debt of earlier charges paid back). */
    boolean positive(long nowNanos) {
        refill(nowNanos);
        return tokens > 0;
    }

    /** Takes {@code amount} tokens whatever is left. */
    void charge(double amount) {
        tokens -= amount;
    }
}
