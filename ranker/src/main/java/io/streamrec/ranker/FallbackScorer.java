package io.streamrec.ranker;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scores with {@code primary} and, when it fails or times out, with {@code fallback}, so a request still gets a
 * ranking. Every fallback is counted and reported to the {@link Listener}, which is where the gateway hooks its
 * metrics (for example a Micrometer counter tagged with {@link ScoringException#isTimeout()}).
 */
public final class FallbackScorer implements Scorer {

    /** Told about each fallback, on the calling thread; must not throw. */
    @FunctionalInterface
    public interface Listener {
        void fellBack(Scorer primary, RuntimeException cause);
    }

    private final Scorer primary;
    private final Scorer fallback;
    private final Listener listener;
    private final AtomicLong fallbacks = new AtomicLong();

    public FallbackScorer(Scorer primary, Scorer fallback, Listener listener) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public FallbackScorer(Scorer primary, Scorer fallback) {
        this(primary, fallback, (p, e) -> { });
    }

    @Override
    public float[] score(float[][] rows) {
        try {
            return primary.score(rows);
        } catch (RuntimeException primaryFailure) {
            fallbacks.incrementAndGet();
            listener.fellBack(primary, primaryFailure);
            try {
                return fallback.score(rows);
            } catch (RuntimeException fallbackFailure) {
                fallbackFailure.addSuppressed(primaryFailure);
                throw fallbackFailure;
            }
        }
    }

    /** Calls answered by the fallback since this scorer was made. */
    public long fallbackCount() {
        return fallbacks.get();
    }

    @Override
    public String name() {
        return primary.name() + " (fallback " + fallback.name() + ")";
    }
}
