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
}
