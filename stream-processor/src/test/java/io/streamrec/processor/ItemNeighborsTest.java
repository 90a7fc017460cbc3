package io.streamrec.processor;

import io.streamrec.avro.ItemNeighbors;
import io.streamrec.avro.NeighborCounter;
import io.streamrec.avro.WeightedKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.streamrec.processor.Harness.DAY;
import static io.streamrec.processor.Harness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Co-occurrence pairs from the user's history, routed to both items' partitions, and their bounded counters. */
class ItemNeighborsTest {
    private static final double EPS = 1e-12;

    private static void assertWeights(Map<String, Double> expected, Map<String, Double> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "neighbors " + actual);
        expected.forEach((k, v) -> assertEquals(v, actual.get(k), EPS, "weight of " + k));
    }

    @Test
    void pairWeightDependsOnDistanceTimeGapAndEventTypesInBothDirections() {
        try (Harness h = Harness.defaults()) { // gap half-life 1 day; view 1, purchase 8
            h.send("u1", "a", "view", T0);
            h.send("u1", "b", "view", T0);            // b-a: sqrt(1*1) / 1, no gap
            h.send("u1", "c", "purchase", T0 + DAY);  // c-b: sqrt(8*1) / 1 * 0.5; c-a: sqrt(8*1) / 2 * 0.5
            double cb = Math.sqrt(8) / 1 * 0.5;
            double ca = Math.sqrt(8) / 2 * 0.5;
            assertWeights(Map.of("b", 1.0, "c", ca), h.neighbors("a"));
            assertWeights(Map.of("a", 1.0, "c", cb), h.neighbors("b"));
            assertWeights(Map.of("b", cb, "a", ca), h.neighbors("c"));
            assertEquals(List.of("b", "a"), List.copyOf(h.neighbors("c").keySet())); // heaviest first

            h.send("u2", "a", "view", T0 + DAY);
            h.send("u2", "b", "view", T0 + DAY);      // another user adds to the same pair
            assertWeights(Map.of("b", 2.0, "c", ca), h.neighbors("a"));
        }
    }

    @Test
    void onlyTheLastKEntriesPairAndARepeatedItemKeepsItsNearestPair() {
        try (Harness h = Harness.with(Map.of(FeatureSettings.NEIGHBOR_HISTORY_K, "3"))) {
            h.send("u1", "a", "view", T0);
            h.send("u1", "b", "view", T0);
            h.send("u1", "x", "view", T0);
            h.send("u1", "a", "view", T0);
            h.send("u1", "d", "view", T0); // last 3 before d: a (1), x (1/2), b (1/3); the first a is 4th and only repeats a
            assertWeights(Map.of("a", 1.0, "x", 0.5, "b", 1.0 / 3), h.neighbors("d"));
            // a got b (1) from b's view, x (1/2) from x's view; its second view paired with x (1), b (1/2) and
            // skipped itself (the first a, distance 3); then d (1)
            assertWeights(Map.of("b", 1.0 + 0.5, "x", 0.5 + 1.0, "d", 1.0), h.neighbors("a"));
        }
    }

    @Test
    void zeroWeightEventsDoNotPair() {
        try (Harness h = Harness.defaults()) { // remove_from_cart weighs 0
            h.send("u1", "a", "view", T0);
            h.send("u1", "b", "remove_from_cart", T0 + 1);
            h.send("u1", "c", "view", T0 + 2);
            assertEquals(Map.of(), h.neighbors("b"));
            // c: b is at distance 1 but weighs 0; a at distance 2
            assertWeights(Map.of("a", 0.5 * Math.pow(0.5, 2.0 / DAY)), h.neighbors("c"));
        }
    }

    @Test
    void entriesPastTheHistoryRetentionPairWithNothing() {
        try (Harness h = Harness.defaults()) { // history retention 30 days by stream time
            h.send("u1", "a", "view", T0);
            h.send("u2", "x", "view", T0 + 31 * DAY); // stream time moves on; u1 is not swept yet
            h.send("u1", "b", "view", T0 + 31 * DAY); // a is past the retention: no pair, though it is still stored
            assertEquals(Map.of(), h.neighbors("b"));
            assertEquals(Map.of(), h.neighbors("a"));
            h.send("u1", "c", "view", T0 + 31 * DAY + 1); // b is within it
            assertWeights(Map.of("b", Math.pow(0.5, 1.0 / DAY)), h.neighbors("c"));
        }
    }

    @Test
    void aLateEventPairsWithTheEntriesBeforeItInEventTime() {
        try (Harness h = Harness.defaults()) {
            h.send("u1", "a", "view", T0);
            h.send("u1", "c", "view", T0 + 2 * DAY);
            h.send("u1", "b", "view", T0 + DAY); // late: pairs with a (1 day before), not with c
            assertWeights(Map.of("a", 0.5), h.neighbors("b"));
            assertWeights(Map.of("a", 0.25), h.neighbors("c"));
        }
    }

    @Test
    void aHotItemsUpdatesAreSplitSoNoRecordNearsTheRequestLimit() {
        try (Harness h = Harness.defaults()) {
            // one combine interval: 8,000 users each view their own item, then the hot one (long user keys, long ids):
            // unsplit, the hot item's update alone would be some 1.2 MB
            String pad = "x".repeat(60);
            for (int u = 0; u < 8_000; u++) {
                h.sendOnly("user-" + pad + u, "item-" + pad + u, "view", T0 + u);
                h.sendOnly("user-" + pad + u, "hot", "view", T0 + u);
            }
            h.combine();
            assertTrue(h.largestUpdateRecord < 600 * 1024, "largest record " + h.largestUpdateRecord + " bytes");
            assertTrue(h.updateRecords > 6, "the partitions' updates were split: " + h.updateRecords + " records");
            // nothing lost in the split: every event and every pair reached the item side
            assertEquals(8_000L, h.stats("hot").getEvents());
            assertEquals(1.0, h.neighbors("item-" + pad + "7").get("hot"), 1e-6);
            assertEquals(1.0, h.neighbors("item-" + pad + "7999").get("hot"), 1e-6);
        }
    }

    @Test
    void spaceSavingKeepsItsCountersInPublicationOrderWhateverTheAdds() {
        java.util.Random random = new java.util.Random(7);
        SpaceSaving n = new SpaceSaving(20);
        for (int step = 0; step < 5_000; step++) {
            // small integer weights make many ties, broken by id
            n.add("i" + random.nextInt(60), 1 + random.nextInt(3));
            if (step % 500 == 0) {
                // what a restart does: the stored counters loaded into a new structure keep the same order
                SpaceSaving loaded = new SpaceSaving(20);
                n.counters().forEach(loaded::load);
                assertEquals(n.counters(), loaded.counters());
                n = loaded;
            }
        }
        List<NeighborCounter> kept = n.counters();
        assertEquals(20, kept.size());
        List<WeightedKey> expected = kept.stream()
                .map(c -> new WeightedKey(c.getItemId(), c.getWeight() - c.getError()))
                .filter(k -> k.getWeight() > 0)
                .sorted(java.util.Comparator.comparingDouble(WeightedKey::getWeight).reversed().thenComparing(WeightedKey::getKey))
                .toList();
        assertEquals(expected.subList(0, 10), n.top(10));
        assertEquals(expected, n.top(100));
    }

    @Test
    void spaceSavingKeepsAtMostTopNPlusBufferCounters() {
        // capacity 2: d takes over the lightest counter (c, 2) and inherits its weight as error
        SpaceSaving n = new SpaceSaving(2);
        n.add("b", 3.0);
        n.add("c", 2.0);
        assertEquals("c", n.add("d", 1.5));
        assertEquals(java.util.Set.of(new NeighborCounter("d", 3.5, 2.0), new NeighborCounter("b", 3.0, 0.0)),
                java.util.Set.copyOf(n.counters()));
        // published by the weight each certainly has: b 3.0 before d 3.5 - 2.0
        assertEquals(List.of(new WeightedKey("b", 3.0), new WeightedKey("d", 1.5)), n.top(5));
        assertEquals(List.of(new WeightedKey("b", 3.0)), n.top(1));

        try (Harness h = Harness.with(Map.of(FeatureSettings.NEIGHBOR_TOP_N, "1", FeatureSettings.NEIGHBOR_CANDIDATE_BUFFER, "1"))) {
            h.send("u1", "p", "view", T0);
            h.send("u1", "hub", "view", T0);      // p 1
            h.send("u2", "q", "view", T0);
            h.send("u2", "hub", "view", T0);      // q 1
            h.send("u3", "p", "view", T0);
            h.send("u3", "hub", "view", T0);      // p 2
            h.send("u4", "r", "view", T0);
            h.send("u4", "hub", "view", T0);      // r takes over q's counter: 1 + 1, error 1
            assertWeights(Map.of("p", 2.0, "r", 2.0), h.neighbors("hub"));
            assertEquals(List.of("p", "r"), List.copyOf(h.neighbors("hub").keySet()));
        }
    }
}
