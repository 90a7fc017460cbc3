package io.streamrec.processor;

import io.streamrec.avro.ItemStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.streamrec.processor.Harness.DAY;
import static io.streamrec.processor.Harness.HOUR;
import static io.streamrec.processor.Harness.MIN;
import static io.streamrec.processor.Harness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Item statistics on the item's partition, after the repartition by itemId. */
class ItemStatsTest {
    private static final double EPS = 1e-12;

    @Test
    void countsUniqueUsersAndSmoothedRates() {
        try (Harness h = Harness.defaults()) {
            h.send("u1", "a", "view", T0);
            h.send("u1", "a", "view", T0 + MIN);
            h.send("u2", "a", "view", T0 + 2 * MIN);
            h.send("u2", "a", "click", T0 + 3 * MIN);
            h.send("u3", "a", "add_to_cart", T0 + 4 * MIN);
            h.send("u3", "a", "purchase", T0 + 5 * MIN);
            h.send("u1", "a", "review", T0 + 6 * MIN);
            h.send("u9", "b", "view", T0);

            ItemStats a = h.stats("a");
            assertEquals(3, a.getViews());
            assertEquals(1, a.getClicks());
            assertEquals(1, a.getCarts());
            assertEquals(1, a.getPurchases());
            assertEquals(7, a.getEvents());
            assertEquals(1 + 1 + 1 + 2 + 4 + 8 + 3, a.getWeightedEvents(), EPS);
            assertEquals(3, Sketches.estimate(a.getUserSketch()));
            assertEquals(T0, a.getFirstEvent());
            assertEquals(T0 + 6 * MIN, a.getLastEvent());

            FeatureSettings s = FeatureSettings.defaults(); // CTR prior Beta(1, 19), conversion prior Beta(1, 49)
            assertEquals((1 + 1) / (3 + 1 + 19.0), ItemFormulas.ctr(a, s), EPS);
            assertEquals((1 + 1) / (3 + 1 + 49.0), ItemFormulas.conversion(a, s), EPS);
            assertEquals(1 / 20.0, ItemFormulas.ctr(null, s), EPS); // unknown item: the prior mean
            assertEquals(1, h.stats("b").getViews());
        }
    }

    @Test
    void conversionNeverExceedsOneOnPurchaseOnlyData() {
        try (Harness h = Harness.with(Map.of(FeatureSettings.CONVERSION_PRIOR_ALPHA, "2", FeatureSettings.CONVERSION_PRIOR_BETA, "8"))) {
            for (int i = 0; i < 5; i++) {
                h.send("u" + i, "a", "purchase", T0 + i);
            }
            // trials = max(views 0, clicks 0, purchases 5)
            assertEquals((5 + 2) / (5 + 2 + 8.0), ItemFormulas.conversion(h.stats("a"), FeatureSettings.from(
                    Map.of(FeatureSettings.CONVERSION_PRIOR_ALPHA, "2", FeatureSettings.CONVERSION_PRIOR_BETA, "8"))), EPS);
        }
    }

    @Test
    void popularityAndTrendingSumsDecayByEventTimeAndLateEventsAddTheirDecayedWeight() {
        try (Harness h = Harness.defaults()) { // popularity half-life 7 days
            h.send("u1", "a", "purchase", T0);
            h.send("u2", "a", "view", T0 + 7 * DAY);
            ItemStats s = h.stats("a");
            assertEquals(8 * 0.5 + 1, Decay.value(s.getDecayed(), Duration.ofDays(7)), EPS);
            assertEquals(8 * Math.pow(0.5, 7) + 1, Decay.value(s.getDecayed(), Duration.ofHours(24)), EPS);
            assertEquals(8 * Math.pow(0.5, 168) + 1, Decay.value(s.getDecayed(), Duration.ofHours(1)), EPS);
            assertEquals(8 * Math.pow(0.5, 0.25) + 1, Decay.value(s.getDecayed(), Duration.ofDays(28)), EPS);

            h.send("u3", "a", "purchase", T0 + 6 * DAY); // one day late
            s = h.stats("a");
            assertEquals(8 * 0.5 + 1 + 8 * Math.pow(0.5, 1.0 / 7), Decay.value(s.getDecayed(), Duration.ofDays(7)), EPS);
            assertEquals(8 * Math.pow(0.5, 7) + 1 + 8 * 0.5, Decay.value(s.getDecayed(), Duration.ofHours(24)), EPS);
            assertEquals(T0 + 7 * DAY, s.getLastEvent());
            assertEquals(2, s.getPurchases());
        }
    }

    @Test
    void anEventOlderThanTheRetentionStillCountsForTheItem() {
        try (Harness h = Harness.defaults()) {
            h.send("u1", "a", "view", T0 + 40 * DAY);
            h.send("u2", "b", "view", T0); // 40 days behind stream time: no history, no pairs, but counted
            assertEquals(1, h.stats("b").getViews());
            assertEquals(T0, h.stats("b").getLastEvent());
            assertEquals(Map.of(), h.neighbors("b"));
        }
    }

    @Test
    void searchesAreNotItemEvents() {
        try (Harness h = Harness.defaults()) {
            h.send(Harness.event("u1", null, "search", T0).setQuery("mug"));
            assertNull(h.stats("mug"));
            assertEquals(1L, h.user("u1").getEventCounts().get("search"));
        }
    }

    @Test
    void halfLivesAreSharedAndMatchTheConfiguration() {
        FeatureSettings s = FeatureSettings.from(Map.of(FeatureSettings.POPULARITY_HALF_LIFE, "24h"));
        assertEquals(java.util.List.of(Duration.ofHours(24), Duration.ofHours(1), Duration.ofDays(7), Duration.ofDays(28)), s.itemHalfLives());
        try (Harness h = Harness.with(Map.of(FeatureSettings.POPULARITY_HALF_LIFE, "24h"))) {
            h.send("u1", "a", "click", T0);
            h.send("u1", "a", "click", T0 + HOUR);
            assertEquals(4, h.stats("a").getDecayed().size());
            assertEquals(2 * 0.5 + 2, Decay.value(h.stats("a").getDecayed(), Duration.ofHours(1)), EPS);
        }
    }

    @Test
    void eventsCombinedInOneIntervalGiveTheStatisticsOfTheEventsOneByOne() {
        String[] types = {"view", "view", "click", "add_to_cart", "purchase", "review"};
        java.util.Random random = new java.util.Random(3);
        java.util.List<Object[]> events = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            // out of order by up to three days, several users and items
            events.add(new Object[]{"u" + random.nextInt(40), "i" + random.nextInt(5), types[random.nextInt(types.length)],
                    T0 + random.nextInt(72) * HOUR + random.nextInt(60) * MIN});
        }
        try (Harness combined = Harness.defaults(); Harness oneByOne = Harness.defaults()) {
            for (Object[] e : events) {
                combined.sendOnly((String) e[0], (String) e[1], (String) e[2], (Long) e[3]);
                oneByOne.send((String) e[0], (String) e[1], (String) e[2], (Long) e[3]);
            }
            combined.combine();
            for (int i = 0; i < 5; i++) {
                ItemStats a = combined.stats("i" + i);
                ItemStats b = oneByOne.stats("i" + i);
                assertEquals(b.getEvents(), a.getEvents());
                assertEquals(b.getViews(), a.getViews());
                assertEquals(b.getClicks(), a.getClicks());
                assertEquals(b.getCarts(), a.getCarts());
                assertEquals(b.getPurchases(), a.getPurchases());
                assertEquals(b.getWeightedEvents(), a.getWeightedEvents(), 1e-9);
                assertEquals(b.getFirstEvent(), a.getFirstEvent());
                assertEquals(b.getLastEvent(), a.getLastEvent());
                assertEquals(Sketches.estimate(b.getUserSketch()), Sketches.estimate(a.getUserSketch()));
                assertEquals(b.getDecayed().size(), a.getDecayed().size());
                for (int k = 0; k < b.getDecayed().size(); k++) {
                    assertEquals(b.getDecayed().get(k).getHalfLifeMs(), a.getDecayed().get(k).getHalfLifeMs());
                    assertEquals(b.getDecayed().get(k).getValue(), a.getDecayed().get(k).getValue(),
                            1e-9 * Math.max(1, b.getDecayed().get(k).getValue()), "decayed sum " + k + " of i" + i);
                }
            }
        }
    }

    @Test
    void anUpdateWrittenBeforeCombinedStatisticsStillCountsItsEventsOneByOne() {
        try (Harness h = Harness.defaults()) {
            h.send("u1", "a", "view", T0);
            // v1 of the item-update record: events listed one by one, no statistics delta, no users list
            h.itemUpdates(PendingItemUpdates.partitionOf("a", 1), new io.streamrec.avro.ItemUpdates(java.util.List.of(
                    new io.streamrec.avro.ItemUpdate("a", java.util.List.of(
                            new io.streamrec.avro.ItemEventDelta("purchase", T0 + MIN, "u2", true),
                            new io.streamrec.avro.ItemEventDelta("view", T0 + 2 * MIN, "u3", false)),
                            java.util.List.of(), java.util.List.of(), null, java.util.List.of()))), T0 + 2 * MIN);
            ItemStats a = h.stats("a");
            assertEquals(3, a.getEvents());
            assertEquals(1, a.getPurchases());
            assertEquals(2, a.getViews());
            assertEquals(3, Sketches.estimate(a.getUserSketch()));
            assertEquals(T0 + 2 * MIN, a.getLastEvent());
        }
    }
}
