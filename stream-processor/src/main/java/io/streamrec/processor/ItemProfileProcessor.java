package io.streamrec.processor;

import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.NeighborCounter;
import io.streamrec.avro.WeightedKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps, on the item's partition, directed co-occurrence counters (which items users went on to after this one, and
 * which they came from) and publishes each changed item's profile (statistics + top neighbors per direction) to the
 * compacted {@code streamrec.item-profiles} topic, which every instance reads back as a global store.
 *
 * <p>Direction comes from the signals the history step sends: a signal with an event type carries the items the
 * user had <em>before</em> this one (backward); a pair-only signal tells a previous item that this one came
 * <em>after</em> it (forward). Counters are {@link SpaceSaving}, one store entry per counter under
 * {@code item U+001F f|b U+001F neighbor} (as the item neighbors store does), mirrored in memory for recently
 * updated items so an eviction needs no scan.
 *
 * <p>Throttled: an item is marked dirty in a (changelogged, cached) store on each signal and published by a
 * wall-clock punctuation, at most once per flush interval however many events it gets. Under exactly-once the dirty
 * marks, the counters and the published profiles commit together, so a crash loses no pending publication.
 */
final class ItemProfileProcessor implements Processor<String, ItemSignal, String, ItemProfile> {
    static final int INDEXED = 1000;
    static final String FORWARD = "f";
    static final String BACKWARD = "b";
    static final String ATTRIBUTED = "a";
    private static final StringSerializer KEYS = new StringSerializer();

    private final FeatureSettings features;
    private final RecommendSettings settings;
    private KeyValueStore<String, NeighborCounter> transitions;
    private KeyValueStore<String, Long> dirty;
    private KeyValueStore<String, ItemStats> stats;
    private ProcessorContext<String, ItemProfile> context;
    private final Map<String, SpaceSaving> index = new LinkedHashMap<>(INDEXED * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SpaceSaving> eldest) {
            return size() > INDEXED;
        }
    };

    ItemProfileProcessor(ProcessorConfig config) {
        this.features = config.features();
        this.settings = config.recommend();
    }

    @Override
    public void init(ProcessorContext<String, ItemProfile> context) {
        this.context = context;
        this.transitions = context.getStateStore(StoreNames.ITEM_TRANSITIONS);
        this.dirty = context.getStateStore(StoreNames.ITEM_PROFILES_DIRTY);
        this.stats = context.getStateStore(StoreNames.ITEM_STATS);
        index.clear();
        context.schedule(settings.profileFlushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        ItemSignal s = record.value();
        String itemId = record.key();
        boolean event = s.getEventType() != null;
        String direction = CompositeKeys.key(itemId, event ? BACKWARD : FORWARD);
        for (WeightedKey pair : s.getPairs()) {
            if (pair.getKey().equals(itemId) || pair.getWeight() <= 0) {
                continue;
            }
            SpaceSaving counters = counters(direction);
            String evicted = counters.add(pair.getKey(), pair.getWeight());
            if (evicted != null) {
                transitions.delete(CompositeKeys.key(direction, evicted));
            }
            transitions.put(CompositeKeys.key(direction, pair.getKey()), counters.get(pair.getKey()));
        }
        if (event && s.getRecommendationId() != null) {
            String key = CompositeKeys.key(itemId, ATTRIBUTED);
            NeighborCounter before = transitions.get(key);
            transitions.put(key, new NeighborCounter(ATTRIBUTED, (before == null ? 0 : before.getWeight()) + 1, 0.0));
        }
        dirty.put(itemId, s.getTimestamp());
    }

    private SpaceSaving counters(String direction) {
        SpaceSaving counters = index.get(direction);
        if (counters == null) {
            counters = new SpaceSaving(settings.transitionCapacity());
            try (KeyValueIterator<String, NeighborCounter> it = transitions.prefixScan(CompositeKeys.prefix(direction), KEYS)) {
                while (it.hasNext()) {
                    counters.load(it.next().value);
                }
            }
            index.put(direction, counters);
        }
        return counters;
    }

    /** Publishes every dirty item's profile, then clears the marks. */
    void flush() {
        List<String> items = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = dirty.all()) {
            while (it.hasNext()) {
                items.add(it.next().key);
            }
        }
        for (String itemId : items) {
            NeighborCounter attributed = transitions.get(CompositeKeys.key(itemId, ATTRIBUTED));
            ItemProfile p = profile(itemId, stats.get(itemId),
                    counters(CompositeKeys.key(itemId, FORWARD)).heaviestFirst(),
                    counters(CompositeKeys.key(itemId, BACKWARD)).heaviestFirst(),
                    attributed == null ? 0 : (long) attributed.getWeight(), features, settings.profileNeighbors());
            if (p != null) {
                context.forward(new Record<>(itemId, p, p.getAsOf()));
            }
            dirty.delete(itemId);
        }
    }

    /** The published profile of an item; null when it has no statistics yet (pairs arrived before its first event). */
    static ItemProfile profile(String itemId, ItemStats s, List<NeighborCounter> forward, List<NeighborCounter> backward,
                               long attributed, FeatureSettings f, int neighbors) {
        if (s == null) {
            return null;
        }
        Duration trendWindow = FeatureSettings.TRENDING_WINDOWS.get("24h");
        return ItemProfile.newBuilder()
                .setItemId(itemId)
                .setAsOf(s.getLastEvent())
                .setFirstEvent(s.getFirstEvent())
                .setEvents(s.getEvents())
                .setViews(s.getViews())
                .setClicks(s.getClicks())
                .setCarts(s.getCarts())
                .setPurchases(s.getPurchases())
                .setWeightedEvents(s.getWeightedEvents())
                .setUniqueUsers(Sketches.estimate(s.getUserSketch()))
                .setPopularity(Decay.value(s.getDecayed(), f.popularityHalfLife()))
                .setTrendRecent(Decay.value(s.getDecayed(), trendWindow))
                .setTrendBaseline(Decay.value(s.getDecayed(), f.trendingBaselines().get("24h")))
                .setCtr(ItemFormulas.ctr(s, f))
                .setConversion(ItemFormulas.conversion(s, f))
                .setAttributedEvents(attributed)
                .setForward(top(forward, neighbors))
                .setBackward(top(backward, neighbors))
                .build();
    }

    /** The heaviest counters by the weight they certainly accumulated (Space-Saving: weight - error). */
    static List<WeightedKey> top(List<NeighborCounter> counters, int n) {
        List<WeightedKey> out = new ArrayList<>(counters.size());
        for (NeighborCounter c : counters) {
            double w = c.getWeight() - c.getError();
            if (w > 0) {
                out.add(new WeightedKey(c.getItemId(), w));
            }
        }
        out.sort(Comparator.comparingDouble(WeightedKey::getWeight).reversed().thenComparing(WeightedKey::getKey));
        return out.size() > n ? new ArrayList<>(out.subList(0, n)) : out;
    }
}
