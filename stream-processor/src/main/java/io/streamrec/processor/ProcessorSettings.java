package io.streamrec.processor;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.streamrec.processor.FeatureSettings.*;
import static io.streamrec.processor.ProcessorConfig.*;
import static io.streamrec.processor.RecommendSettings.*;

/**
 * The topology's settings as one Kafka {@link ConfigDef}: every {@code streamrec.*} name the topology reads, with its
 * type, default, valid range and documentation. The one place the topology's defaults live:
 * {@link ProcessorConfig#defaults()}, {@link FeatureSettings#defaults()} and {@link RecommendSettings#defaults()} are
 * read from it. Durations are strings in {@link ProcessorConfig#parseDuration} form ({@code 30s}, {@code 24h}, {@code PT24H}),
 * weights and rates {@code type:number} lists.
 */
public final class ProcessorSettings extends AbstractConfig {

    /** Every setting of the topology, in the order of the documentation. */
    public static final ConfigDef CONFIG = define();

    private static final ProcessorSettings DEFAULTS = new ProcessorSettings(Map.of());

    private ProcessorSettings(Map<String, ?> props) {
        super(CONFIG, props, false);
    }

    /**
     * Validates {@code props} (keys the topology does not know are left alone: the gateway hands over its own too)
     * and reads them. A value that cannot be read at all stops at once; every out-of-range value is reported together.
     *
     * @throws IllegalArgumentException naming each setting and what is wrong with it
     */
    public static ProcessorSettings of(Map<String, String> props) {
        if (props.isEmpty() && DEFAULTS != null) {
            return DEFAULTS;
        }
        List<String> errors = new ArrayList<>();
        for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
            Object raw = props.containsKey(key.name) ? props.get(key.name) : key.defaultValue;
            Object value;
            try {
                value = ConfigDef.parseType(key.name, raw, key.type);
            } catch (ConfigException e) {
                errors.add(key.name + ": '" + raw + "' is not " + (key.type == Type.INT ? "an integer" : "a number"));
                continue;
            }
            if (key.validator != null) {
                try {
                    key.validator.ensureValid(key.name, value);
                } catch (ConfigException e) {
                    errors.add(e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid streamrec configuration: " + String.join("; ", errors));
        }
        return new ProcessorSettings(props);
    }

    /** The names of every setting. */
    public static Set<String> names() {
        return new TreeSet<>(CONFIG.names());
    }

    public Duration getDuration(String name) {
        return parseDuration(name, getString(name));
    }

    /** A {@code type:number,...} setting. */
    public Map<String, Double> getWeights(String name) {
        return parseWeights(name, getString(name));
    }

    public ZoneId getZone(String name) {
        return ZoneId.of(getString(name).strip());
    }

    public Set<String> getSet(String name) {
        return new java.util.LinkedHashSet<>(getList(name));
    }

    /** The trending baseline half-life of each window. */
    public Map<String, Duration> trendingBaselines() {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (String window : TRENDING_WINDOWS.keySet()) {
            out.put(window, getDuration(TRENDING_BASELINE_PREFIX + window));
        }
        return out;
    }

    private static ConfigDef define() {
        ConfigDef d = new ConfigDef();
        // ProcessorConfig
        duration(d, DEDUPE_HORIZON, "24h", new DurationRange(Duration.ofMillis(1), Duration.ofMillis(Dedupe.MAX_HORIZON_MS),
                        "49 days (the dedupe entries keep their age in 32 bits of milliseconds)"),
                "An eventId seen again within this much event time is dropped (at most 49 days).");
        integer(d, HISTORY_MAX_ENTRIES, 100, 1, 10_000, "Items kept in each user's history.");
        duration(d, HISTORY_RETENTION, "30d", DurationRange.positive(),
                "History entries older than this (against stream time) are removed.");
        duration(d, RETENTION_SWEEP_INTERVAL, "10m", DurationRange.atLeast(Duration.ofSeconds(1)),
                "How often idle users' histories are swept for expired entries (wall clock).");
        d.define(EVENT_TYPES, Type.LIST, "view,click,add_to_cart,remove_from_cart,purchase,search,review,rating",
                new NonEmptyList(), Importance.HIGH, "Accepted event types (comma-separated); extend it to accept your own.");
        d.define(NON_ITEM_EVENT_TYPES, Type.LIST, "search", null, Importance.LOW,
                "Event types that carry no item (a search).");
        // FeatureSettings
        d.define(EVENT_WEIGHTS, Type.STRING, DEFAULT_EVENT_WEIGHTS, new Weights(0, Double.POSITIVE_INFINITY, "a finite number >= 0"),
                Importance.MEDIUM, "Weight of each event type (type:weight,...) in the engagement score, category affinity, "
                        + "popularity, trending and co-occurrence; a type not listed weighs 1.");
        duration(d, FEATURE_HALF_LIFE, "7d", DurationRange.positive(), "Half-life of the engagement score and category affinity.");
        integer(d, AFFINITY_TOP_K, 10, 1, 1000, "Categories kept per user for the category affinity.");
        duration(d, SESSION_GAP, "30m", DurationRange.positive(), "Inactivity that starts a new session for events without a sessionId.");
        d.define(DAY_ZONE, Type.STRING, "UTC", new Zone(), Importance.LOW,
                "Time zone of the calendar days behind the purchase frequency.");
        integer(d, SKETCH_LG_K, 10, 4, 16, "log2 of the HyperLogLog registers for unique users per item and distinct "
                + "items and categories per user (10: 1,024 registers, about 3.2 % standard error).");
        duration(d, POPULARITY_HALF_LIFE, "7d", DurationRange.positive(), "Half-life of item popularity.");
        positiveNumber(d, CTR_PRIOR_ALPHA, 1, "Beta prior successes of the smoothed click-through rate.");
        positiveNumber(d, CTR_PRIOR_BETA, 19, "Beta prior failures of the smoothed click-through rate (prior mean 5 %).");
        positiveNumber(d, CONVERSION_PRIOR_ALPHA, 1, "Beta prior successes of the smoothed conversion rate.");
        positiveNumber(d, CONVERSION_PRIOR_BETA, 49, "Beta prior failures of the smoothed conversion rate (prior mean 2 %).");
        integer(d, NEIGHBOR_HISTORY_K, 10, 0, 100, "Previous history entries each item event is paired with for co-occurrence.");
        integer(d, NEIGHBOR_TOP_N, 50, 1, 1000, "Neighbors answered per item.");
        integer(d, NEIGHBOR_CANDIDATE_BUFFER, 50, 0, 10_000, "Extra Space-Saving counters per item beyond the top-N neighbors.");
        duration(d, NEIGHBOR_GAP_HALF_LIFE, "1d", DurationRange.positive(),
                "A co-occurring pair's weight halves per this much time between its two events.");
        integer(d, RANKING_SIZE, 100, 1, 10_000, "Items kept per popular list per partition, and the most a list answers.");
        Map<String, String> baselines = Map.of("1h", "24h", "24h", "7d", "7d", "28d");
        for (Map.Entry<String, Duration> w : TRENDING_WINDOWS.entrySet()) {
            duration(d, TRENDING_BASELINE_PREFIX + w.getKey(), baselines.get(w.getKey()), new LongerThanWindow(w.getKey(), w.getValue()),
                    "Baseline half-life of the " + w.getKey() + " trending window (longer than the window, which is the recent half-life).");
        }
        positiveNumber(d, TRENDING_PRIOR, 1, "Added to both sides of the trending ratio.");
        number(d, TRENDING_MIN_SUPPORT, 3, new NumberRange(0, Double.POSITIVE_INFINITY, false, "a finite number >= 0"),
                "Least recent weighted activity for an item to be trending.");
        // RecommendSettings
        duration(d, COMBINE_INTERVAL, "1s", DurationRange.atLeast(Duration.ofMillis(10)),
                "How often each user-side task sends the item updates it combined to the item side (wall clock).");
        duration(d, PUBLISH_INTERVAL, "2s", DurationRange.atLeast(Duration.ofMillis(10)),
                "How often the item side publishes the profiles of the items changed since, then commits (wall clock).");
        integer(d, PROFILE_NEIGHBORS, 50, 1, 1000, "Neighbors published per direction in an item profile.");
        integer(d, USER_ITEMS_MAX, 200, 1, 10_000, "Items remembered per user for repurchase candidates.");
        integer(d, HISTORY_ITEMS, 10, 1, 100, "The user's most recent distinct items whose neighbors are candidates.");
        number(d, RECENCY_DECAY, 0.5, new NumberRange(0, 1, true, "in (0, 1]"), "Weight factor per step back in the user's history.");
        number(d, FORWARD_WEIGHT, 2, new NumberRange(0, Double.POSITIVE_INFINITY, false, "a finite number >= 0"),
                "Weight of \"went on to\" neighbor pairs against \"came from\" pairs.");
        integer(d, MAX_CANDIDATES, 300, 10, 5000, "Candidates scored per request and per training example.");
        integer(d, POPULAR_CANDIDATES, 20, 0, 1000, "Most popular items added as candidates.");
        integer(d, TRENDING_CANDIDATES, 20, 0, 1000, "Most trending items added as candidates.");
        integer(d, CATEGORY_CANDIDATES, 10, 0, 1000, "Most popular items of each of the user's top 3 categories added as candidates.");
        duration(d, INDEX_REFRESH, "10s", DurationRange.atLeast(Duration.ZERO), "How often the popular/trending index is rebuilt from the profiles.");
        duration(d, PROFILE_CACHE_TTL, "2s", DurationRange.atLeast(Duration.ZERO), "How long a decoded item profile is reused (0s: always read).");
        d.define(SAMPLE_RATES, Type.STRING, DEFAULT_SAMPLE_RATES, new Weights(0, 1, "between 0 and 1"), Importance.MEDIUM,
                "Share of events of each type (type:rate,...) that become training examples; a type not listed: none.");
        integer(d, HARD_NEGATIVES, 300, 0, 5000, "Best-scored other candidates kept in a training example.");
        integer(d, RANDOM_NEGATIVES, 0, 0, 5000, "Further other candidates kept in a training example, drawn at random.");
        integer(d, MAX_EXAMPLES_PER_SECOND, DEFAULT_MAX_EXAMPLES_PER_SECOND, 0, 1_000_000,
                "Training examples per instance and second on average, ten seconds' worth saved up for bursts (0: no limit).");
        integer(d, BUILDER_THREADS, 1, 0, 8, "Threads per instance that build training examples off the stream threads "
                + "(0: built in the stream threads).");
        number(d, MAX_CPU_SHARE, DEFAULT_MAX_CPU_SHARE, new NumberRange(0, 64, false, "between 0 and 64 (cores)"),
                "CPU the training examples may use, in cores, ten seconds' worth saved up (0: no CPU bound).");
        return d;
    }

    private static void duration(ConfigDef d, String name, String defaultValue, ConfigDef.Validator v, String doc) {
        d.define(name, Type.STRING, defaultValue, v, Importance.MEDIUM, doc);
    }

    private static void integer(ConfigDef d, String name, int defaultValue, int min, int max, String doc) {
        d.define(name, Type.INT, defaultValue, new IntRange(min, max), Importance.MEDIUM, doc);
    }

    private static void number(ConfigDef d, String name, double defaultValue, ConfigDef.Validator v, String doc) {
        d.define(name, Type.DOUBLE, defaultValue, v, Importance.MEDIUM, doc);
    }

    private static void positiveNumber(ConfigDef d, String name, double defaultValue, String doc) {
        number(d, name, defaultValue, new NumberRange(0, Double.POSITIVE_INFINITY, true, "a finite number > 0"), doc);
    }

    /** An integer in [min, max]. */
    record IntRange(int min, int max) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            int v = (Integer) value;
            if (v < min || v > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + v);
            }
        }

        @Override
        public String toString() {
            return min + " to " + max;
        }
    }

    /** A finite number from min (exclusive when asked) to max. */
    record NumberRange(double min, double max, boolean minExclusive, String text) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            double v = (Double) value;
            if (!(minExclusive ? v > min : v >= min) || !(v <= max) || Double.isInfinite(v)) {
                throw new ConfigException(name + " must be " + text + ", got " + v);
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A duration from min to max; {@code maxText} says the maximum in words, and why. */
    record DurationRange(Duration min, Duration max, String maxText) implements ConfigDef.Validator {
        static DurationRange positive() {
            return new DurationRange(Duration.ofNanos(1), null, "");
        }

        static DurationRange atLeast(Duration min) {
            return new DurationRange(min, null, "");
        }

        @Override
        public void ensureValid(String name, Object value) {
            Duration d = parseDuration(name, (String) value);
            if (min.equals(Duration.ofNanos(1)) && (d.isNegative() || d.isZero())) {
                throw new ConfigException(name + " must be positive, got " + value);
            }
            if (d.compareTo(min) < 0) {
                throw new ConfigException(name + " must be at least " + text(min) + ", got " + value);
            }
            if (max != null && d.compareTo(max) > 0) {
                throw new ConfigException(name + " must be at most " + maxText + ", got " + value);
            }
        }

        @Override
        public String toString() {
            String low = min.equals(Duration.ofNanos(1)) ? "> 0s" : ">= " + text(min);
            return max == null ? low : low + ", <= " + maxText.replaceAll(" \\(.*", "");
        }

        private static String text(Duration d) {
            if (d.toMillis() % 86_400_000L == 0 && !d.isZero()) {
                return d.toDays() + "d";
            }
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
    }

    record LongerThanWindow(String window, Duration length) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            Duration d = parseDuration(name, (String) value);
            if (d.compareTo(length) <= 0) {
                throw new ConfigException(name + " must be longer than the window " + window + ", got " + d);
            }
        }

        @Override
        public String toString() {
            return "> " + window;
        }
    }

    /** {@code type:number,...}, each number finite and in [min, max]. */
    record Weights(double min, double max, String text) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            for (Map.Entry<String, Double> w : parseWeights(name, (String) value).entrySet()) {
                double v = w.getValue();
                if (!(v >= min && v <= max) || Double.isInfinite(v)) {
                    throw new ConfigException(name + ": " + (max == 1 ? "rate" : "weight") + " of " + w.getKey() + " must be " + text);
                }
            }
        }

        @Override
        public String toString() {
            return "type:number, each " + text;
        }
    }

    record Zone() implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                ZoneId.of(((String) value).strip());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(name + ": '" + value + "' is not a time zone (examples: UTC, Europe/London)");
            }
        }

        @Override
        public String toString() {
            return "a time zone id";
        }
    }

    record NonEmptyList() implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (((List<?>) value).stream().allMatch(v -> v.toString().isBlank())) {
                throw new ConfigException(name + " must list at least one event type");
            }
        }

        @Override
        public String toString() {
            return "at least one";
        }
    }
}
