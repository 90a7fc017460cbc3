package io.streamrec.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Settings of item profiles, user items, candidate generation and training examples, validated once. Every one is a
 * {@code streamrec.*} property (and so an environment variable); {@code docs/configuration-recommendations.md} lists
 * them with their defaults.
 *
 * @param combineInterval       {@value #COMBINE_INTERVAL}: how often each user-side task sends the item updates it
 *                              combined to the item side, one record per item partition (wall clock, 1s)
 * @param publishInterval       {@value #PUBLISH_INTERVAL}: how often the item side publishes the profiles of the items
 *                              changed since, each once however many updates it had, then commits (wall clock, 2s:
 *                              a changed item's profile and state are written half as often as with 1s; profiles lag
 *                              the events by two to five seconds)
 * @param profileNeighbors      {@value #PROFILE_NEIGHBORS}: neighbors published per direction (50)
 * @param userItemsMax          {@value #USER_ITEMS_MAX}: items remembered per user for repurchase (200)
 * @param historyItems          {@value #HISTORY_ITEMS}: the user's most recent distinct items whose neighbors are candidates (10)
 * @param recencyDecay          {@value #RECENCY_DECAY}: weight factor per step back in the user's history (0.5)
 * @param forwardWeight         {@value #FORWARD_WEIGHT}: weight of "went on to" pairs against "came from" pairs (2)
 * @param maxCandidates         {@value #MAX_CANDIDATES}: candidates scored per request and per training example (300)
 * @param popularCandidates     {@value #POPULAR_CANDIDATES}: most popular items added as candidates (20)
 * @param trendingCandidates    {@value #TRENDING_CANDIDATES}: most trending items added as candidates (20)
 * @param categoryCandidates    {@value #CATEGORY_CANDIDATES}: most popular items of each of the user's top 3 categories (10)
 * @param indexRefresh          {@value #INDEX_REFRESH}: how often the popular/trending index is rebuilt from the profiles (10s)
 * @param profileCacheTtl       {@value #PROFILE_CACHE_TTL}: how long a decoded profile is reused (2s; 0 = always read)
 * @param sampleRates           {@value #SAMPLE_RATES}: share of events of each type that become training examples
 * @param hardNegatives         {@value #HARD_NEGATIVES}: best-scored other candidates kept in an example (300: with the
 *                              default max-candidates, the whole list serving scores)
 * @param randomNegatives       {@value #RANDOM_NEGATIVES}: further other candidates kept, drawn at random (0)
 * @param maxExamplesPerSecond  {@value #MAX_EXAMPLES_PER_SECOND}: training examples per instance and second on average
 *                              ({@value #DEFAULT_MAX_EXAMPLES_PER_SECOND}; 0 = no limit), with up to ten seconds' worth
 *                              saved up for bursts: an example costs about what a recommendation costs (the lines of
 *                              one order share one candidate generation) and writes some 70 KB, so this bounds their
 *                              share of the processing at any event rate
 * @param builderThreads        {@value #BUILDER_THREADS}: threads per instance that build the training examples (1),
 *                              off the stream threads: an event is never queued behind another user's example (a
 *                              heavy user's costs milliseconds); the stream thread hands over the state before the
 *                              event (an immutable value) and forwards the finished example at its next record or
 *                              tick; 0 builds them in the stream threads, as a request would
 * @param maxCpuShare           {@value #MAX_CPU_SHARE}: CPU the examples may use, in cores (0.25: a quarter of one
 *                              core on average, ten seconds' worth saved up; 0 = no CPU bound): with heavy users the
 *                              number per second above is not a bound on their cost, this is
 */
public record RecommendSettings(
        Duration combineInterval,
        Duration publishInterval,
        int profileNeighbors,
        int userItemsMax,
        int historyItems,
        double recencyDecay,
        double forwardWeight,
        int maxCandidates,
        int popularCandidates,
        int trendingCandidates,
        int categoryCandidates,
        Duration indexRefresh,
        Duration profileCacheTtl,
        Map<String, Double> sampleRates,
        int hardNegatives,
        int randomNegatives,
        int maxExamplesPerSecond,
        int builderThreads,
        double maxCpuShare) {

    public static final String COMBINE_INTERVAL = "streamrec.items.combine-interval";
    public static final String PUBLISH_INTERVAL = "streamrec.items.publish-interval";
    public static final String PROFILE_NEIGHBORS = "streamrec.profiles.neighbors";
    public static final String USER_ITEMS_MAX = "streamrec.user-items.max";
    public static final String HISTORY_ITEMS = "streamrec.recommend.history-items";
    public static final String RECENCY_DECAY = "streamrec.recommend.recency-decay";
    public static final String FORWARD_WEIGHT = "streamrec.recommend.forward-weight";
    public static final String MAX_CANDIDATES = "streamrec.recommend.max-candidates";
    public static final String POPULAR_CANDIDATES = "streamrec.recommend.popular-candidates";
    public static final String TRENDING_CANDIDATES = "streamrec.recommend.trending-candidates";
    public static final String CATEGORY_CANDIDATES = "streamrec.recommend.category-candidates";
    public static final String INDEX_REFRESH = "streamrec.recommend.index-refresh";
    public static final String PROFILE_CACHE_TTL = "streamrec.recommend.profile-cache-ttl";
    public static final String SAMPLE_RATES = "streamrec.training.sample-rates";
    public static final String HARD_NEGATIVES = "streamrec.training.hard-negatives";
    public static final String RANDOM_NEGATIVES = "streamrec.training.random-negatives";
    public static final String MAX_EXAMPLES_PER_SECOND = "streamrec.training.max-per-second";
    public static final int DEFAULT_MAX_EXAMPLES_PER_SECOND = 200;
    public static final String BUILDER_THREADS = "streamrec.training.builder-threads";
    public static final String MAX_CPU_SHARE = "streamrec.training.max-cpu-share";
    public static final double DEFAULT_MAX_CPU_SHARE = 0.25;

    public static final String DEFAULT_SAMPLE_RATES = "view:0.25,click:0.5,add_to_cart:1,purchase:0.5,review:0.25,rating:0.25";

    public RecommendSettings {
        List<String> errors = new ArrayList<>();
        if (combineInterval.toMillis() < 10) {
            errors.add(COMBINE_INTERVAL + " must be at least 10ms");
        }
        if (publishInterval.toMillis() < 10) {
            errors.add(PUBLISH_INTERVAL + " must be at least 10ms");
        }
        FeatureSettings.range(errors, PROFILE_NEIGHBORS, profileNeighbors, 1, 1000);
        FeatureSettings.range(errors, USER_ITEMS_MAX, userItemsMax, 1, 10_000);
        FeatureSettings.range(errors, HISTORY_ITEMS, historyItems, 1, 100);
        if (!(recencyDecay > 0 && recencyDecay <= 1)) {
            errors.add(RECENCY_DECAY + " must be in (0, 1], got " + recencyDecay);
        }
        if (!(forwardWeight >= 0) || Double.isInfinite(forwardWeight)) {
            errors.add(FORWARD_WEIGHT + " must be a finite number >= 0");
        }
        FeatureSettings.range(errors, MAX_CANDIDATES, maxCandidates, 10, 5000);
        FeatureSettings.range(errors, POPULAR_CANDIDATES, popularCandidates, 0, 1000);
        FeatureSettings.range(errors, TRENDING_CANDIDATES, trendingCandidates, 0, 1000);
        FeatureSettings.range(errors, CATEGORY_CANDIDATES, categoryCandidates, 0, 1000);
        if (indexRefresh.isNegative() || profileCacheTtl.isNegative()) {
            errors.add(INDEX_REFRESH + " and " + PROFILE_CACHE_TTL + " must not be negative");
        }
        for (Map.Entry<String, Double> r : sampleRates.entrySet()) {
            if (!(r.getValue() >= 0 && r.getValue() <= 1)) {
                errors.add(SAMPLE_RATES + ": rate of " + r.getKey() + " must be between 0 and 1");
            }
        }
        FeatureSettings.range(errors, HARD_NEGATIVES, hardNegatives, 0, 5000);
        FeatureSettings.range(errors, RANDOM_NEGATIVES, randomNegatives, 0, 5000);
        FeatureSettings.range(errors, MAX_EXAMPLES_PER_SECOND, maxExamplesPerSecond, 0, 1_000_000);
        FeatureSettings.range(errors, BUILDER_THREADS, builderThreads, 0, 8);
        if (!(maxCpuShare >= 0 && maxCpuShare <= 64)) {
            errors.add(MAX_CPU_SHARE + " must be between 0 and 64 (cores), got " + maxCpuShare);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid streamrec configuration: " + String.join("; ", errors));
        }
        sampleRates = Map.copyOf(sampleRates);
    }

    /** Every setting at its default ({@link ProcessorSettings}). */
    public static RecommendSettings defaults() {
        return from(Map.of());
    }

    /** Reads the settings above, falling back to the defaults for absent ones. */
    public static RecommendSettings from(Map<String, String> props) {
        return from(ProcessorSettings.of(props));
    }

    public static RecommendSettings from(ProcessorSettings s) {
        return new RecommendSettings(
                s.getDuration(COMBINE_INTERVAL),
                s.getDuration(PUBLISH_INTERVAL),
                s.getInt(PROFILE_NEIGHBORS),
                s.getInt(USER_ITEMS_MAX),
                s.getInt(HISTORY_ITEMS),
                s.getDouble(RECENCY_DECAY),
                s.getDouble(FORWARD_WEIGHT),
                s.getInt(MAX_CANDIDATES),
                s.getInt(POPULAR_CANDIDATES),
                s.getInt(TRENDING_CANDIDATES),
                s.getInt(CATEGORY_CANDIDATES),
                s.getDuration(INDEX_REFRESH),
                s.getDuration(PROFILE_CACHE_TTL),
                s.getWeights(SAMPLE_RATES),
                s.getInt(HARD_NEGATIVES),
                s.getInt(RANDOM_NEGATIVES),
                s.getInt(MAX_EXAMPLES_PER_SECOND),
                s.getInt(BUILDER_THREADS),
                s.getDouble(MAX_CPU_SHARE));
    }

    /** Share of events of this type sampled for training; 0 for types not listed. */
    public double sampleRate(String eventType) {
        Double r = sampleRates.get(eventType);
        return r == null ? 0.0 : r;
    }
}
