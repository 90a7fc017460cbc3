package io.streamrec.processor;

import io.streamrec.avro.DecayedSum;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemStatsDelta;
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
 * co-occurrence pairs) to a changelogged, record-cached log store of the task, and is summed at once into the
 * in-memory combination of the log (derived from it, rebuilt from it at start); a wall-clock punctuation drains the
 * log: the sums per target item (the event's item learns what its events add to its statistics, combined into
 * one fixed-size delta whatever their number, the distinct users of those events and where users came from; each
 * paired previous item learns where users went on to) and sends <b>one record per item partition</b> to
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
 * one state update per distinct item touched, however many events and pairs touched it, and the cost of an update does
 * not grow with its events (only with their distinct users and pairs; a hot item's fan-in is
 * bounded by the number of user-side tasks per interval).
 *
 * <p>Records are routed with the default partitioner's formula (murmur2 of the item id modulo the partition count),
 * so an item always reaches the same item-side task; a record is split when it would hold more than
 * {@code maxItems} items or about {@value #MAX_RECORD_BYTES} bytes, and a hot item's update into several of at most
 * {@value #MAX_PER_UPDATE} users and pairs per direction each, so no record nears the producer's request limit at any
 * event rate or combine interval.
 */
final class PendingItemUpdates {
    /** Items per record at most. */
    static final int MAX_ITEMS = 2_000;
    /**
     * Estimated encoded bytes per record at most, well under the producer's 1 MiB request limit whatever the event rate:
     * a record is closed when the next item would take it past this.
     */
    static final int MAX_RECORD_BYTES = 512 * 1024;
    /** Users, and pairs per direction, per {@link ItemUpdate} at most: a hot item's update is split into several. */
    static final int MAX_PER_UPDATE = 1_000;
    private final int partitions;
    private final String sink;
    private final int maxItems;
    private final FeatureSettings features;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Long, ItemSignal> log;
    private long next;
    /**
     * What the log holds, already combined per target item, in the order the items first came: the log is the durable
     * record (it commits with the input offsets), this is derived from it, rebuilt from it by {@link #init} (after a
     * restart or a rolled-back transaction the task is initialised again) and changed only together with it. So the
     * hashing of every pair happens as the events come, spread over the interval, and a drain only encodes and sends.
     */
    private Map<String, Combined> byItem = new LinkedHashMap<>();
    /** The log's keys, in the order added: what a drain deletes. */
    private long[] keys = new long[256];
    private int keyCount;
    /** The newest event time in the log. */
    private long newest;

    PendingItemUpdates(int partitions, String sink, int maxItems, FeatureSettings features) {
        if (partitions < 1) {
            throw new IllegalArgumentException("item partitions must be at least 1, got " + partitions);
        }
        this.partitions = partitions;
        this.sink = sink;
        this.maxItems = maxItems;
        this.features = features;
    }

    void init(ProcessorContext<Object, Object> context, KeyValueStore<Long, ItemSignal> log) {
        this.context = context;
        this.log = log;
        next = 0;
        clear();
        try (KeyValueIterator<Long, ItemSignal> it = log.all()) {
            while (it.hasNext()) {
                KeyValue<Long, ItemSignal> kv = it.next();
                next = Math.max(next, kv.key + 1);
                combine(kv.key, kv.value);
            }
        }
    }

    void add(ItemSignal signal) {
        long key = next++;
        log.put(key, signal);
        combine(key, signal);
    }

    /** Adds a log entry to {@link #byItem}: what its event adds to its item, and its pairs in both directions. */
    private void combine(long key, ItemSignal s) {
        if (keyCount == keys.length) {
            keys = java.util.Arrays.copyOf(keys, keyCount * 2);
        }
        keys[keyCount++] = key;
        newest = Math.max(newest, s.getTimestamp());
        Combined target = byItem.computeIfAbsent(s.getItemId(), Combined::new);
        target.add(s, features);
        for (WeightedKey pair : s.getPairs()) {
            if (pair.getKey().equals(s.getItemId()) || pair.getWeight() <= 0) {
                continue;
            }
            target.backward().add(pair.getKey(), pair.getWeight());
            byItem.computeIfAbsent(pair.getKey(), Combined::new).forward().add(s.getItemId(), pair.getWeight());
        }
    }

    private void clear() {
        byItem = new LinkedHashMap<>();
        keys = new long[256];
        keyCount = 0;
        newest = 0;
    }

    /** The item partition an item's updates go to: Kafka's default partitioner for a String key. */
    static int partitionOf(String itemId, int partitions) {
        return Utils.toPositive(Utils.murmur2(itemId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Sends what the log holds, combined, and empties it; false when it was empty. */
    boolean drain() {
        if (keyCount == 0) {
            return false;
        }
        List<List<ItemUpdate>> byPartition = new ArrayList<>(partitions);
        int[] bytes = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            byPartition.add(new ArrayList<>());
        }
        for (Combined c : byItem.values()) {
            int p = partitionOf(c.itemId, partitions);
            for (ItemUpdate u : c.toUpdates(MAX_PER_UPDATE, features)) {
                int size = estimatedBytes(u);
                List<ItemUpdate> batch = byPartition.get(p);
                if (!batch.isEmpty() && (batch.size() >= maxItems || bytes[p] + size > MAX_RECORD_BYTES)) {
                    send(p, batch, newest);
                    batch = new ArrayList<>();
                    byPartition.set(p, batch);
                    bytes[p] = 0;
                }
                batch.add(u);
                bytes[p] += size;
            }
        }
        for (int p = 0; p < partitions; p++) {
            if (!byPartition.get(p).isEmpty()) {
                send(p, byPartition.get(p), newest);
            }
        }
        for (int i = 0; i < keyCount; i++) {
            log.delete(keys[i]);
        }
        clear();
        return true;
    }

    /** An upper estimate of an update's Avro encoding: strings' lengths plus a few bytes per field. */
    static int estimatedBytes(ItemUpdate u) {
        int n = u.getItemId().length() * 3 + 8;
        if (u.getStats() != null) {
            n += 64 + u.getStats().getDecayed().size() * 20;
        }
        for (String user : u.getUsers()) {
            n += user.length() * 3 + 4;
        }
        for (WeightedKey k : u.getForward()) {
            n += k.getKey().length() * 3 + 12;
        }
        for (WeightedKey k : u.getBackward()) {
            n += k.getKey().length() * 3 + 12;
        }
        return n;
    }

    private void send(int partition, List<ItemUpdate> items, long timestamp) {
        context.forward(new Record<Object, Object>(partition, new ItemUpdates(items), timestamp), sink);
    }

    /**
     * Pair weights summed per neighbor, in the order neighbors first came: one lookup per pair and no boxing (a
     * {@code Map<String, Double>} merge allocated a Double per pair, the drain's largest cost with the hashing).
     */
    private static final class Weights {
        private final LinkedHashMap<String, double[]> byKey = new LinkedHashMap<>();

        void add(String key, double weight) {
            double[] w = byKey.get(key);
            if (w == null) {
                byKey.put(key, new double[]{weight});
            } else {
                w[0] += weight;
            }
        }

        List<WeightedKey> list() {
            List<WeightedKey> out = new ArrayList<>(byKey.size());
            for (Map.Entry<String, double[]> e : byKey.entrySet()) {
                out.add(new WeightedKey(e.getKey(), e.getValue()[0]));
            }
            return out;
        }
    }

    /** One item's update being combined: its statistics' change, its events' users, its pairs. */
    private static final class Combined {
        final String itemId;
        /** Created when first needed: most items of a drain are only some events' previous items (forward pairs). */
        private Weights forward;
        private Weights backward;
        private java.util.Set<String> users;
        long views;
        long clicks;
        long carts;
        long purchases;
        long events;
        double weightedEvents;
        long firstEvent = Long.MAX_VALUE;
        long lastEvent = Long.MIN_VALUE;
        /** One sum per item half-life ({@link FeatureSettings#itemHalfLives()}), valid at {@link #lastEvent}. */
        double[] decayed;
        long attributed;

        Combined(String itemId) {
            this.itemId = itemId;
        }

        Weights forward() {
            if (forward == null) {
                forward = new Weights();
            }
            return forward;
        }

        Weights backward() {
            if (backward == null) {
                backward = new Weights();
            }
            return backward;
        }

        /** Adds an event as {@link ItemStatsUpdate#apply} would add it to the item's statistics. */
        void add(ItemSignal s, FeatureSettings f) {
            String type = s.getEventType();
            long t = s.getTimestamp();
            double weight = f.weight(type);
            switch (type) {
                case "view" -> views++;
                case "click" -> clicks++;
                case "add_to_cart" -> carts++;
                case "purchase" -> purchases++;
                default -> {
                    // other types count only as events
                }
            }
            List<java.time.Duration> halfLives = f.itemHalfLives();
            if (decayed == null) {
                decayed = new double[halfLives.size()];
                lastEvent = t;
            }
            for (int i = 0; i < decayed.length; i++) {
                decayed[i] = Decay.add(decayed[i], lastEvent, weight, t, halfLives.get(i));
            }
            events++;
            weightedEvents += weight;
            firstEvent = Math.min(firstEvent, t);
            lastEvent = Math.max(lastEvent, t);
            if (users == null) {
                users = new java.util.LinkedHashSet<>();
            }
            users.add(s.getUserKey());
            if (s.getRecommendationId() != null) {
                attributed++;
            }
        }

        private ItemStatsDelta stats(FeatureSettings f) {
            if (events == 0) {
                return null;
            }
            List<DecayedSum> sums = new ArrayList<>(decayed.length);
            for (int i = 0; i < decayed.length; i++) {
                sums.add(new DecayedSum(f.itemHalfLives().get(i).toMillis(), decayed[i]));
            }
            return new ItemStatsDelta(views, clicks, carts, purchases, events, weightedEvents, firstEvent, lastEvent, sums, attributed);
        }

        /**
         * The update, split into several when it has more than {@code max} users or pairs in a direction (the
         * statistics' change, a fixed size, goes in the first).
         */
        List<ItemUpdate> toUpdates(int max, FeatureSettings f) {
            List<WeightedKey> fwd = forward == null ? List.of() : forward.list();
            List<WeightedKey> bwd = backward == null ? List.of() : backward.list();
            List<String> userList = users == null ? List.of() : new ArrayList<>(users);
            ItemStatsDelta stats = stats(f);
            int parts = Math.max(1, Math.max(ceil(userList.size(), max), Math.max(ceil(fwd.size(), max), ceil(bwd.size(), max))));
            if (parts == 1) {
                return List.of(new ItemUpdate(itemId, List.of(), fwd, bwd, stats, userList));
            }
            List<ItemUpdate> out = new ArrayList<>(parts);
            for (int i = 0; i < parts; i++) {
                out.add(new ItemUpdate(itemId, List.of(), slice(fwd, i, max), slice(bwd, i, max), i == 0 ? stats : null,
                        slice(userList, i, max)));
            }
            return out;
        }

        private static int ceil(int n, int max) {
            return (n + max - 1) / max;
        }

        private static <T> List<T> slice(List<T> list, int part, int max) {
            int from = Math.min(list.size(), part * max);
            return new ArrayList<>(list.subList(from, Math.min(list.size(), from + max)));
        }

    }
}
