package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemState;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.WeightedKey;
import io.streamrec.schemas.Serdes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every value stays bounded however much a key sees: a very active user and a very popular item are driven through
 * the update rules and their serialized sizes checked against a cap (the numbers the configuration doc quotes).
 */
class StateSizeTest {
    private static final FeatureSettings S = FeatureSettings.defaults();
    /** Loading Serdes registers the generated classes with Avro's class validator, as the topology does in production. */
    private static final Object TRUSTED = Serdes.USER_FEATURES;

    @Test
    void aVeryActiveUserStaysBounded() {
        UserFeatures f = null;
        String[] types = {"view", "click", "add_to_cart", "remove_from_cart", "purchase", "search", "review", "rating"};
        for (int i = 0; i < 20_000; i++) {
            String type = types[i % types.length];
            ClickEvent e = ClickEvent.newBuilder().setEventId("e" + i).setUserId("user-0000001").setSessionId("session-" + (i / 20))
                    .setItemId("item-" + (i % 5000)).setEventType(type).setTimestamp(1_700_000_000_000L + i * 120_000L)
                    .setPrice(3.5).setQuantity(2).setProperties(Map.of("invoiceNo", "5" + (i / 40))).build();
            Item item = new Item("item-" + (i % 5000), "t", "category-" + (i % 40), 3.5, null, null, true);
            f = UserFeaturesUpdate.apply(f, e, item, true, S);
        }
        int bytes = Serdes.USER_FEATURES.serialize("t", f).length;
        assertEquals(10, f.getCategoryAffinity().size());
        assertEquals(UserFeaturesUpdate.RECENT_ORDERS, f.getRecentOrderKeys().size());
        assertEquals(UserFeaturesUpdate.RECENT_PURCHASE_DAYS, f.getRecentPurchaseDays().size());
        assertEquals(5000, Sketches.estimate(f.getItemSketch()), 5000 * 0.1);
        assertTrue(bytes <= 1700, "user features take " + bytes + " bytes");
        System.out.println("bytes per very active user (features): " + bytes);

        UserFeatures light = UserFeaturesUpdate.apply(null, ClickEvent.newBuilder().setEventId("e").setUserId("17850")
                .setItemId("85123A").setEventType("purchase").setTimestamp(1L).setPrice(2.55).setQuantity(6)
                .setSessionId("invoice-536365").setProperties(Map.of("invoiceNo", "536365")).build(), null, true, S);
        System.out.println("bytes per one-purchase user (features): " + Serdes.USER_FEATURES.serialize("t", light).length);
    }

    @Test
    void aVeryPopularItemStaysBounded() {
        ItemStats s = null;
        List<String> users = new java.util.ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            s = ItemStatsUpdate.apply(s, i % 3 == 0 ? "purchase" : "view", 1_700_000_000_000L + i * 1000L, S);
            users.add("user-" + i);
            if (users.size() == 1000) { // the item side adds a combined update's users at once
                org.apache.datasketches.hll.HllSketch sketch = Sketches.open(s.getUserSketch(), S.sketchLgK());
                users.forEach(sketch::update);
                s.setUserSketch(Sketches.encode(sketch));
                users.clear();
            }
        }
        int bytes = Serdes.ITEM_STATS.serialize("t", s).length;
        assertEquals(50_000, Sketches.estimate(s.getUserSketch()), 50_000 * 0.1);
        assertTrue(bytes <= 700, "item stats take " + bytes + " bytes");
        System.out.println("bytes per popular item (stats): " + bytes);

        SpaceSaving forward = new SpaceSaving(S.neighborCapacity());
        SpaceSaving backward = new SpaceSaving(S.neighborCapacity());
        for (int i = 0; i < 5_000; i++) {
            forward.add("item-" + i, 1.0 + (i % 7));
            backward.add("item-" + (i + 7), 1.0 + (i % 5));
        }
        assertEquals(100, forward.size());
        assertEquals(100, backward.size());
        ItemState state = new ItemState(s, forward.counters(), backward.counters(), 12L, false);
        int stateBytes = Serdes.ITEM_STATE.serialize("t", state).length;
        // the whole item state: statistics and 2 x 100 counters, one value
        assertTrue(stateBytes <= 6_500, "item state takes " + stateBytes + " bytes");
        System.out.println("bytes per item (state, full): " + stateBytes);

    }
}
