package io.streamrec.connectors.common;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential back-off with "equal jitter": attempt n waits between half and all of min(max, base * 2^n). */
public final class Backoff {
    private final long baseMillis;
    private final long maxMillis;

    public Backoff(long baseMillis, long maxMillis) {
        if (baseMillis < 0 || maxMillis < baseMillis) {
            throw new IllegalArgumentException("need 0 <= base <= max, got base " + baseMillis + ", max " + maxMillis);
        }
        this.baseMillis = baseMillis;
        this.maxMillis = maxMillis;
    }

    /** How long to wait before retry number {@code attempt} (0 for the first retry). */
    public long delayMillis(int attempt) {
        long ceiling = baseMillis << Math.min(attempt, 30);
        if (ceiling < 0 || ceiling > maxMillis) {
            ceiling = maxMillis;
        }
        long half = ceiling / 2;
        return half + (ceiling - half == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    public long maxMillis() {
        return maxMillis;
    }
}
