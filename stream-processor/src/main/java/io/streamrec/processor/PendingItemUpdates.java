package io.streamrec.processor;

import io.streamrec.avro.ItemEventDelta;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemUpdate;
import io.streamrec.avro.ItemUpdates;
import io.streamrec.avro.WeightedKey;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The combiner in front of the item side. Each item event appends one entry (its item, user, type, time and
 * co-occurrence pairs) to a changelogged, record-cached log store of the task; a wall-clock punctuation drains the log:
 * it sums the entries per target item (the event's item learns its events and where users came from, each paired
 * previous item learns where users went on to) and sends <b>one record per item partition</b> to
 * {@code streamrec.item-updates}, then deletes what it drained.
 *
 * <p>Why a store and not a plain buffer: the log, the drained records and the input offsets commit in one
 * exactly-once transaction, so a crash before the commit rolls back all three and the events are processed again; a
 * crash after it leaves nothing pending that was not sent. An in-memory buffer drained by a punctuator would lose (or,
 * with a flush at commit, duplicate) updates, since Kafka Streams gives no hook before its commits.
 *
 * <p>Why it is cheap: the log is a {@link WriteBehindStore}, so an entry lives in memory until the next commit; the drain
 * asks for a commit right after it (the user side's own commit interval is no shorter than the combine interval), so
 * almost every entry is deleted before any commit and is never encoded, written to RocksDB or to the changelog. The item side's work per interval is
 * one state update per distinct item touched, however many events and pairs touched it (a hot item's fan-in is
 * bounded by the number of user-side tasks per interval).
 *
 * <p>Records are routed with the default partitioner's formula (murmur2 of the item id modulo the partition count),
 * so an item always reaches the same item-side task; a record is split when it would hold more than
 * {@code maxItems} items.
 */
final class PendingItemUpdates {
    /** Items per record at most (a record stays well under the producer's 1 MiB request limit). */
    static final int MAX_ITEMS = 2_000;
    private final int partitions;
    private final String sink;
    private final int maxItems;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Long, ItemSignal> log;
    private long next;

    PendingItemUpdates(int partitions, String sink, int maxItems) {
        if (partitions < 1) {
            throw new IllegalArgumentException("item partitions must be at least 1, got " + partitions);
        }
        this.partitions = partitions;
        this.sink = sink;
        this.maxItems = maxItems;
    }

    void init(ProcessorContext<Object, Object> context, KeyValueStore<Long, ItemSignal> log) {
        this.context = context;
        this.log = log;
        next = 0;
        try (KeyValueIterator<Long, ItemSignal> it = log.all()) {
            while (it.hasNext()) {
                next = Math.max(next, it.next().key + 1);
            }
        }
    }

    void add(ItemSignal signal) {
        log.put(next++, signal);
    }

    /** The item partition an item's updates go to: Kafka's default partitioner for a String key. */
    static int partitionOf(String itemId, int partitions) {
        return Utils.toPositive(Utils.murmur2(itemId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Sends what the log holds, combined, and empties it; false when it was empty. */
    boolean drain() {
        Map<String, Combined> byItem = new LinkedHashMap<>();
        List<Long> drained = new ArrayList<>();
        long newest = 0;
        try (KeyValueIterator<Long, ItemSignal> it = log.all()) {
            while (it.hasNext()) {
                KeyValue<Long, ItemSignal> kv = it.next();
                drained.add(kv.key);
                ItemSignal s = kv.value;
                newest = Math.max(newest, s.getTimestamp());
                Combined target = byItem.computeIfAbsent(s.getItemId(), Combined::new);
                target.events.add(new ItemEventDelta(s.getEventType(), s.getTimestamp(), s.getUserKey(), s.getRecommendationId() != null));
                for (WeightedKey pair : s.getPairs()) {
                    if (pair.getKey().equals(s.getItemId()) || pair.getWeight() <= 0) {
                        continue;
                    }
                    target.backward.merge(pair.getKey(), pair.getWeight(), Double::sum);
                    byItem.computeIfAbsent(pair.getKey(), Combined::new).forward.merge(s.getItemId(), pair.getWeight(), Double::sum);
                }
            }
        }
        if (drained.isEmpty()) {
            return false;
        }
        List<List<ItemUpdate>> byPartition = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            byPartition.add(new ArrayList<>());
        }
        for (Combined c : byItem.values()) {
            int p = partitionOf(c.itemId, partitions);
            List<ItemUpdate> batch = byPartition.get(p);
            batch.add(c.toUpdate());
            if (batch.size() >= maxItems) {
                send(p, batch, newest);
                byPartition.set(p, new ArrayList<>());
            }
        }
        for (int p = 0; p < partitions; p++) {
            if (!byPartition.get(p).isEmpty()) {
                send(p, byPartition.get(p), newest);
            }
        }
        for (Long key : drained) {
            log.delete(key);
        }
        return true;
    }

    private void send(int partition, List<ItemUpdate> items, long timestamp) {
        context.forward(new Record<Object, Object>(partition, new ItemUpdates(items), timestamp), sink);
    }

    private static final class Combined {
        final String itemId;
        final List<ItemEventDelta> events = new ArrayList<>();
        final Map<String, Double> forward = new LinkedHashMap<>();
        final Map<String, Double> backward = new LinkedHashMap<>();

        Combined(String itemId) {
            this.itemId = itemId;
        }

        ItemUpdate toUpdate() {
            return new ItemUpdate(itemId, events, weighted(forward), weighted(backward));
        }

        private static List<WeightedKey> weighted(Map<String, Double> m) {
            List<WeightedKey> out = new ArrayList<>(m.size());
            m.forEach((k, w) -> out.add(new WeightedKey(k, w)));
            return out;
        }
    }
}
