package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.UserItem;
import io.streamrec.avro.UserItems;
import io.streamrec.avro.UserState;
import io.streamrec.avro.WeightedKey;
import io.streamrec.recommend.CandidateSet;
import io.streamrec.recommend.UserContext;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the user side does with one deduplicated event, on one value per user ({@link UserState}: history,
 * features, long-term items), read once and written once:
 *
 * <ol>
 *   <li>an eventId already seen within the horizon stops here ({@link Dedupe});</li>
 *   <li>for a sample of item events, a training example from the state just before the event (point in time: the
 *       event, and other lines of the same order at the same instant, are not known yet; the lines of one order share
 *       one candidate set, generated for the first of them sampled). It is built on a builder thread
 *       ({@link RecommendationState#build}) from that state, an immutable value, and forwarded by this processor at its
 *       next record or tick, so it is written in the transaction of this or a later commit: a crash may lose the
 *       examples of the last moments' events (they are a sample), never write one twice;</li>
 *   <li>the engagement features ({@link UserFeaturesUpdate}); every event counts, even one older than the retention;</li>
 *   <li>the long-term items ({@link UserItemsUpdate});</li>
 *   <li>the history ({@link History}) and the event's co-occurrence pairs with the user's previous items
 *       ({@link CoOccurrence}); an event older than the retention still reaches the item statistics but pairs with
 *       nothing;</li>
 *   <li>what the item side must learn of the event goes to the {@link PendingItemUpdates} log, drained into one
 *       {@code streamrec.item-updates} record per item partition per combine interval.</li>
 * </ol>
 *
 * <p>The store is a {@link WriteBehindStore}: a user's consecutive events (an order's lines) are neither decoded nor
 * encoded again each time; the state is encoded once per commit. Values are never changed once put (interactive
 * queries read them from other threads): each event puts a new {@link UserState}.
 */
final class UserStateProcessor implements Processor<String, ClickEvent, Object, Object> {
    static final String TRAINING_SINK = "training-examples-sink";

    private final ProcessorConfig config;
    private final RecommendSettings recommend;
    private final FeatureSettings features;
    private final EventRules rules;
    private final RecommendationState shared;
    private final PendingItemUpdates pending;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, UserState> store;
    private ReadOnlyKeyValueStore<String, Item> catalog;
    private io.streamrec.recommend.CachedStore<Item> cachedCatalog;
    private static final UserState EMPTY = new UserState(List.of(), null, List.of(), List.of(), Dedupe.EMPTY);
    private final RecentSets recentSets = new RecentSets();
    /** The user-side tasks of each stream thread, which commit together once all have drained at a boundary. */
    private static final ThreadLocal<IntervalBoundary.ThreadGroup> THREAD_TASKS = ThreadLocal.withInitial(IntervalBoundary.ThreadGroup::new);
    private IntervalBoundary.ThreadGroup group;
    /** Examples built (encoded) for this task's events, waiting to be forwarded from the stream thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Record<Object, Object>> built = new java.util.concurrent.ConcurrentLinkedQueue<>();

    UserStateProcessor(ProcessorConfig config, RecommendationState shared, int itemPartitions, String updatesSink) {
        this.config = config;
        this.recommend = config.recommend();
        this.features = config.features();
        this.rules = config.rules();
        this.shared = shared;
        this.pending = new PendingItemUpdates(itemPartitions, updatesSink, PendingItemUpdates.MAX_ITEMS, config.features());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(StoreNames.USER_STATE);
        this.catalog = context.getStateStore(StoreNames.ITEMS);
        ReadOnlyKeyValueStore<String, ItemProfile> profiles = context.getStateStore(StoreNames.ITEM_PROFILES);
        shared.attach(profiles, catalog);
        cachedCatalog = shared.catalog();
        pending.init(context, context.getStateStore(StoreNames.ITEM_PENDING));
        Object threadsConfig = context.appConfigs().get(org.apache.kafka.streams.StreamsConfig.NUM_STREAM_THREADS_CONFIG);
        int streamThreads = threadsConfig == null ? 1 : Integer.parseInt(threadsConfig.toString());
        IntervalBoundary combine = new IntervalBoundary(recommend.combineInterval(),
                IntervalBoundary.threadPhase(recommend.combineInterval(), streamThreads));
        group = THREAD_TASKS.get();
        group.join();
        long tickMs = IntervalBoundary.tick(recommend.combineInterval()).toMillis();
        context.schedule(IntervalBoundary.tick(recommend.combineInterval()), PunctuationType.WALL_CLOCK_TIME, now -> {
            forwardBuilt();
            if (combine.passed(now)) {
                pending.drain();
                // the changed user states go out now, before the commit: at the commit Kafka Streams flushes each task
                // and then waits for the producer's acknowledgements, task after task (one wait per task, 3 a thread);
                // written here by each task's punctuation, all the thread's records are on their way before the first
                // wait, and the commit waits about once
                WriteBehindStore.writeChanged(store);
                // commit once every task of the thread has drained at this boundary (they pass it up to a tick apart):
                // drained entries then never reach RocksDB or the changelog
                if (group.acted(combine.last(), now)) {
                    context.commit();
                }
            } else if (group.overdue(now, 3 * tickMs)) {
                context.commit();
            }
        });
        context.schedule(config.retentionSweepInterval(), PunctuationType.WALL_CLOCK_TIME, now -> sweep());
    }

    /**
     * The candidate sets of the last few (user, instant) pairs an example was made for: the other lines of an order
     * reuse their order's set (the same state before the order), so an order costs one candidate generation, not one
     * per line. A handful of users, since orders of different users may interleave on a partition.
     */
    static final class RecentSets {
        static final int USERS = 16;
        private record Entry(long timestamp, CandidateSet set) {
        }

        private final java.util.LinkedHashMap<String, Entry> byUser = new java.util.LinkedHashMap<>(32, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Entry> eldest) {
                return size() > USERS;
            }
        };

        synchronized CandidateSet get(String user, long timestamp) {
            Entry e = byUser.get(user);
            return e != null && e.timestamp() == timestamp ? e.set() : null;
        }

        synchronized void put(String user, long timestamp, CandidateSet set) {
            byUser.put(user, new Entry(timestamp, set));
        }
    }

    @Override
    public void process(Record<String, ClickEvent> record) {
        ClickEvent e = record.value();
        String key = record.key();
        // copy on write: a value in the store is never changed (queries read it from other threads), a new one is put
        UserState before = store.get(key);
        long id = Dedupe.hash(e.getEventId());
        long horizon = config.dedupeHorizon().toMillis();
        java.nio.ByteBuffer seen = Dedupe.of(before);
        if (Dedupe.seen(seen, id, e.getTimestamp(), horizon)) {
            return;
        }
        boolean itemEvent = rules.isItemEvent(e.getEventType()) && e.getItemId() != null;
        long t = e.getTimestamp();
        if (itemEvent && before != null) {
            maybeExample(key, e, before);
        } else if (itemEvent) {
            maybeExample(key, e, EMPTY);
        }
        Item item = itemEvent ? cachedCatalog.apply(e.getItemId()) : null;
        List<UserItem> items = before == null ? List.of() : before.getItems();
        // an item among the user's long-term items is in the distinct-item (and its category in the category) sketch
        boolean known = itemEvent && contains(items, e.getItemId());
        UserFeatures features = before == null || before.getFeatures() == null ? null : UserFeaturesUpdate.copy(before.getFeatures());
        features = UserFeaturesUpdate.apply(features, e, item, itemEvent, known, this.features);
        List<HistoryEntry> history = before == null ? List.of() : before.getHistory();
        List<WeightedKey> pairs = List.of();
        if (itemEvent) {
            double w = this.features.weight(e.getEventType());
            if (w > 0) {
                items = UserItemsUpdate.add(new UserItems(items), e.getItemId(), "purchase".equals(e.getEventType()), w, t,
                        recommend.userItemsMax()).getItems();
            }
            long cutoff = cutoff();
            if (t >= cutoff) {
                List<HistoryEntry> entries = new ArrayList<>(history.size() + 1);
                entries.addAll(history);
                // entries past the retention (a user idle since before the cutoff, not yet swept) pair with nothing
                History.prune(entries, cutoff, config.historyMaxEntries());
                pairs = CoOccurrence.pairs(entries, e.getItemId(), e.getEventType(), t, this.features);
                History.insertNewestFirst(entries, new HistoryEntry(e.getItemId(), e.getEventType(), t, e.getRecommendationId()));
                History.prune(entries, cutoff, config.historyMaxEntries());
                history = entries;
            }
        }
        store.put(key, new UserState(history, features, items, List.of(), Dedupe.add(seen, id, e.getTimestamp(), horizon)));
        if (itemEvent) {
            pending.add(new ItemSignal(e.getItemId(), key, e.getEventType(), t, pairs, e.getRecommendationId()));
        }
        forwardBuilt();
    }

    /** Forwards the examples built since the last call (from the stream thread: they join its transaction). */
    private void forwardBuilt() {
        Record<Object, Object> r;
        while ((r = built.poll()) != null) {
            context.forward(r, TRAINING_SINK);
        }
    }

    @Override
    public void close() {
        // examples still being built for this task are dropped with it (a sample; the task's next owner goes on)
        built.clear();
        if (group != null) {
            group.leave();
            group = null;
        }
    }

    private static boolean contains(List<UserItem> items, String itemId) {
        for (UserItem u : items) {
            if (u.getItemId().equals(itemId)) {
                return true;
            }
        }
        return false;
    }

    private void maybeExample(String key, ClickEvent e, UserState state) {
        double rate = recommend.sampleRate(e.getEventType());
        if (rate <= 0 || TrainingExamples.unit(e.getEventId()) >= rate) {
            return;
        }
        if (!shared.exampleWithinBudget()) {
            return;
        }
        long t = e.getTimestamp();
        shared.build(() -> {
            // the lines of one order (same user, same instant) all see the state before the order: one candidate set for all
            CandidateSet set = recentSets.get(key, t);
            if (set == null) {
                UserFeatures f = state.getFeatures();
                UserContext ctx = new UserContext(key, state.getHistory(), f, new UserItems(state.getItems()),
                        List.of(), t, t);
                set = shared.generator().generate(ctx, shared.index().snapshot(), id -> true);
                recentSets.put(key, t, set);
            }
            byte[] value = Serdes.TRAINING_EXAMPLE.serialize(Topics.TRAINING_EXAMPLES,
                    TrainingExamples.example(e, key, set, recommend));
            built.add(new Record<>(key, value, t));
        });
    }

    private long cutoff() {
        return context.currentStreamTimeMs() - config.historyRetention().toMillis();
    }

    /** Drops history entries past the retention of users idle since; a user with nothing left but history is removed. */
    private void sweep() {
        long cutoff = cutoff();
        List<KeyValue<String, UserState>> changed = new ArrayList<>();
        try (KeyValueIterator<String, UserState> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, UserState> kv = it.next();
                List<HistoryEntry> entries = kv.value.getHistory();
                if (!entries.isEmpty() && entries.get(entries.size() - 1).getTimestamp() < cutoff) {
                    List<HistoryEntry> kept = new ArrayList<>(entries);
                    History.prune(kept, cutoff, config.historyMaxEntries());
                    changed.add(KeyValue.pair(kv.key, new UserState(kept, kv.value.getFeatures(), kv.value.getItems(), List.of(), Dedupe.of(kv.value))));
                }
            }
        }
        for (KeyValue<String, UserState> kv : changed) {
            store.put(kv.key, kv.value);
        }
    }
}
