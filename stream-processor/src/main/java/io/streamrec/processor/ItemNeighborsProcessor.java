package io.streamrec.processor;

import io.streamrec.avro.ItemNeighbors;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.NeighborCounter;
import io.streamrec.avro.WeightedKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates co-occurrence weight per neighbor of an item in {@link SpaceSaving} counters (top-N plus the candidate
 * buffer). Weights are raw; the gateway normalises them by popularity when it answers.
 *
 * <p>One store entry per counter, key {@code item U+001F neighbor}: each event sends about K pair signals here, and
 * updating one small entry costs a fraction of rewriting a whole list. To decide evictions without scanning, the
 * counters of recently updated items are mirrored in memory (an LRU of {@value #INDEXED_ITEMS} items per task, loaded
 * with one prefix scan on a miss); the store stays the truth, every change is written through at once.
 */
final class ItemNeighborsProcessor implements Processor<String, ItemSignal, Void, Void> {
    static final int INDEXED_ITEMS = 500;
    private static final StringSerializer KEYS = new StringSerializer();

    private final int capacity;
    private KeyValueStore<String, NeighborCounter> store;
    private final Map<String, SpaceSaving> index = new LinkedHashMap<>(INDEXED_ITEMS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SpaceSaving> eldest) {
            return size() > INDEXED_ITEMS;
        }
    };

    ItemNeighborsProcessor(ProcessorConfig config) {
        this.capacity = config.features().neighborCapacity();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.ITEM_NEIGHBORS);
        index.clear(); // a re-initialised task may have restored other contents
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        String itemId = record.key();
        for (WeightedKey pair : record.value().getPairs()) {
            if (pair.getKey().equals(itemId) || pair.getWeight() <= 0) {
                continue;
            }
            SpaceSaving counters = counters(itemId);
            String evicted = counters.add(pair.getKey(), pair.getWeight());
            if (evicted != null) {
                store.delete(CompositeKeys.key(itemId, evicted));
            }
            store.put(CompositeKeys.key(itemId, pair.getKey()), counters.get(pair.getKey()));
        }
    }

    private SpaceSaving counters(String itemId) {
        SpaceSaving counters = index.get(itemId);
        if (counters == null) {
            counters = new SpaceSaving(capacity);
            try (KeyValueIterator<String, NeighborCounter> it = store.prefixScan(CompositeKeys.prefix(itemId), KEYS)) {
                while (it.hasNext()) {
                    counters.load(it.next().value);
                }
            }
            index.put(itemId, counters);
        }
        return counters;
    }

    /**
     * The Space-Saving update on a list of counters, for callers that keep counters as one record (self pairs and
     * non-positive weights are ignored); counters come back heaviest first.
     */
    static ItemNeighbors add(ItemNeighbors before, String itemId, List<WeightedKey> pairs, int capacity) {
        SpaceSaving counters = new SpaceSaving(capacity);
        double total = 0.0;
        if (before != null) {
            before.getEntries().forEach(counters::load);
            total = before.getTotalWeight();
        }
        for (WeightedKey pair : pairs) {
            if (!pair.getKey().equals(itemId) && pair.getWeight() > 0) {
                counters.add(pair.getKey(), pair.getWeight());
                total += pair.getWeight();
            }
        }
        return new ItemNeighbors(counters.heaviestFirst(), total);
    }
}
