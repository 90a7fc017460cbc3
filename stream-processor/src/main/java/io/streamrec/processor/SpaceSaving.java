package io.streamrec.processor;

import io.streamrec.avro.NeighborCounter;

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
 * neighbor must take one over; the sorted list is built at most once per change.
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

    /** Heaviest first, ties by id; on the live counters, without boxing. */
    private static int heavierFirst(Counter a, Counter b) {
        int c = Double.compare(b.weight, a.weight);
        return c != 0 ? c : a.itemId.compareTo(b.itemId);
    }

    private final int capacity;
    private final Map<String, Counter> byId;
    /** The same counters in an array list, for the scan for the lightest (cheaper than iterating the map). */
    private final List<Counter> counters;
    /** {@link #heaviestFirst()} as last built; null when a counter changed since. */
    private List<NeighborCounter> sorted;

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
        sorted = null;
    }

    /**
     * Adds weight to a neighbor's counter.
     *
     * @return the neighbor whose counter was taken over, or null when none was
     */
    String add(String itemId, double weight) {
        sorted = null;
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
     * The counters, heaviest first: a snapshot (later adds do not change it), built once per change however often it is
     * asked for (a publication and the commit's write both need it). Callers must not modify it.
     */
    List<NeighborCounter> heaviestFirst() {
        if (sorted == null) {
            Counter[] a = counters.toArray(new Counter[0]);
            java.util.Arrays.sort(a, SpaceSaving::heavierFirst);
            List<NeighborCounter> out = new ArrayList<>(a.length);
            for (Counter c : a) {
                out.add(new NeighborCounter(c.itemId, c.weight, c.error));
            }
            sorted = java.util.Collections.unmodifiableList(out);
        }
        return sorted;
    }
}
