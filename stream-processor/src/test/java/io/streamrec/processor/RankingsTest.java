package io.streamrec.processor;

import io.streamrec.avro.RankEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.streamrec.processor.Harness.DAY;
import static io.streamrec.processor.Harness.HOUR;
import static io.streamrec.processor.Harness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each item partition's popular and trending lists. */
class RankingsTest {
    private static final double EPS = 1e-12;

    @Test
    void popularKeepsTheExactTopKByDecayedPopularity() {
        try (Harness h = Harness.with(Map.of(FeatureSettings.RANKING_SIZE, "2"))) { // half-life 7 days
            h.send("u1", "a", "purchase", T0); // 8
            h.send("u1", "b", "view", T0);     // 1
            h.send("u1", "c", "click", T0);    // 2: b leaves the top 2
            assertEquals(List.of("a", "c"), h.rankingItems(Rankings.POPULAR));

            h.send("u2", "b", "view", T0 + 7 * DAY); // b: 0.5 + 1 = 1.5 at T0+7d, c: 1 then: c leaves
            assertEquals(List.of("a", "b"), h.rankingItems(Rankings.POPULAR));
            RankEntry b = h.ranking(Rankings.POPULAR).get("b");
            assertEquals(1.5, b.getRecent(), EPS);
            assertEquals(T0 + 7 * DAY, b.getRef());
            h.send("u3", "c", "view", T0 + 7 * DAY); // c: 1 + 1 = 2 > b's 1.5 at the same time
            assertEquals(List.of("a", "c"), h.rankingItems(Rankings.POPULAR));
        }
    }

    @Test
    void popularPerCategoryFromTheCatalogWithAnUpperBoundOnCategories() {
        try (Harness h = Harness.with(Map.of(FeatureSettings.RANKING_MAX_CATEGORIES, "1"))) {
            h.item("a", "home", 1.0);
            h.item("b", "home", 1.0);
            h.item("c", "garden", 1.0);
            h.send("u1", "a", "view", T0);
            h.send("u1", "b", "view", T0);
            h.send("u1", "c", "view", T0);
            assertEquals(List.of("a", "b"), h.rankingItems(Rankings.popularIn("home")));
            assertEquals(List.of(), h.rankingItems(Rankings.popularIn("garden"))); // over the category cap
            assertEquals(List.of("a", "b", "c"), h.rankingItems(Rankings.POPULAR));
        }
    }

    @Test
    void trendingComparesRecentActivityWithTheItemsOwnBaseline() {
        try (Harness h = Harness.defaults()) { // min support 3, prior 1; 1h window against a 24h baseline
            for (int i = 0; i < 4; i++) {
                h.send("u" + i, "burst", "view", T0);
            }
            h.send("u1", "few", "view", T0); // 2 views: below the minimum support
            h.send("u2", "few", "view", T0);
            RankEntry burst = h.ranking(Rankings.trending("1h")).get("burst");
            assertEquals(4.0, burst.getRecent(), EPS);
            assertEquals(4.0, burst.getBaseline(), EPS);
            // (4 + 1) / (4 * 1h/24h + 1) = 30 / 7
            assertEquals(30.0 / 7, ItemFormulas.trending(burst.getRecent(), burst.getBaseline(),
                    Duration.ofHours(1), Duration.ofHours(24), 1.0), EPS);
            assertEquals(List.of("burst"), h.rankingItems(Rankings.trending("1h")));
            assertEquals(List.of("burst"), h.rankingItems(Rankings.trending("7d")));
        }
    }

    @Test
    void aSteadyItemScoresAboutOne() {
        // a steady rate r gives decayed sums r*h/ln2: recent/expected = 1 (the prior pulls small numbers to 1 too)
        double r = 100.0 / HOUR;
        double recent = r * HOUR / Math.log(2);
        double baseline = r * 24 * HOUR / Math.log(2);
        assertEquals(1.0, ItemFormulas.trending(recent, baseline, Duration.ofHours(1), Duration.ofHours(24), 1.0), EPS);
    }

    @Test
    void aFullTrendingBufferReplacesItsLowestCandidateOnlyForAHigherScore() {
        try (Harness h = Harness.with(Map.of(FeatureSettings.RANKING_SIZE, "1"))) { // buffer of 2
            send(h, "x", 5, T0);       // (5+1)/(5/24+1)
            send(h, "y", 3, T0);       // (3+1)/(3/24+1): lowest
            send(h, "z", 4, T0);       // beats y
            assertEquals(List.of("x", "z"), h.rankingItems(Rankings.trending("1h")));
            send(h, "w", 3, T0);       // ties y's old score, below z: stays out
            assertEquals(List.of("x", "z"), h.rankingItems(Rankings.trending("1h")));
            assertTrue(ItemFormulas.trending(4, 4, Duration.ofHours(1), Duration.ofHours(24), 1)
                    > ItemFormulas.trending(3, 3, Duration.ofHours(1), Duration.ofHours(24), 1));
        }
    }

    private static void send(Harness h, String item, int views, long t) {
        for (int i = 0; i < views; i++) {
            h.send("user-" + item + i, item, "view", t);
        }
    }
}
