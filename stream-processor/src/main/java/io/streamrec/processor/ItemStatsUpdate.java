package io.streamrec.processor;

import io.streamrec.avro.DecayedSum;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.ItemStatsDelta;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How one item event changes the item's statistics: counts per kind, all-time weighted events, the unique-user
 * sketch, and one decayed weighted sum per half-life (popularity and the trending windows), valid at lastEvent.
 */
final class ItemStatsUpdate {
    private ItemStatsUpdate() {
    }

    /**
     * Applies one event to {@code before} (changed in place) or to a new record, and returns it. The unique-user
     * sketch is not touched: callers add the users of a batch of events at once ({@link ItemCounters#addUsers}).
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

    /**
     * Adds a combined change ({@link ItemStatsDelta}: counts, weights and decayed sums of several events) to
     * {@code before} (changed in place) or to a new record, and returns it: the same statistics as applying those
     * events one by one, since each decayed sum is linear in the events' weights (the delta's sums are valid at its
     * last event, and are aged to the item's reference time or the item's to theirs, whichever is later).
     */
    static ItemStats apply(ItemStats before, ItemStatsDelta d, FeatureSettings s) {
        ItemStats b = before != null ? before
                : ItemStats.newBuilder().setFirstEvent(d.getFirstEvent()).setLastEvent(d.getLastEvent()).build();
        long ref = before != null ? b.getLastEvent() : d.getLastEvent();
        b.setViews(b.getViews() + d.getViews());
        b.setClicks(b.getClicks() + d.getClicks());
        b.setCarts(b.getCarts() + d.getCarts());
        b.setPurchases(b.getPurchases() + d.getPurchases());
        b.setEvents(b.getEvents() + d.getEvents());
        b.setWeightedEvents(b.getWeightedEvents() + d.getWeightedEvents());
        List<DecayedSum> sums = new ArrayList<>(s.itemHalfLives().size());
        for (Duration h : s.itemHalfLives()) {
            double mine = before != null ? Decay.value(b.getDecayed(), h) : 0.0;
            sums.add(new DecayedSum(h.toMillis(), Decay.add(mine, ref, Decay.value(d.getDecayed(), h), d.getLastEvent(), h)));
        }
        b.setDecayed(sums);
        b.setFirstEvent(Math.min(b.getFirstEvent(), d.getFirstEvent()));
        b.setLastEvent(Math.max(ref, d.getLastEvent()));
        return b;
    }
}
