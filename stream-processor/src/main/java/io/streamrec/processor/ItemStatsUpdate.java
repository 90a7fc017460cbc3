package io.streamrec.processor;

import io.streamrec.avro.ItemStats;

/**
 * How one item event changes the item's statistics: counts per kind, all-time weighted events, the unique-user
 * sketch, and one decayed weighted sum per half-life (popularity and the trending windows), valid at lastEvent.
 */
final class ItemStatsUpdate {
    private ItemStatsUpdate() {
    }

    /**
     * Applies one event to {@code before} (changed in place) or to a new record, and returns it. The unique-user
     * sketch is not touched: callers add the users of a batch of events at once ({@link Sketches#addAll}).
     */
    static ItemStats apply(ItemStats before, String eventType, long t, FeatureSettings s) {
        // changed in place (see UserFeaturesUpdate)
        ItemStats b = before != null ? before : ItemStats.newBuilder().setFirstEvent(t).setLastEvent(t).build();
        long ref = b.getLastEvent();
        double weight = s.weight(eventType);
        switch (eventType) {
            case "view" -> b.setViews(b.getViews() + 1);
            case "click" -> b.setClicks(b.getClicks() + 1);
            case "add_to_cart" -> b.setCarts(b.getCarts() + 1);
            case "purchase" -> b.setPurchases(b.getPurchases() + 1);
            default -> {
                // other types count only as events
            }
        }
        b.setEvents(b.getEvents() + 1);
        b.setWeightedEvents(b.getWeightedEvents() + weight);
        b.setDecayed(Decay.addAll(b.getDecayed(), s.itemHalfLives(), ref, weight, t));
        b.setFirstEvent(Math.min(b.getFirstEvent(), t));
        b.setLastEvent(Math.max(ref, t));
        return b;
    }
}
