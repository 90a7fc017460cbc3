package io.streamrec.processor;

import io.streamrec.avro.ItemState;
import io.streamrec.avro.ItemStats;
import io.streamrec.schemas.Serdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.datasketches.hll.HllSketch;

import java.util.List;

/**
 * One item's state on the item side as the processor works on it: statistics, the two directions' Space-Saving
 * counters as live structures, attributed events and the publication mark. Its serde encodes it as the Avro
 * {@link ItemState} (the counters in publication order), so the changelog and RocksDB hold exactly what they held before,
 * and the counters are turned into lists only when the value is written (once per commit, by the
 * {@link WriteBehindStore} in front of the store), never per update.
 *
 * <p>Mutable; owned by one item-side task (nothing else reads the item state store). After changing one, the
 * processor puts it again so the store knows it changed.
 */
final class ItemCounters {
    ItemStats stats;
    final SpaceSaving forward;
    final SpaceSaving backward;
    long attributed;
    boolean unpublished;
    /**
     * The unique-user sketch, live: decoded from the statistics at the first update after loading, encoded back into
     * them only when the state is written; null until then (the statistics' bytes are current).
     */
    private HllSketch users;

    ItemCounters(int capacity) {
        this.forward = new SpaceSaving(capacity);
        this.backward = new SpaceSaving(capacity);
    }

    static ItemCounters of(ItemState s, int capacity) {
        ItemCounters c = new ItemCounters(capacity);
        c.stats = s.getStats();
        s.getForward().forEach(c.forward::load);
        s.getBackward().forEach(c.backward::load);
        c.attributed = s.getAttributed();
        c.unpublished = s.getUnpublished();
        return c;
    }

    /** Adds users to the unique-user sketch (in place; no encoding per update). */
    void addUsers(List<String> keys, int lgK) {
        if (users == null) {
            users = Sketches.open(stats.getUserSketch(), lgK);
        }
        for (String k : keys) {
            users.update(k);
        }
    }

    /** The estimated number of unique users. */
    long uniqueUsers() {
        return users == null ? Sketches.estimate(stats.getUserSketch()) : Math.round(users.getEstimate());
    }

    ItemState toState() {
        if (users != null) {
            stats.setUserSketch(Sketches.encode(users));
        }
        return new ItemState(stats, forward.counters(), backward.counters(), attributed, unpublished);
    }

    /** Encodes as {@link Serdes#ITEM_STATE}; decodes into live counters of the given capacity. */
    static Serde<ItemCounters> serde(int capacity) {
        Serializer<ItemCounters> ser = (topic, c) -> c == null ? null : Serdes.ITEM_STATE.serialize(topic, c.toState());
        Deserializer<ItemCounters> de = (topic, bytes) -> {
            ItemState s = bytes == null ? null : Serdes.ITEM_STATE.deserialize(topic, bytes);
            return s == null ? null : of(s, capacity);
        };
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(ser, de);
    }
}
