package io.streamrec.processor;

import io.streamrec.avro.NeighborCounter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Space-Saving counters (Metwally, Agrawal and El Abbadi, 2005) of co-occurrence weight for one item: at most
 * {@code capacity} counters; a neighbor without a counter when all are taken replaces the lightest one and inherits
 * its weight as error. Any neighbor whose true weight exceeds (all weight added) / capacity is guaranteed a counter,
 * and {@code weight - error} is a lower bound of its true weight. Ties are broken by item id, so results are
 * deterministic.
 */
final class SpaceSaving {
    /** Lightest first; among equal weights the greater id first (it is evicted first). */
    static final Comparator<NeighborCounter> LIGHTEST_FIRST = Comparator.comparingDouble(NeighborCounter::getWeight)
            .thenComparing(NeighborCounter::getItemId, Comparator.reverseOrder());

    private final int capacity;
    private final Map<String, NeighborCounter> byId = new HashMap<>();
    private final TreeSet<NeighborCounter> order = new TreeSet<>(LIGHTEST_FIRST);

    SpaceSaving(int capacity) {
        this.capacity = capacity;
    }

    /** Adds an existing counter as it is (when loading from the store). */
    void load(NeighborCounter c) {
        byId.put(c.getItemId(), c);
        order.add(c);
    }

    /**
     * Adds weight to a neighbor's counter.
     *
     * @return the neighbor whose counter was taken over, or null when none was
     */
    String add(String itemId, double weight) {
        NeighborCounter old = byId.get(itemId);
        if (old != null) {
            replace(old, new NeighborCounter(itemId, old.getWeight() + weight, old.getError()));
            return null;
        }
        if (byId.size() < capacity) {
            load(new NeighborCounter(itemId, weight, 0.0));
            return null;
        }
        NeighborCounter lightest = order.pollFirst();
        byId.remove(lightest.getItemId());
        load(new NeighborCounter(itemId, lightest.getWeight() + weight, lightest.getWeight()));
        return lightest.getItemId();
    }

    NeighborCounter get(String itemId) {
        return byId.get(itemId);
    }

    int size() {
        return byId.size();
    }

    /** The counters, heaviest first. */
    List<NeighborCounter> heaviestFirst() {
        return new ArrayList<>(order.descendingSet());
    }

    private void replace(NeighborCounter old, NeighborCounter updated) {
        order.remove(old);
        byId.put(updated.getItemId(), updated);
        order.add(updated);
    }
}
