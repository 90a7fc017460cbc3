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
 * <p>Counters are mutable, in a hash map by id and an array kept in publication order (most certain weight first,
 * ties by id): adding to a counter that exists (the common case) is one lookup and a move of the counter towards the
 * front past the few it overtook; the lightest counter is searched for (a scan, at most {@code capacity}) only when a
 * new neighbor must take one over. A publication ({@link #top}) copies the front of the array, with no sort, and the
 * state stores the counters in that order, so loading them back needs none either.
 * Not thread-safe: one item-side task owns it.
 */
final class SpaceSaving {
    private static final class Counter {
        final String itemId;
        double weight;
        final double error;
        /** Position in {@link #order}. */
        int slot;

        Counter(String itemId, double weight, double error) {
            this.itemId = itemId;
            this.weight = weight;
            this.error = error;
        }

        double certain() {
            return weight - error;
        }
    }

    private final int capacity;
    private final Map<String, Counter> byId;
    /** The counters, most certain weight first, ties by id; {@link #size} of them. */
    private Counter[] order;
    private int size;

    SpaceSaving(int capacity) {
        this.capacity = capacity;
        this.byId = new HashMap<>(Math.max(16, capacity * 2));
        this.order = new Counter[Math.max(1, capacity)];
    }

    /** Adds an existing counter as it is (when loading from the store; more than the capacity are kept if stored). */
    void load(NeighborCounter c) {
        Counter k = new Counter(c.getItemId(), c.getWeight(), c.getError());
        Counter old = byId.put(k.itemId, k);
        if (old != null) {
            k.slot = old.slot;
            order[k.slot] = k;
        } else {
            if (size == order.length) {
                order = java.util.Arrays.copyOf(order, size * 2);
            }
            k.slot = size;
            order[size++] = k;
        }
        place(k.slot);
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
            place(old.slot);
            return null;
        }
        if (size < capacity) {
            Counter k = new Counter(itemId, weight, 0.0);
            k.slot = size;
            order[size++] = k;
            byId.put(itemId, k);
            place(k.slot);
            return null;
        }
        Counter lightest = order[0];
        for (int i = 1; i < size; i++) {
            Counter c = order[i];
            if (c.weight < lightest.weight || (c.weight == lightest.weight && c.itemId.compareTo(lightest.itemId) > 0)) {
                lightest = c;
            }
        }
        byId.remove(lightest.itemId);
        Counter k = new Counter(itemId, lightest.weight + weight, lightest.weight);
        k.slot = lightest.slot;
        order[k.slot] = k;
        byId.put(itemId, k);
        place(k.slot);
        return lightest.itemId;
    }

    /** Moves the counter at {@code i} forward or back until the order holds again. */
    private void place(int i) {
        while (i > 0 && moreCertainFirst(order[i], order[i - 1]) < 0) {
            swap(i, i - 1);
            i--;
        }
        while (i < size - 1 && moreCertainFirst(order[i + 1], order[i]) < 0) {
            swap(i, i + 1);
            i++;
        }
    }

    private void swap(int i, int j) {
        Counter a = order[i];
        order[i] = order[j];
        order[j] = a;
        order[i].slot = i;
        order[j].slot = j;
    }

    NeighborCounter get(String itemId) {
        Counter c = byId.get(itemId);
        return c == null ? null : new NeighborCounter(c.itemId, c.weight, c.error);
    }

    int size() {
        return size;
    }

    /** The counters in publication order: what the item state stores. */
    List<NeighborCounter> counters() {
        List<NeighborCounter> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Counter c = order[i];
            out.add(new NeighborCounter(c.itemId, c.weight, c.error));
        }
        return out;
    }

    /**
     * The {@code n} neighbors with the most weight they certainly accumulated ({@code weight - error}, positive only),
     * most first, ties by id: what a profile publishes. The front of the kept order, no sort.
     */
    List<WeightedKey> top(int n) {
        List<WeightedKey> out = new ArrayList<>(Math.min(n, size));
        for (int i = 0; i < size && out.size() < n; i++) {
            double w = order[i].certain();
            if (w <= 0) {
                break;
            }
            out.add(new WeightedKey(order[i].itemId, w));
        }
        return out;
    }

    private static int moreCertainFirst(Counter a, Counter b) {
        int c = Double.compare(b.certain(), a.certain());
        return c != 0 ? c : a.itemId.compareTo(b.itemId);
    }
}
