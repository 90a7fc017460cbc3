package io.streamrec.processor;

import io.streamrec.avro.ItemStats;

import java.time.Duration;

/** The item formulas shared by the topology and the gateway, so both compute a number the same way. */
public final class ItemFormulas {
    private ItemFormulas() {
    }

    /** Click-through rate with a Beta(alpha, beta) prior: {@code (clicks + alpha) / (views + alpha + beta)}. */
    public static double ctr(ItemStats s, FeatureSettings f) {
        long views = s == null ? 0 : s.getViews();
        long clicks = s == null ? 0 : s.getClicks();
        return (clicks + f.ctrPriorAlpha()) / (views + f.ctrPriorAlpha() + f.ctrPriorBeta());
    }

    /**
     * Conversion rate with a Beta(alpha, beta) prior: {@code (purchases + alpha) / (n + alpha + beta)} with
     * {@code n = max(views, clicks, purchases)}: views where the shop sends views, clicks where it only sends clicks,
     * and never fewer trials than purchases (purchase-only data would otherwise give rates above 1).
     */
    public static double conversion(ItemStats s, FeatureSettings f) {
        long purchases = s == null ? 0 : s.getPurchases();
        long trials = s == null ? 0 : Math.max(Math.max(s.getViews(), s.getClicks()), purchases);
        return (purchases + f.conversionPriorAlpha()) / (trials + f.conversionPriorAlpha() + f.conversionPriorBeta());
    }

    /**
     * How much an item trends in a window: its recent decayed activity (half-life = the window) over what its own
     * baseline (a longer half-life) predicts for the same span, both smoothed by the prior:
     * {@code (recent + prior) / (baseline * window / baselineHalfLife + prior)}. A steady item scores about 1; an item
     * doubling its rate about 2. A decayed sum of a steady rate r with half-life h is r*h/ln 2, hence the scaling.
     */
    public static double trending(double recent, double baseline, Duration window, Duration baselineHalfLife, double prior) {
        double expected = baseline * window.toMillis() / (double) baselineHalfLife.toMillis();
        return (recent + prior) / (expected + prior);
    }

    /**
     * A decayed popularity as a number that does not change with time (forward decay): {@code log2(p) + ref/h}.
     * Two items compare the same by it at any time, so a top-k by it stays valid without re-scoring.
     */
    public static double popularityKey(double popularity, long ref, Duration halfLife) {
        return Math.log(popularity) / Math.log(2) + (double) ref / halfLife.toMillis();
    }

    /**
     * Co-occurrence normalised like a cosine: {@code cooc(a,b) / sqrt(pop(a) * pop(b))}, with pop the item's
     * weighted event count. Popular items co-occur with everything; dividing by their popularity lets the items that
     * go specifically with {@code a} rank first, and the square root keeps the preference for well-supported pairs
     * that a plain conditional probability (cooc / pop(b)) would throw away. A popularity not known yet counts as 1.
     */
    public static double similarity(double cooccurrence, double popularityA, double popularityB) {
        return cooccurrence / Math.sqrt(Math.max(popularityA, 1.0) * Math.max(popularityB, 1.0));
    }
}
