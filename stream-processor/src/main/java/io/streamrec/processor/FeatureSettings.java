package io.streamrec.processor;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the user features, item statistics, item neighbors and popular/trending lists, validated once. Every
 * one has a {@code streamrec.*} property (and so an environment variable); {@code docs/configuration-features.md}
 * lists them with their defaults.
 *
 * @param eventWeights            {@value #EVENT_WEIGHTS}: weight of each event type in the engagement score, category
 *                                affinity, popularity, trending and co-occurrence; a type not listed weighs 1.
 *                                Default {@code view:1,click:2,add_to_cart:4,remove_from_cart:0,purchase:8,search:1,review:3,rating:3}
 * @param featureHalfLife         {@value #FEATURE_HALF_LIFE}: half-life of the engagement score and category affinity (7d)
 * @param affinityTopK            {@value #AFFINITY_TOP_K}: categories kept per user (10)
 * @param sessionGap              {@value #SESSION_GAP}: inactivity that starts a new session for events without sessionId (30m)
 * @param dayZone                 {@value #DAY_ZONE}: time zone of the calendar days behind purchase frequency (UTC)
 * @param sketchLgK               {@value #SKETCH_LG_K}: log2 of the HyperLogLog registers for unique users per item and
 *                                distinct items/categories per user (10: 1,024 registers, about 3.2 % standard error)
 * @param popularityHalfLife      {@value #POPULARITY_HALF_LIFE}: half-life of item popularity (7d)
 * @param ctrPriorAlpha           {@value #CTR_PRIOR_ALPHA}: Beta prior successes of the click-through rate (1)
 * @param ctrPriorBeta            {@value #CTR_PRIOR_BETA}: Beta prior failures of the click-through rate (19, prior mean 5 %)
 * @param conversionPriorAlpha    {@value #CONVERSION_PRIOR_ALPHA}: Beta prior successes of the conversion rate (1)
 * @param conversionPriorBeta     {@value #CONVERSION_PRIOR_BETA}: Beta prior failures of the conversion rate (49, prior mean 2 %)
 * @param neighborHistoryK        {@value #NEIGHBOR_HISTORY_K}: previous history entries each item event is paired with (10)
 * @param neighborTopN            {@value #NEIGHBOR_TOP_N}: neighbors answered per item (50)
 * @param neighborCandidateBuffer {@value #NEIGHBOR_CANDIDATE_BUFFER}: extra Space-Saving counters beyond top-N (50)
 * @param neighborGapHalfLife     {@value #NEIGHBOR_GAP_HALF_LIFE}: a pair's weight halves per this much time between its two events (1d)
 * @param rankingSize             {@value #RANKING_SIZE}: items kept per popular list per partition, and the most a list answers (100)
 * @param trendingBaselines       {@value #TRENDING_BASELINE_PREFIX}{@code <window>}: baseline half-life of each trending
 *                                window (1h: 24h, 24h: 7d, 7d: 28d); the window itself is the recent half-life
 * @param trendingPrior           {@value #TRENDING_PRIOR}: added to both sides of the trending ratio (1)
 * @param trendingMinSupport      {@value #TRENDING_MIN_SUPPORT}: least recent weighted activity for a trending item (3)
 */
public record FeatureSettings(
        Map<String, Double> eventWeights,
        Duration featureHalfLife,
        int affinityTopK,
        Duration sessionGap,
        ZoneId dayZone,
        int sketchLgK,
        Duration popularityHalfLife,
        double ctrPriorAlpha,
        double ctrPriorBeta,
        double conversionPriorAlpha,
        double conversionPriorBeta,
        int neighborHistoryK,
        int neighborTopN,
        int neighborCandidateBuffer,
        Duration neighborGapHalfLife,
        int rankingSize,
        Map<String, Duration> trendingBaselines,
        double trendingPrior,
        double trendingMinSupport) {

    public static final String EVENT_WEIGHTS = "streamrec.event-weights";
    public static final String FEATURE_HALF_LIFE = "streamrec.features.half-life";
    public static final String AFFINITY_TOP_K = "streamrec.features.affinity-top-k";
    public static final String SESSION_GAP = "streamrec.features.session-gap";
    public static final String DAY_ZONE = "streamrec.features.day-zone";
    public static final String SKETCH_LG_K = "streamrec.sketch.lg-k";
    public static final String POPULARITY_HALF_LIFE = "streamrec.items.popularity-half-life";
    public static final String CTR_PRIOR_ALPHA = "streamrec.items.ctr-prior-alpha";
    public static final String CTR_PRIOR_BETA = "streamrec.items.ctr-prior-beta";
    public static final String CONVERSION_PRIOR_ALPHA = "streamrec.items.conversion-prior-alpha";
    public static final String CONVERSION_PRIOR_BETA = "streamrec.items.conversion-prior-beta";
    public static final String NEIGHBOR_HISTORY_K = "streamrec.neighbors.history-k";
    public static final String NEIGHBOR_TOP_N = "streamrec.neighbors.top-n";
    public static final String NEIGHBOR_CANDIDATE_BUFFER = "streamrec.neighbors.candidate-buffer";
    public static final String NEIGHBOR_GAP_HALF_LIFE = "streamrec.neighbors.gap-half-life";
    public static final String RANKING_SIZE = "streamrec.rankings.size";
    public static final String TRENDING_BASELINE_PREFIX = "streamrec.trending.baseline.";
    public static final String TRENDING_PRIOR = "streamrec.trending.prior";
    public static final String TRENDING_MIN_SUPPORT = "streamrec.trending.min-support";

    /** The trending windows the API offers; each is also the recent half-life of its ratio. */
    public static final Map<String, Duration> TRENDING_WINDOWS = orderedMap(
            "1h", Duration.ofHours(1), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7));

    public static final String DEFAULT_EVENT_WEIGHTS = "view:1,click:2,add_to_cart:4,remove_from_cart:0,purchase:8,search:1,review:3,rating:3";

    public FeatureSettings {
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Double> w : eventWeights.entrySet()) {
            if (!(w.getValue() >= 0) || w.getValue().isInfinite()) {
                errors.add(EVENT_WEIGHTS + ": weight of " + w.getKey() + " must be a finite number >= 0");
            }
        }
        positive(errors, FEATURE_HALF_LIFE, featureHalfLife);
        range(errors, AFFINITY_TOP_K, affinityTopK, 1, 1000);
        positive(errors, SESSION_GAP, sessionGap);
        range(errors, SKETCH_LG_K, sketchLgK, 4, 16);
        positive(errors, POPULARITY_HALF_LIFE, popularityHalfLife);
        prior(errors, CTR_PRIOR_ALPHA, ctrPriorAlpha);
        prior(errors, CTR_PRIOR_BETA, ctrPriorBeta);
        prior(errors, CONVERSION_PRIOR_ALPHA, conversionPriorAlpha);
        prior(errors, CONVERSION_PRIOR_BETA, conversionPriorBeta);
        range(errors, NEIGHBOR_HISTORY_K, neighborHistoryK, 0, 100);
        range(errors, NEIGHBOR_TOP_N, neighborTopN, 1, 1000);
        range(errors, NEIGHBOR_CANDIDATE_BUFFER, neighborCandidateBuffer, 0, 10_000);
        positive(errors, NEIGHBOR_GAP_HALF_LIFE, neighborGapHalfLife);
        range(errors, RANKING_SIZE, rankingSize, 1, 10_000);
        for (String window : TRENDING_WINDOWS.keySet()) {
            Duration baseline = trendingBaselines.get(window);
            if (baseline == null) {
                errors.add(TRENDING_BASELINE_PREFIX + window + " is missing");
            } else if (baseline.compareTo(TRENDING_WINDOWS.get(window)) <= 0) {
                errors.add(TRENDING_BASELINE_PREFIX + window + " must be longer than the window " + window + ", got " + baseline);
            }
        }
        if (!(trendingPrior > 0) || Double.isInfinite(trendingPrior)) {
            errors.add(TRENDING_PRIOR + " must be a finite number > 0");
        }
        if (!(trendingMinSupport >= 0) || Double.isInfinite(trendingMinSupport)) {
            errors.add(TRENDING_MIN_SUPPORT + " must be a finite number >= 0");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid streamrec configuration: " + String.join("; ", errors));
        }
        eventWeights = Map.copyOf(eventWeights);
        trendingBaselines = Map.copyOf(trendingBaselines);
    }

    /** Every setting at its default ({@link ProcessorSettings}). */
    public static FeatureSettings defaults() {
        return from(Map.of());
    }

    /** Reads the settings above from {@code props}, falling back to the defaults for absent ones. */
    public static FeatureSettings from(Map<String, String> props) {
        return from(ProcessorSettings.of(props));
    }

    public static FeatureSettings from(ProcessorSettings s) {
        return new FeatureSettings(
                s.getWeights(EVENT_WEIGHTS),
                s.getDuration(FEATURE_HALF_LIFE),
                s.getInt(AFFINITY_TOP_K),
                s.getDuration(SESSION_GAP),
                s.getZone(DAY_ZONE),
                s.getInt(SKETCH_LG_K),
                s.getDuration(POPULARITY_HALF_LIFE),
                s.getDouble(CTR_PRIOR_ALPHA),
                s.getDouble(CTR_PRIOR_BETA),
                s.getDouble(CONVERSION_PRIOR_ALPHA),
                s.getDouble(CONVERSION_PRIOR_BETA),
                s.getInt(NEIGHBOR_HISTORY_K),
                s.getInt(NEIGHBOR_TOP_N),
                s.getInt(NEIGHBOR_CANDIDATE_BUFFER),
                s.getDuration(NEIGHBOR_GAP_HALF_LIFE),
                s.getInt(RANKING_SIZE),
                s.trendingBaselines(),
                s.getDouble(TRENDING_PRIOR),
                s.getDouble(TRENDING_MIN_SUPPORT));
    }

    /** The weight of an event type; 1 for a type the weights do not name. */
    public double weight(String eventType) {
        Double w = eventWeights.get(eventType);
        return w == null ? 1.0 : w;
    }

    /** Space-Saving counters kept per item: top-N plus the candidate buffer. */
    public int neighborCapacity() {
        return neighborTopN + neighborCandidateBuffer;
    }

    /** Every half-life an item keeps a decayed sum for: popularity, then each trending window and its baseline. */
    public List<Duration> itemHalfLives() {
        List<Duration> out = new ArrayList<>();
        out.add(popularityHalfLife);
        for (Map.Entry<String, Duration> w : TRENDING_WINDOWS.entrySet()) {
            add(out, w.getValue());
            add(out, trendingBaselines.get(w.getKey()));
        }
        return out;
    }

    /** Reads {@code type:weight,type:weight}. */
    public static Map<String, Double> parseWeights(String name, String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException(name + ": cannot read '" + p + "' as type:weight (example: view:1,purchase:8)");
            }
            try {
                out.put(p.substring(0, colon).strip(), Double.parseDouble(p.substring(colon + 1).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": weight of '" + p.substring(0, colon).strip() + "' is not a number");
            }
        }
        return out;
    }

    private static void add(List<Duration> list, Duration d) {
        if (!list.contains(d)) {
            list.add(d);
        }
    }

    private static Map<String, Duration> orderedMap(String k1, Duration v1, String k2, Duration v2, String k3, Duration v3) {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        m.put(k3, v3);
        return java.util.Collections.unmodifiableMap(m);
    }

    private static void positive(List<String> errors, String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            errors.add(name + " must be positive");
        }
    }

    static void range(List<String> errors, String name, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void prior(List<String> errors, String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            errors.add(name + " must be a finite number > 0");
        }
    }
}
