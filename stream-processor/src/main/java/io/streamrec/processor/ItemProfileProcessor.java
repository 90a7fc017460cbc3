package io.streamrec.processor;

import io.streamrec.avro.ItemNeighbors;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.ItemTransitions;
import io.streamrec.avro.NeighborCounter;
import io.streamrec.avro.WeightedKey;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps, on the item's partition, directed co-occurrence counters (which items users went on to after this one, and
 * which they came from) and publishes each changed item's profile (statistics + top neighbors per direction) to the
 * compacted {@code streamrec.item-profiles} topic, which every instance reads back as a global store.
 *
 * <p>Direction comes from the signals the history step sends: a signal with an event type carries the items the
 * user had <em>before</em> this one (backward); a pair-only signal tells a previous item that this one came
 * <em>after</em> it (forward). Counters are Space-Saving, as in {@link ItemNeighborsProcessor}.
 *
 * <p>Throttled: an item is marked dirty in a (changelogged) store on each signal and published by a wall-clock
 * punctuation, at most once per flush interval however many events it gets. Under exactly-once the dirty marks, the
 * counters and the published profiles commit together, so a crash loses no pending publication.
 */
final class ItemProfileProcessor implements Processor<String, ItemSignal, String, ItemProfile> {
    private final FeatureSettings features;
    private final RecommendSettings settings;
    private KeyValueStore<String, ItemTransitions> transitions;
    private KeyValueStore<String, Long> dirty;
    private KeyValueStore<String, ItemStats> stats;
    private ProcessorContext<String, ItemProfile> context;

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
        context.schedule(settings.profileFlushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        ItemSignal s = record.value();
        String itemId = record.key();
        boolean event = s.getEventType() != null;
        if (!s.getPairs().isEmpty() || (event && s.getRecommendationId() != null)) {
            transitions.put(itemId, update(transitions.get(itemId), itemId, s, settings.transitionCapacity()));
        }
        dirty.put(itemId, s.getTimestamp());
    }

    static ItemTransitions update(ItemTransitions before, String itemId, ItemSignal s, int capacity) {
        List<NeighborCounter> forward = before == null ? List.of() : before.getForward();
        List<NeighborCounter> backward = before == null ? List.of() : before.getBackward();
        long attributed = before == null ? 0 : before.getAttributedEvents();
        boolean event = s.getEventType() != null;
        if (!s.getPairs().isEmpty()) {
            if (event) {
                backward = ItemNeighborsProcessor.add(new ItemNeighbors(backward, 0.0), itemId, s.getPairs(), capacity).getEntries();
            } else {
                forward = ItemNeighborsProcessor.add(new ItemNeighbors(forward, 0.0), itemId, s.getPairs(), capacity).getEntries();
            }
        }
        if (event && s.getRecommendationId() != null) {
            attributed++;
        }
        return new ItemTransitions(forward, backward, attributed);
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
            ItemProfile p = profile(itemId, stats.get(itemId), transitions.get(itemId), features, settings.profileNeighbors());
            if (p != null) {
                context.forward(new Record<>(itemId, p, p.getAsOf()));
            }
            dirty.delete(itemId);
        }
    }

    /** The published profile of an item; null when it has no statistics yet (pairs arrived before its first event). */
    static ItemProfile profile(String itemId, ItemStats s, ItemTransitions t, FeatureSettings f, int neighbors) {
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
                .setAttributedEvents(t == null ? 0 : t.getAttributedEvents())
                .setForward(t == null ? List.of() : top(t.getForward(), neighbors))
                .setBackward(t == null ? List.of() : top(t.getBackward(), neighbors))
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

    /** For tests and tools: the entries of the dirty store. */
    static List<KeyValue<String, Long>> pending(KeyValueStore<String, Long> dirty) {
        List<KeyValue<String, Long>> out = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = dirty.all()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
