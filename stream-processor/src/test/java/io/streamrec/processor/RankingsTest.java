package io.streamrec.processor;

import io.streamrec.avro.ItemProfile;
import io.streamrec.recommend.ItemIndex;
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
    void popularIsOrderedByDecayedPopularityAtTheNewestEventTime() {
        try (Harness h = Harness.defaults()) { // half-life 7 days
            h.send("u1", "a", "purchase", T0); // 8
            h.send("u1", "b", "view", T0);     // 1
            h.send("u1", "c", "click", T0);    // 2
            assertEquals(List.of("a", "c", "b"), Harness.ids(h.index().popular()));

            h.send("u2", "b", "view", T0 + 7 * DAY); // at T0+7d: a 4, b 0.5 + 1 = 1.5, c 1
            ItemIndex.Snapshot s = h.index();
            assertEquals(List.of("a", "b", "c"), Harness.ids(s.popular()));
            assertEquals(1.5, s.popular().get(1).score(), EPS);
            assertEquals(T0 + 7 * DAY, s.asOf());
            h.send("u3", "c", "view", T0 + 7 * DAY); // c: 1 + 1 = 2 > b's 1.5 at the same time
            assertEquals(List.of("a", "c", "b"), Harness.ids(h.index().popular()));
        }
    }

    @Test
    void popularPerCategoryFromTheCatalog() {
        try (Harness h = Harness.defaults()) {
            h.item("a", "home", 1.0);
            h.item("b", "home", 1.0);
            h.item("c", "garden", 1.0);
            h.send("u1", "a", "view", T0);
            h.send("u2", "a", "view", T0);
            h.send("u1", "b", "view", T0);
            h.send("u1", "c", "view", T0);
            ItemIndex.Snapshot s = h.index();
            assertEquals(List.of("a", "b"), Harness.ids(s.popularIn("home")));
            assertEquals(List.of("c"), Harness.ids(s.popularIn("garden")));
            assertEquals(List.of(), Harness.ids(s.popularIn("kitchen")));
            assertEquals(List.of("a", "b", "c"), Harness.ids(s.popular()));
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
            ItemProfile burst = h.profile("burst");
            assertEquals(4.0, Decay.value(burst.getDecayed(), Duration.ofHours(1)), EPS);
            assertEquals(4.0, Decay.value(burst.getDecayed(), Duration.ofHours(24)), EPS);
            ItemIndex.Snapshot s = h.index();
            // (4 + 1) / (4 * 1h/24h + 1) = 30 / 7
            assertEquals(List.of("burst"), Harness.ids(s.trendingOver("1h")));
            assertEquals(30.0 / 7, s.trendingOver("1h").get(0).score(), EPS);
            assertEquals(List.of("burst"), Harness.ids(s.trendingOver("7d")));
            assertEquals(List.of("burst"), Harness.ids(s.trending())); // the 24h list candidates use
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
    void trendingRanksEveryItemWithEnoughSupportByScore() {
        try (Harness h = Harness.defaults()) {
            send(h, "x", 5, T0);       // (5+1)/(5/24+1)
            send(h, "y", 3, T0);       // (3+1)/(3/24+1)
            send(h, "z", 4, T0);
            send(h, "w", 3, T0);       // ties y: the smaller id first
            assertEquals(List.of("x", "z", "w", "y"), Harness.ids(h.index().trendingOver("1h")));
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
