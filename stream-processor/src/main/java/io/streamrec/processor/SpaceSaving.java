package io.streamrec.processor;

import io.streamrec.avro.NeighborCounter;
import io.streamrec.avro.WeightedKey;

import java.util.ArrayList;
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
 * <p>Counters are mutable, in a hash map by id and an array list: adding to a counter that exists (the common case) is
 * one lookup; the lightest counter is searched for (a scan of the list, at most {@code capacity}) only when a new
 * neighbor must take one over; the counters are sorted only for a publication ({@link #top}), and stored unsorted.
 * Not thread-safe: one item-side task owns it.
 */
final class SpaceSaving {
    private static final class Counter {
        final String itemId;
        double weight;
        final double error;
        /** Position in {@link #counters}. */
        int slot;

        Counter(String itemId, double weight, double error) {
            this.itemId = itemId;
            this.weight = weight;
            this.error = error;
        }
    }

    private final int capacity;
    private final Map<String, Counter> byId;
    /** The same counters in an array list, for the scan for the lightest (cheaper than iterating the map). */
    private final List<Counter> counters;

    SpaceSaving(int capacity) {
        this.capacity = capacity;
        this.byId = new HashMap<>(Math.max(16, capacity * 2));
        this.counters = new ArrayList<>(capacity);
    }

    /** Adds an existing counter as it is (when loading from the store). */
    void load(NeighborCounter c) {
        Counter k = new Counter(c.getItemId(), c.getWeight(), c.getError());
        Counter old = byId.put(k.itemId, k);
        if (old != null) {
            k.slot = old.slot;
            counters.set(old.slot, k);
        } else {
            k.slot = counters.size();
            counters.add(k);
        }
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
            Counter k = new Counter(itemId, weight, 0.0);
            k.slot = counters.size();
            counters.add(k);
            byId.put(itemId, k);
            return null;
        }
        Counter lightest = counters.get(0);
        for (int i = 1; i < counters.size(); i++) {
            Counter c = counters.get(i);
            if (c.weight < lightest.weight || (c.weight == lightest.weight && c.itemId.compareTo(lightest.itemId) > 0)) {
                lightest = c;
            }
        }
        byId.remove(lightest.itemId);
        Counter k = new Counter(itemId, lightest.weight + weight, lightest.weight);
        k.slot = lightest.slot;
        counters.set(k.slot, k);
        byId.put(itemId, k);
        return lightest.itemId;
    }

    NeighborCounter get(String itemId) {
        Counter c = byId.get(itemId);
        return c == null ? null : new NeighborCounter(c.itemId, c.weight, c.error);
    }

    int size() {
        return byId.size();
    }

    /**
     * The counters as they are kept (no order): what the item state stores. Loading them back with {@link #load} gives
     * the same structure, and the eviction's choice (lightest, ties by id) does not depend on the order.
     */
    List<NeighborCounter> counters() {
        List<NeighborCounter> out = new ArrayList<>(counters.size());
        for (Counter c : counters) {
            out.add(new NeighborCounter(c.itemId, c.weight, c.error));
        }
        return out;
    }

    /**
     * The {@code n} neighbors with the most weight they certainly accumulated ({@code weight - error}, positive only),
     * most first, ties by id: what a profile publishes. One sort of the counters on primitive keys, no intermediate lists.
     */
    List<WeightedKey> top(int n) {
        int size = counters.size();
        Counter[] a = new Counter[size];
        int m = 0;
        for (Counter c : counters) {
            if (c.weight - c.error > 0) {
                a[m++] = c;
            }
        }
        java.util.Arrays.sort(a, 0, m, SpaceSaving::moreCertainFirst);
        int k = Math.min(n, m);
        List<WeightedKey> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            out.add(new WeightedKey(a[i].itemId, a[i].weight - a[i].error));
        }
        return out;
    }

    private static int moreCertainFirst(Counter a, Counter b) {
        int c = Double.compare(b.weight - b.error, a.weight - a.error);
        return c != 0 ? c : a.itemId.compareTo(b.itemId);
    }
}
