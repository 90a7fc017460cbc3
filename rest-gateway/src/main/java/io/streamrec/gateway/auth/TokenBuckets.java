package io.streamrec.gateway.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One token bucket per key: {@code burst} requests at once, refilled at {@code ratePerSecond}. Memory is bounded: at most
 * {@code maxKeys} buckets are kept, the least recently used one is dropped first (its key starts again with a full
 * bucket, which only ever errs towards letting a request through).
 */
public final class TokenBuckets {
    private final double tokensPerNano;
    private final double burst;
    private final int maxKeys;
    private final LinkedHashMap<String, Bucket> buckets;

    public TokenBuckets(double ratePerSecond, int burst, int maxKeys) {
        if (!(ratePerSecond > 0) || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate must be > 0, burst and maxKeys >= 1");
        }
        this.tokensPerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > TokenBuckets.this.maxKeys;
            }
        };
    }

    /**
     * Takes a token from the key's bucket.
     *
     * @return 0 when granted, else the nanoseconds until a token is there (nothing is taken)
     */
    public synchronized long tryAcquire(String key, long nowNanos) {
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos));
        double tokens = Math.min(burst, b.tokens + Math.max(0, nowNanos - b.refilledAt) * tokensPerNano);
        b.refilledAt = nowNanos;
        if (tokens >= 1) {
            b.tokens = tokens - 1;
            return 0;
        }
        b.tokens = tokens;
        return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long refilledAt) {
            this.tokens = tokens;
            this.refilledAt = refilledAt;
        }
    }

    public synchronized int size() {
        return buckets.size();
    }
}
