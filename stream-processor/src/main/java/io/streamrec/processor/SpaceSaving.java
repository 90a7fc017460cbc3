package io.streamrec.processor;

import io.streamrec.avro.NeighborCounter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Space-Saving counters (Metwally, Agrawal and El Abbadi, 2005) of co-occurrence weight for one item: at most
 * {@code capacity} counters; a neighbor without a counter when all are taken replaces the lightest one and inherits
 * its weight as error. Any neighbor whose true weight exceeds (all weight added) / capacity is guaranteed a counter,
 * and {@code weight - error} is a lower bound of its true weight. Ties are broken by item id, so results are
 * deterministic.
 *
 * <p>Counters are mutable and kept in a hash map only: adding to a counter that exists (the common case) is one lookup;
 * the lightest counter is searched for (a scan of at most {@code capacity}) only when a new neighbor must take one over.
 * Not thread-safe: one item-side task owns it.
 */
final class SpaceSaving {
    /** Heaviest first; among equal weights the smaller id first (the greater one is evicted first). */
    static final Comparator<NeighborCounter> HEAVIEST_FIRST = Comparator.comparingDouble(NeighborCounter::getWeight).reversed()
            .thenComparing(NeighborCounter::getItemId);

    private static final class Counter {
        final String itemId;
        double weight;
        final double error;

        Counter(String itemId, double weight, double error) {
            this.itemId = itemId;
            this.weight = weight;
            this.error = error;
        }
    }

    private final int capacity;
    private final Map<String, Counter> byId;

    SpaceSaving(int capacity) {
        this.capacity = capacity;
        this.byId = new HashMap<>(Math.max(16, capacity * 2));
    }

    /** Adds an existing counter as it is (when loading from the store). */
    void load(NeighborCounter c) {
        byId.put(c.getItemId(), new Counter(c.getItemId(), c.getWeight(), c.getError()));
    }

    /**
     * Adds weight to a neighbor's counter.
     *
     * @return the neighbor whose counter was taken over, or null when none was
     */
    String add(String itemId, double weight) {
        Counter old = byId.get(itemId);
        if (old != null) {
            old.weight += weight;
            return null;
        }
        if (byId.size() < capacity) {
            byId.put(itemId, new Counter(itemId, weight, 0.0));
            return null;
        }
        Counter lightest = null;
        for (Counter c : byId.values()) {
            if (lightest == null || c.weight < lightest.weight
                    || (c.weight == lightest.weight && c.itemId.compareTo(lightest.itemId) > 0)) {
                lightest = c;
            }
        }
        byId.remove(lightest.itemId);
        byId.put(itemId, new Counter(itemId, lightest.weight + weight, lightest.weight));
        return lightest.itemId;
    }

    NeighborCounter get(String itemId) {
        Counter c = byId.get(itemId);
        return c == null ? null : new NeighborCounter(c.itemId, c.weight, c.error);
    }

    int size() {
        return byId.size();
    }

    /** The counters, heaviest first (a snapshot: later adds do not change it). */
    List<NeighborCounter> heaviestFirst() {
        List<NeighborCounter> out = new ArrayList<>(byId.size());
        for (Counter c : byId.values()) {
            out.add(new NeighborCounter(c.itemId, c.weight, c.error));
        }
        out.sort(HEAVIEST_FIRST);
        return out;
    }
}
