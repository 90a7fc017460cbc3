package io.streamrec.processor;

import io.streamrec.schemas.EventRules;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the topology can be tuned with, validated once at start-up. Property names are the ones the gateway
 * reads ({@code streamrec.*}); each has an environment variable (STREAMREC_HISTORY_MAX_ENTRIES and so on).
 *
 * @param dedupeHorizon          {@value #DEDUPE_HORIZON}: an eventId seen again within this much event time is dropped (24h)
 * @param historyMaxEntries      {@value #HISTORY_MAX_ENTRIES}: items kept per user (100)
 * @param historyRetention       {@value #HISTORY_RETENTION}: history entries older than this (against stream time) go (30d)
 * @param retentionSweepInterval {@value #RETENTION_SWEEP_INTERVAL}: how often idle users are swept (10m, wall clock)
 * @param eventTypes             {@value #EVENT_TYPES}: accepted event types
 * @param nonItemEventTypes      {@value #NON_ITEM_EVENT_TYPES}: event types without an item (search)
 * @param features               user features, item statistics, neighbors and popular/trending lists: see {@link FeatureSettings}
 * @param recommend              item profiles, user items, candidates and training examples: see {@link RecommendSettings}
 */
public record ProcessorConfig(
        Duration dedupeHorizon,
        int historyMaxEntries,
        Duration historyRetention,
        Duration retentionSweepInterval,
        Set<String> eventTypes,
        Set<String> nonItemEventTypes,
        FeatureSettings features,
        RecommendSettings recommend) {

    public static final String DEDUPE_HORIZON = "streamrec.dedupe.horizon";
    public static final String HISTORY_MAX_ENTRIES = "streamrec.history.max-entries";
    public static final String HISTORY_RETENTION = "streamrec.history.retention";
    public static final String RETENTION_SWEEP_INTERVAL = "streamrec.history.sweep-interval";
    public static final String EVENT_TYPES = "streamrec.event-types";
    public static final String NON_ITEM_EVENT_TYPES = "streamrec.non-item-event-types";

    public ProcessorConfig {
        List<String> errors = new ArrayList<>();
        if (dedupeHorizon.isNegative() || dedupeHorizon.isZero()) {
            errors.add(DEDUPE_HORIZON + " must be positive");
        } else if (dedupeHorizon.toMillis() > Dedupe.MAX_HORIZON_MS) {
            errors.add(DEDUPE_HORIZON + " must be at most 49 days (the dedupe entries keep their age in 32 bits of milliseconds), got " + dedupeHorizon);
        }
        if (historyMaxEntries < 1 || historyMaxEntries > 10_000) {
            errors.add(HISTORY_MAX_ENTRIES + " must be between 1 and 10000, got " + historyMaxEntries);
        }
        if (historyRetention.isNegative() || historyRetention.isZero()) {
            errors.add(HISTORY_RETENTION + " must be positive");
        }
        if (retentionSweepInterval.toMillis() < 1000) {
            errors.add(RETENTION_SWEEP_INTERVAL + " must be at least 1s");
        }
        if (eventTypes.isEmpty()) {
            errors.add(EVENT_TYPES + " must list at least one event type");
        }
        if (features == null) {
            errors.add("feature settings are missing");
        }
        if (recommend == null) {
            errors.add("recommendation settings are missing");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid streamrec configuration: " + String.join("; ", errors));
        }
        eventTypes = Set.copyOf(eventTypes);
        nonItemEventTypes = Set.copyOf(nonItemEventTypes);
    }

    /** Feature settings given, recommendation settings at their defaults. */
    public ProcessorConfig(Duration dedupeHorizon, int historyMaxEntries, Duration historyRetention,
                           Duration retentionSweepInterval, Set<String> eventTypes, Set<String> nonItemEventTypes,
                           FeatureSettings features) {
        this(dedupeHorizon, historyMaxEntries, historyRetention, retentionSweepInterval, eventTypes, nonItemEventTypes,
                features, RecommendSettings.defaults());
    }

    /** The core settings with every feature setting at its default. */
    public ProcessorConfig(Duration dedupeHorizon, int historyMaxEntries, Duration historyRetention,
                           Duration retentionSweepInterval, Set<String> eventTypes, Set<String> nonItemEventTypes) {
        this(dedupeHorizon, historyMaxEntries, historyRetention, retentionSweepInterval, eventTypes, nonItemEventTypes,
                FeatureSettings.defaults());
    }

    /** Every setting at its default ({@link ProcessorSettings}). */
    public static ProcessorConfig defaults() {
        return from(Map.of());
    }

    /** This configuration with other feature settings. */
    public ProcessorConfig withFeatures(FeatureSettings newFeatures) {
        return new ProcessorConfig(dedupeHorizon, historyMaxEntries, historyRetention, retentionSweepInterval,
                eventTypes, nonItemEventTypes, newFeatures, recommend);
    }

    /** This configuration with other recommendation settings. */
    public ProcessorConfig withRecommend(RecommendSettings newRecommend) {
        return new ProcessorConfig(dedupeHorizon, historyMaxEntries, historyRetention, retentionSweepInterval,
                eventTypes, nonItemEventTypes, features, newRecommend);
    }

    /**
     * Reads the {@code streamrec.*} settings of {@link ProcessorSettings}, falling back to the defaults for absent ones
     * (other keys are ignored: the gateway reads them).
     */
    public static ProcessorConfig from(Map<String, String> props) {
        return from(ProcessorSettings.of(props));
    }

    public static ProcessorConfig from(ProcessorSettings s) {
        return new ProcessorConfig(
                s.getDuration(DEDUPE_HORIZON),
                s.getInt(HISTORY_MAX_ENTRIES),
                s.getDuration(HISTORY_RETENTION),
                s.getDuration(RETENTION_SWEEP_INTERVAL),
                s.getSet(EVENT_TYPES),
                s.getSet(NON_ITEM_EVENT_TYPES),
                FeatureSettings.from(s),
                RecommendSettings.from(s));
    }

    public EventRules rules() {
        return new EventRules(eventTypes, nonItemEventTypes);
    }

    /** Accepts ISO-8601 ({@code PT24H}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 30d}. */
    public static Duration parseDuration(String name, String text) {
        String t = text.strip();
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return Duration.parse(t);
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                case 'd': return Duration.ofDays(n);
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // fall through to the clear message below
        }
        throw new IllegalArgumentException(name + ": cannot read '" + text + "' as a duration (examples: 30s, 10m, 24h, 30d, PT24H)");
    }
}
