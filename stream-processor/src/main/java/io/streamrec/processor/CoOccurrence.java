package io.streamrec.processor;

import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.WeightedKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The co-occurrence pairs of one item event with the user's previous items. The event is paired with the K history
 * entries that precede it in event time (newest first, distance 1 = the entry just before it); the weight of a pair is
 *
 * <pre>
 *   sqrt(weight(typeA) * weight(typeB)) / distance * 2^(-(tA - tB) / gapHalfLife)
 * </pre>
 *
 * Entries of the same item are skipped (they still count for distance), as are event types of weight 0
 * (remove_from_cart by default). An item met more than once among the K keeps its heaviest pair. Entries later in
 * event time than a late event were paired without it when they arrived; the late event does not pair with them.
 */
final class CoOccurrence {
    private CoOccurrence() {
    }

    /** @param previous the user's history before this event, newest first */
    static List<WeightedKey> pairs(List<HistoryEntry> previous, String itemId, String eventType, long t, FeatureSettings s) {
        double weightA = s.weight(eventType);
        if (weightA <= 0 || s.neighborHistoryK() == 0) {
            return List.of();
        }
        Map<String, Double> best = new LinkedHashMap<>();
        int distance = 0;
        for (HistoryEntry b : previous) {
            if (b.getTimestamp() > t) {
                continue;
            }
            distance++;
            if (distance > s.neighborHistoryK()) {
                break;
            }
            double weightB = s.weight(b.getEventType());
            if (b.getItemId().equals(itemId) || weightB <= 0) {
                continue;
            }
            double w = Math.sqrt(weightA * weightB) / distance * Decay.factor(t - b.getTimestamp(), s.neighborGapHalfLife());
            best.merge(b.getItemId(), w, Math::max);
        }
        List<WeightedKey> out = new ArrayList<>(best.size());
        best.forEach((item, w) -> out.add(new WeightedKey(item, w)));
        return out;
    }
}
