package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.WeightedKey;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How one event changes a user's features: a pure function, so the rules are readable in one place.
 *
 * <ul>
 *   <li>Counts per event type; first/last seen are the min/max event time.</li>
 *   <li>Engagement = sum over events of {@code weight(type) * 2^(-(lastSeen - t) / halfLife)}; the category affinity
 *       is the same sum per catalog category of the event's item, top-k kept (the lightest dropped).</li>
 *   <li>Spend adds {@code price * quantity} of purchases (price from the event, else the catalog; quantity 1 when
 *       absent). An order is identified by the {@code invoiceNo} property, else the sessionId, else the event-time
 *       minute; a purchase whose order key is not among the last {@value #RECENT_ORDERS} orders starts a new order.
 *       Average order value = spend / orders.</li>
 *   <li>Purchase days are calendar days in the configured zone; a day counts once. The last
 *       {@value #RECENT_PURCHASE_DAYS} distinct days are kept to recognise repeats; a late purchase on a day before
 *       those and after the first purchase day is assumed already counted.</li>
 *   <li>Sessions: an event with a sessionId not among the last {@value #RECENT_SESSIONS} starts one; an event
 *       without sessionId starts one when it is more than the session gap after the last event (or before the first);
 *       a late event inside the known span joins an existing session.</li>
 * </ul>
 */
final class UserFeaturesUpdate {
    static final int RECENT_ORDERS = 8;
    static final int RECENT_SESSIONS = 8;
    static final int RECENT_PURCHASE_DAYS = 16;
    static final String PURCHASE = "purchase";
    static final String INVOICE_PROPERTY = "invoiceNo";

    private UserFeaturesUpdate() {
    }

    /** Applies the event to {@code before} (changed in place) or to a new record, and returns it. */
    static UserFeatures apply(UserFeatures before, ClickEvent e, Item item, boolean itemEvent, FeatureSettings s) {
        return apply(before, e, item, itemEvent, false, s);
    }

    /**
     * A copy sharing the field values: every rule here replaces a field's value (new lists, maps, sketches), none is
     * changed in place, so changing the copy leaves the original as it was.
     */
    static UserFeatures copy(UserFeatures f) {
        UserFeatures c = new UserFeatures();
        for (int i = 0; i < UserFeatures.getClassSchema().getFields().size(); i++) {
            c.put(i, f.get(i));
        }
        return c;
    }

    /**
     * As above; {@code knownItem}: the item is already in the user's distinct-item sketch (and its category in the
     * category sketch), so the sketches are left as they are (adding a value a HyperLogLog already holds changes nothing).
     */
    static UserFeatures apply(UserFeatures before, ClickEvent e, Item item, boolean itemEvent, boolean knownItem, FeatureSettings s) {
        long t = e.getTimestamp();
        // changed in place: the value was just read from the store, and Builder copies would deep-copy it through
        // Avro's default model, whose class loader is not the application's under Quarkus
        UserFeatures f = before != null ? before : UserFeatures.newBuilder().setFirstSeen(t).setLastSeen(t).build();
        long ref = f.getLastSeen();
        double weight = s.weight(e.getEventType());

        Map<String, Long> counts = new HashMap<>(f.getEventCounts());
        counts.merge(e.getEventType(), 1L, Long::sum);
        f.setEventCounts(counts);

        sessions(f, before == null, e, t, s);
        f.setEngagement(Decay.add(f.getEngagement(), ref, weight, t, s.featureHalfLife()));

        String category = item == null ? null : blankToNull(item.getCategory());
        // a category among the user's top categories came from an earlier event, so the sketch already holds it
        boolean knownCategory = knownItem || inAffinity(f.getCategoryAffinity(), category);
        f.setCategoryAffinity(affinity(f.getCategoryAffinity(), category, ref, weight, t, s));
        if (itemEvent && e.getItemId() != null) {
            if (!knownItem) {
                f.setItemSketch(Sketches.add(f.getItemSketch(), e.getItemId(), s.sketchLgK()));
            }
            if (category != null && !knownCategory) {
                f.setCategorySketch(Sketches.add(f.getCategorySketch(), category, s.sketchLgK()));
            }
        }
        if (PURCHASE.equals(e.getEventType())) {
            purchase(f, e, item, t, s);
        }
        f.setFirstSeen(Math.min(f.getFirstSeen(), t));
        f.setLastSeen(Math.max(ref, t));
        return f;
    }

    private static void sessions(UserFeatures f, boolean first, ClickEvent e, long t, FeatureSettings s) {
        String sessionId = blankToNull(e.getSessionId());
        if (sessionId != null) {
            List<String> recent = f.getRecentSessionIds();
            if (!recent.contains(sessionId)) {
                f.setSessions(f.getSessions() + 1);
                f.setRecentSessionIds(appendCapped(recent, sessionId, RECENT_SESSIONS));
            }
            return;
        }
        long gap = s.sessionGap().toMillis();
        if (first || t > f.getLastSeen() + gap || t < f.getFirstSeen() - gap) {
            f.setSessions(f.getSessions() + 1);
        }
    }

    private static boolean inAffinity(List<WeightedKey> affinity, String category) {
        if (category == null) {
            return false;
        }
        for (WeightedKey k : affinity) {
            if (k.getKey().equals(category)) {
                return true;
            }
        }
        return false;
    }

    static List<WeightedKey> affinity(List<WeightedKey> before, String category, long ref, double weight, long t, FeatureSettings s) {
        double scale = Decay.factor(t - ref, s.featureHalfLife());
        List<WeightedKey> out = new ArrayList<>(before.size() + 1);
        boolean found = false;
        for (WeightedKey k : before) {
            double w = k.getWeight() * scale;
            if (k.getKey().equals(category)) {
                w = Decay.add(k.getWeight(), ref, weight, t, s.featureHalfLife());
                found = true;
            }
            out.add(new WeightedKey(k.getKey(), w));
        }
        if (!found && category != null && weight > 0) {
            out.add(new WeightedKey(category, Decay.add(0.0, ref, weight, t, s.featureHalfLife())));
        }
        // heaviest first, ties by name so the order is deterministic; the lightest beyond k go
        out.sort(UserFeaturesUpdate::heavierFirst);
        return out.size() > s.affinityTopK() ? new ArrayList<>(out.subList(0, s.affinityTopK())) : out;
    }

    private static void purchase(UserFeatures f, ClickEvent e, Item item, long t, FeatureSettings s) {
        Double price = e.getPrice() != null ? e.getPrice() : item == null ? null : item.getPrice();
        int quantity = e.getQuantity() == null ? 1 : e.getQuantity();
        f.setTotalSpend(f.getTotalSpend() + (price == null ? 0.0 : price * quantity));

        String order = orderKey(e);
        if (!f.getRecentOrderKeys().contains(order)) {
            f.setOrders(f.getOrders() + 1);
            f.setRecentOrderKeys(appendCapped(f.getRecentOrderKeys(), order, RECENT_ORDERS));
        }
        f.setLastPurchase(f.getLastPurchase() == null ? t : Math.max(f.getLastPurchase(), t));

        long day = LocalDate.ofInstant(Instant.ofEpochMilli(t), s.dayZone()).toEpochDay();
        List<Long> days = f.getRecentPurchaseDays();
        if (!days.contains(day)) {
            boolean isNew = days.size() < RECENT_PURCHASE_DAYS || day > days.get(0)
                    || f.getFirstPurchaseDay() == null || day < f.getFirstPurchaseDay();
            if (isNew) {
                f.setPurchaseDays(f.getPurchaseDays() + 1);
                List<Long> next = new ArrayList<>(days);
                next.add(day);
                next.sort(null);
                while (next.size() > RECENT_PURCHASE_DAYS) {
                    next.remove(0);
                }
                f.setRecentPurchaseDays(next);
            }
        }
        f.setFirstPurchaseDay(f.getFirstPurchaseDay() == null ? day : Math.min(f.getFirstPurchaseDay(), day));
        f.setLastPurchaseDay(f.getLastPurchaseDay() == null ? day : Math.max(f.getLastPurchaseDay(), day));
    }

    /** The invoiceNo property, else the sessionId, else the event-time minute. */
    static String orderKey(ClickEvent e) {
        String invoice = e.getProperties() == null ? null : blankToNull(e.getProperties().get(INVOICE_PROPERTY));
        if (invoice != null) {
            return "invoice:" + invoice;
        }
        String session = blankToNull(e.getSessionId());
        if (session != null) {
            return "session:" + session;
        }
        return "minute:" + Math.floorDiv(e.getTimestamp(), 60_000L);
    }

    private static List<String> appendCapped(List<String> list, String value, int cap) {
        List<String> out = new ArrayList<>(list);
        out.add(value);
        while (out.size() > cap) {
            out.remove(0);
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Heaviest first, ties by key (a plain method: this runs for every event). */
    private static int heavierFirst(WeightedKey a, WeightedKey b) {
        int c = Double.compare(b.getWeight(), a.getWeight());
        return c != 0 ? c : a.getKey().compareTo(b.getKey());
    }
}
