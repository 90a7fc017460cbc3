package io.streamrec.processor;

import io.streamrec.avro.ItemUpdates;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.apache.kafka.common.serialization.Serdes.Long;
import static org.apache.kafka.common.serialization.Serdes.String;

/**
 * Builds streamrec's two Kafka Streams applications. Pure functions of their configuration: tests run them with
 * TopologyTestDriver, the gateway runs both in its process (the user side through the Quarkus Kafka Streams extension,
 * the item side as a second application with its own stream threads and commit interval).
 *
 * <pre>
 * user side (application id A, keyed by user):
 * streamrec.items ------------------------------------------> items-store (global catalog)
 * streamrec.item-profiles ----------------------------------> item-profiles-store (global: the item read model)
 * streamrec.events (bytes) -> validate --invalid--> streamrec.events.dlq
 *                                      --wrong key--> streamrec.events (re-keyed)
 *                                      --erase command--> delete the user's state -> streamrec.erasures (audit, by key hash)
 *                                      -> user state: dedupe (recent eventIds), training example (state before the event) -> streamrec.training-examples
 *                                                     features, long-term items, history, pairs  [user-state-store]
 *                                                     pending item updates (drained each combine interval) [item-pending-store]
 *                                                       -> streamrec.item-updates (one record per item partition)
 *
 * item side (application id A-items, keyed by item partition):
 * streamrec.item-updates -> item state: statistics, directed co-occurrence [item-state-store]
 *                             -> streamrec.item-profiles (each changed item)
 * </pre>
 *
 * User-side state is never queued behind item-side work: the item side runs on its own threads, and what crosses to it
 * is combined first, so its work per interval is one update per distinct item, not one per event and pair.
 */
public final class StreamrecTopology {
    static final String SOURCE = "events-source";
    static final String VALIDATE = "validate";
    static final String USER_STATE = "user-state";
    static final String ITEM_UPDATES_SINK = "item-updates-sink";
    static final String ITEM_UPDATES_SOURCE = "item-updates-source";
    static final String ITEM_STATE = "item-state";
    /** Decoded user states kept in memory per task, besides those changed since the last commit. */
    static final int USERS_DECODED = 2_000;
    /** Changed user states per task at most before they are written to the store ahead of the commit. */
    static final int USERS_CHANGED = 20_000;
    /**
     * A changed user state is written (encoded, to RocksDB and the changelog) by a later event once it is this old, not
     * all at the commit: an order's lines, which arrive together, still make one write.
     */
    static final Duration USERS_WRITE_AFTER = Duration.ZERO; // with 250 ms, probes of new users went unseen for over 5 s under 3,000 events/s (2026-12-02 evening); off until understood
    /** Pending item events per task at most before they are written to the store ahead of the commit. */
    static final int PENDING_CHANGED = 200_000;
    /** Decoded item states kept in memory per task, besides those changed since the last commit. */
    static final int ITEMS_DECODED = 5_000;
    /** Changed item states per task at most before they are written to the store ahead of the commit. */
    static final int ITEMS_CHANGED = 50_000;
    /**
     * Decoded item profiles kept in memory per instance (least recently used out), written through to RocksDB as they
     * arrive: some 5-10 KB each with 2 x 50 neighbours.
     */
    static final int PROFILES_DECODED = 20_000;
    /** Suffix of the item side's application id. */
    public static final String ITEM_APPLICATION_SUFFIX = "-items";

    private StreamrecTopology() {
    }

    /**
     * The user side.
     *
     * @param itemPartitions partitions of {@code streamrec.item-updates} (as many as {@code streamrec.events}): the
     *                       combiner routes each item's updates to its partition
     */
    public static Topology build(ProcessorConfig config, int itemPartitions) {
        Topology t = new Topology();
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ITEMS), String(), Serdes.ITEM)
                        .withLoggingDisabled(), "items-source", new StringDeserializer(), new ByteArrayDeserializer(),
                Topics.ITEMS, "items-processor", CatalogProcessor::new);
        // the decoded profiles stay in memory in front of RocksDB: the global thread decodes each published profile
        // anyway, so candidate generation (training examples here, requests in the gateway) reads objects, not bytes
        t.addGlobalStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ITEM_PROFILES),
                                String(), Serdes.ITEM_PROFILE).withLoggingDisabled(), PROFILES_DECODED, 0), "item-profiles-source", new StringDeserializer(), new ByteArrayDeserializer(),
                Topics.ITEM_PROFILES, "item-profiles-processor",
                () -> new GlobalStoreProcessor<>(StoreNames.ITEM_PROFILES, Topics.ITEM_PROFILES, Serdes.ITEM_PROFILE));

        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.EVENTS);
        // validate forwards to its children by name: the DLQ sink, the re-key sink and dedupe
        t.addProcessor(VALIDATE, () -> new ValidateProcessor(config.rules()), SOURCE);
        t.addSink(ValidateProcessor.TO_DLQ, Topics.EVENTS_DLQ, new ByteArraySerializer(), new ByteArraySerializer(), VALIDATE);
        t.addSink(ValidateProcessor.TO_REROUTE, Topics.EVENTS, new StringSerializer(), new ByteArraySerializer(), VALIDATE);

        RecommendationState shared = new RecommendationState(config);
        t.addProcessor(USER_STATE, () -> new UserStateProcessor(config, shared, itemPartitions, ITEM_UPDATES_SINK), VALIDATE);
        t.addProcessor(EraseProcessor.NAME, EraseProcessor::new, VALIDATE);
        t.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.USER_STATE), String(),
                Serdes.USER_STATE), USERS_DECODED, USERS_CHANGED, USERS_WRITE_AFTER), USER_STATE, EraseProcessor.NAME);
        t.addSink(EraseProcessor.SINK, Topics.ERASURES, new StringSerializer(), Serdes.ERASURE.serializer(), EraseProcessor.NAME);
        t.addStateStore(WriteBehindStore.logBuilder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ITEM_PENDING), Long(),
                Serdes.ITEM_SIGNAL), PENDING_CHANGED), USER_STATE);
        // examples arrive encoded: their builder threads encode them (UserStateProcessor)
        t.addSink(UserStateProcessor.TRAINING_SINK, Topics.TRAINING_EXAMPLES, new StringSerializer(),
                new ByteArraySerializer(), USER_STATE);
        t.addSink(ITEM_UPDATES_SINK, Topics.ITEM_UPDATES, new IntegerSerializer(), Serdes.ITEM_UPDATES.serializer(),
                new ToPartition(itemPartitions), USER_STATE);
        return t;
    }

    /** The item side: combined item updates in, item state kept, item profiles out. */
    public static Topology buildItemSide(ProcessorConfig config) {
        Topology t = new Topology();
        t.addSource(ITEM_UPDATES_SOURCE, new IntegerDeserializer(), Serdes.ITEM_UPDATES.deserializer(), Topics.ITEM_UPDATES);
        t.addProcessor(ITEM_STATE, () -> new ItemStateProcessor(config), ITEM_UPDATES_SOURCE);
        t.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ITEM_STATE), String(),
                ItemCounters.serde(config.features().neighborCapacity())), ITEMS_DECODED, ITEMS_CHANGED), ITEM_STATE);
        t.addSink("item-profiles-sink", Topics.ITEM_PROFILES, new StringSerializer(), Serdes.ITEM_PROFILE.serializer(), ITEM_STATE);
        return t;
    }

    /** The item side's application id for a user side's. */
    public static String itemApplicationId(String applicationId) {
        return applicationId + ITEM_APPLICATION_SUFFIX;
    }

    /** Sends each combined record to the partition it was built for; the topic must have the expected partitions. */
    static final class ToPartition implements StreamPartitioner<Integer, ItemUpdates> {
        private final int expected;

        ToPartition(int expected) {
            this.expected = expected;
        }

        @Override
        public Optional<Set<Integer>> partitions(String topic, Integer key, ItemUpdates value, int numPartitions) {
            if (numPartitions != expected) {
                throw new IllegalStateException(topic + " has " + numPartitions + " partitions but the topology was built for "
                        + expected + ": create it with as many partitions as " + Topics.EVENTS);
            }
            return Optional.of(Set.of(key));
        }
    }

    /** The Kafka Streams settings streamrec relies on; callers add bootstrap servers, application id and server. */
    public static Map<String, Object> requiredStreamsConfig() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
        return props;
    }

    /** Stream threads of the item side by default: its work per interval is small, one thread keeps up. */
    public static final int ITEM_SIDE_THREADS = 1;
    /**
     * Commit interval of the item side by default: it commits right after each publication of the changed profiles
     * (once per publish interval, all tasks at the same boundaries); this is the fallback.
     */
    public static final Duration ITEM_SIDE_COMMIT_INTERVAL = Duration.ofSeconds(10);

    /**
     * The item side's Kafka Streams settings, from the user side's: its own application id, its own threads and commit
     * interval, no application server (nothing queries its stores; every item answer comes from the global profiles).
     */
    public static Map<String, Object> itemSideStreamsConfig(Map<String, Object> userSide, int threads, Duration commitInterval) {
        Map<String, Object> p = new HashMap<>(userSide);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, itemApplicationId(String.valueOf(userSide.get(StreamsConfig.APPLICATION_ID_CONFIG))));
        p.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        return p;
    }

    public static Properties toProperties(Map<String, Object> map) {
        Properties p = new Properties();
        p.putAll(map);
        return p;
    }
}
