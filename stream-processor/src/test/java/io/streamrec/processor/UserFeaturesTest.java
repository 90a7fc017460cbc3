package io.streamrec.processor;

import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.WeightedKey;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.streamrec.processor.Harness.DAY;
import static io.streamrec.processor.Harness.MIN;
import static io.streamrec.processor.Harness.T0;
import static io.streamrec.processor.Harness.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** User features through the whole topology, with exact expected numbers. */
class UserFeaturesTest {
    private static final double EPS = 1e-12;

    private static long day(long t) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(t), java.time.ZoneOffset.UTC).toEpochDay();
    }

    @Test
    void countsSpendOrdersPurchaseDaysAndDistinctItems() {
        try (Harness h = Harness.defaults()) {
            h.send("u1", "a", "view", T0);
            h.send("u1", "a", "click", T0 + MIN);
            h.send("u1", "a", "add_to_cart", T0 + 2 * MIN);
            h.send(event("u1", "a", "purchase", T0 + 3 * MIN).setPrice(2.5).setQuantity(4).setProperties(Map.of("invoiceNo", "536365")));
            h.send(event("u1", "b", "purchase", T0 + 3 * MIN).setPrice(10.0).setQuantity(1).setProperties(Map.of("invoiceNo", "536365")));
            h.send(event("u1", null, "search", T0 + 4 * MIN).setQuery("lantern"));
            h.send(event("u1", "c", "purchase", T0 + 2 * DAY).setPrice(3.0).setQuantity(2).setProperties(Map.of("invoiceNo", "536366")));

            UserFeatures f = h.user("u1");
            assertEquals(Map.of("view", 1L, "click", 1L, "add_to_cart", 1L, "purchase", 3L, "search", 1L), f.getEventCounts());
            assertEquals(26.0, f.getTotalSpend(), EPS); // 2.5*4 + 10*1 + 3*2
            assertEquals(2, f.getOrders());             // invoices 536365 and 536366
            assertEquals(T0, f.getFirstSeen());
            assertEquals(T0 + 2 * DAY, f.getLastSeen());
            assertEquals(T0 + 2 * DAY, f.getLastPurchase());
            assertEquals(2, f.getPurchaseDays());
            assertEquals(day(T0), f.getFirstPurchaseDay());
            assertEquals(day(T0) + 2, f.getLastPurchaseDay());
            assertEquals(2, f.getSessions());           // no sessionId: the 2-day gap starts the second
            assertEquals(3, Sketches.estimate(f.getItemSketch()));
        }
    }

    @Test
    void engagementDecaysByEventTimeWhateverTheArrivalOrder() {
        try (Harness h = Harness.defaults()) { // half-life 7 days; purchase 8, view 1, click 2
            h.send("u1", "a", "purchase", T0);
            h.send("u1", "b", "view", T0 + 7 * DAY);
            assertEquals(8 * 0.5 + 1, h.user("u1").getEngagement(), EPS);
            h.send("u1", "c", "click", T0); // late: its weight arrives already decayed to the last event time
            assertEquals(8 * 0.5 + 1 + 2 * 0.5, h.user("u1").getEngagement(), EPS);
            h.send("u1", "d", "view", T0 + 14 * DAY);
            assertEquals(6 * 0.5 + 1, h.user("u1").getEngagement(), EPS);
            assertEquals(T0 + 14 * DAY, h.user("u1").getLastSeen());
        }
    }

    @Test
    void categoryAffinityIsDecayedAndKeepsTheTopK() {
        try (Harness h = Harness.with(Map.of(FeatureSettings.AFFINITY_TOP_K, "2", FeatureSettings.FEATURE_HALF_LIFE, "1d"))) {
            h.item("a", "home", 1.0);
            h.item("b", "garden", 1.0);
            h.item("c", "kitchen", 1.0);
            h.item("d", "home", 1.0);
            h.send("u1", "a", "purchase", T0);     // home 8
            h.send("u1", "b", "view", T0 + DAY);    // home 4, garden 1
            h.send("u1", "c", "click", T0 + DAY);   // kitchen 2: garden drops out of the top 2
            assertEquals(List.of(new WeightedKey("home", 4.0), new WeightedKey("kitchen", 2.0)), h.user("u1").getCategoryAffinity());
            h.send("u1", "b", "view", T0 + 2 * DAY); // home 2, kitchen 1, garden 1: a tie goes to the name first
            assertEquals(List.of(new WeightedKey("home", 2.0), new WeightedKey("garden", 1.0)), h.user("u1").getCategoryAffinity());
            h.send("u1", "d", "view", T0 + DAY);      // late, home: +1 * 0.5
            assertEquals(List.of(new WeightedKey("home", 2.5), new WeightedKey("garden", 1.0)), h.user("u1").getCategoryAffinity());
            assertEquals(3, Sketches.estimate(h.user("u1").getCategorySketch()));
            assertEquals(4, Sketches.estimate(h.user("u1").getItemSketch()));
        }
    }

    @Test
    void itemsNotInTheCatalogHaveNoCategory() {
        try (Harness h = Harness.defaults()) {
            h.send("u1", "unknown", "purchase", T0);
            UserFeatures f = h.user("u1");
            assertEquals(List.of(), f.getCategoryAffinity());
            assertNull(f.getCategorySketch());
            assertEquals(0.0, f.getTotalSpend(), EPS); // no price on the event nor in the catalog
        }
    }

    @Test
    void sessionsByInactivityGapOrBySessionId() {
        try (Harness h = Harness.defaults()) { // gap 30 minutes
            h.send("u1", "a", "view", T0);
            h.send("u1", "a", "view", T0 + 29 * MIN);
            h.send("u1", "a", "view", T0 + 60 * MIN);                               // 31 min gap: 2
            h.send(event("u1", "a", "view", T0 + 61 * MIN).setSessionId("s1"));      // new id: 3
            h.send(event("u1", "a", "view", T0 + 200 * MIN).setSessionId("s1"));     // same id despite the gap: 3
            h.send(event("u1", "a", "view", T0 + 201 * MIN).setSessionId("s2"));     // 4
            h.send("u1", "a", "view", T0 + 10 * MIN);                               // late, inside the known span: 4
            h.send("u1", "a", "view", T0 - 31 * MIN);                               // late, before the first event by more than the gap: 5
            assertEquals(5, h.user("u1").getSessions());
            assertEquals(List.of("s1", "s2"), h.user("u1").getRecentSessionIds());
            assertEquals(T0 - 31 * MIN, h.user("u1").getFirstSeen());
        }
    }

    @Test
    void ordersByInvoiceElseSessionElseMinuteAndCatalogPrice() {
        try (Harness h = Harness.defaults()) {
            h.item("a", "home", 2.0);
            h.send(event("u1", "a", "purchase", T0 + 10_000).setQuantity(3));   // catalog price: 6
            h.send(event("u1", "a", "purchase", T0 + 50_000));                  // same minute: same order; 2
            h.send(event("u1", "a", "purchase", T0 + 70_000).setPrice(1.0));    // next minute: order 2; 1
            h.send(event("u1", "a", "purchase", T0 + 80_000).setSessionId("s9").setPrice(1.0)); // order 3
            h.send(event("u1", "a", "purchase", T0 + 5 * MIN).setSessionId("s9").setPrice(1.0)); // still order 3
            UserFeatures f = h.user("u1");
            assertEquals(3, f.getOrders());
            assertEquals(6 + 2 + 1 + 1 + 1, f.getTotalSpend(), EPS);
            assertEquals(1, f.getPurchaseDays());
        }
    }

    @Test
    void purchaseDaysCountOnceIncludingLateOnesAndFollowTheConfiguredZone() {
        try (Harness h = Harness.defaults()) {
            h.send("u1", "a", "purchase", T0);
            h.send("u1", "a", "purchase", T0 + 60 * MIN);
            h.send("u1", "a", "purchase", T0 + 3 * DAY);
            h.send("u1", "a", "purchase", T0 + DAY); // late, a day not seen yet
            h.send("u1", "a", "purchase", T0 + DAY + MIN); // that day again
            UserFeatures f = h.user("u1");
            assertEquals(3, f.getPurchaseDays()); // day 0, day 3 and the late day 1
            assertEquals(day(T0), f.getFirstPurchaseDay());
            assertEquals(day(T0) + 3, f.getLastPurchaseDay());
            assertEquals(T0 + 3 * DAY, f.getLastPurchase());
        }
        long lateEveningUtc = Instant.parse("2024-07-01T23:30:00Z").toEpochMilli(); // 00:30 on 2 July in London
        try (Harness h = Harness.with(Map.of(FeatureSettings.DAY_ZONE, "Europe/London"))) {
            h.send("u1", "a", "purchase", lateEveningUtc);
            assertEquals(LocalDate.parse("2024-07-02").toEpochDay(), h.user("u1").getFirstPurchaseDay());
        }
    }

    @Test
    void anEventOlderThanTheRetentionStillCountsInTheFeatures() {
        try (Harness h = Harness.defaults()) { // history retention 30 days
            h.send("u1", "a", "view", T0 + 40 * DAY);
            h.send("u1", "b", "purchase", T0); // 40 days late: not in the history, but a fact about the user
            UserFeatures f = h.user("u1");
            assertEquals(Map.of("view", 1L, "purchase", 1L), f.getEventCounts());
            assertEquals(1 + 8 * Math.pow(0.5, 40.0 / 7), f.getEngagement(), EPS);
            assertEquals(T0, f.getFirstSeen());
            assertEquals(T0, f.getLastPurchase());
        }
    }
}
