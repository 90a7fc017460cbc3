package io.streamrec.processor;

import io.streamrec.avro.ItemNeighbors;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.NeighborCounter;
import io.streamrec.avro.WeightedKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accumulates co-occurrence weight per neighbor of an item with the Space-Saving algorithm (Metwally, Agrawal and
 * El Abbadi, 2005): at most top-N plus the candidate buffer counters; a neighbor without a counter when all are taken
 * replaces the lightest one and inherits its weight as error. Any neighbor whose true weight exceeds
 * totalWeight / capacity is guaranteed to hold a counter; {@code weight - error} is a lower bound of its true weight.
 * Weights are raw; the gateway normalises them by popularity when it answers.
 */
final class ItemNeighborsProcessor implements Processor<String, ItemSignal, Void, Void> {
    private final int capacity;
    private KeyValueStore<String, ItemNeighbors> store;

    ItemNeighborsProcessor(ProcessorConfig config) {
        this.capacity = config.features().neighborCapacity();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.ITEM_NEIGHBORS);
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        List<WeightedKey> pairs = record.value().getPairs();
        if (pairs.isEmpty()) {
            return;
        }
        store.put(record.key(), add(store.get(record.key()), record.key(), pairs, capacity));
    }

    static ItemNeighbors add(ItemNeighbors before, String itemId, List<WeightedKey> pairs, int capacity) {
        List<NeighborCounter> counters = before == null ? new ArrayList<>() : new ArrayList<>(before.getEntries());
        double total = before == null ? 0.0 : before.getTotalWeight();
        for (WeightedKey pair : pairs) {
            if (pair.getKey().equals(itemId) || pair.getWeight() <= 0) {
                continue;
            }
            total += pair.getWeight();
            int found = indexOf(counters, pair.getKey());
            if (found >= 0) {
                NeighborCounter c = counters.get(found);
                counters.set(found, new NeighborCounter(c.getItemId(), c.getWeight() + pair.getWeight(), c.getError()));
            } else if (counters.size() < capacity) {
                counters.add(new NeighborCounter(pair.getKey(), pair.getWeight(), 0.0));
            } else {
                int lightest = lightest(counters);
                double inherited = counters.get(lightest).getWeight();
                counters.set(lightest, new NeighborCounter(pair.getKey(), inherited + pair.getWeight(), inherited));
            }
        }
        counters.sort(Comparator.comparingDouble(NeighborCounter::getWeight).reversed().thenComparing(NeighborCounter::getItemId));
        return new ItemNeighbors(counters, total);
    }

    private static int indexOf(List<NeighborCounter> counters, String itemId) {
        for (int i = 0; i < counters.size(); i++) {
            if (counters.get(i).getItemId().equals(itemId)) {
                return i;
            }
        }
        return -1;
    }

    private static int lightest(List<NeighborCounter> counters) {
        int min = 0;
        for (int i = 1; i < counters.size(); i++) {
            NeighborCounter c = counters.get(i);
            NeighborCounter m = counters.get(min);
            if (c.getWeight() < m.getWeight() || (c.getWeight() == m.getWeight() && c.getItemId().compareTo(m.getItemId()) > 0)) {
                min = i;
            }
        }
        return min;
    }
}
