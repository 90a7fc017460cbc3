package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemStats;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.apache.kafka.common.serialization.Serdes.ByteArray;
import static org.apache.kafka.common.serialization.Serdes.Long;
import static org.apache.kafka.common.serialization.Serdes.String;

/**
 * Builds the streamrec topology. Pure function of its configuration: tests build it with TopologyTestDriver, the
 * gateway hands it to the Quarkus Kafka Streams extension.
 *
 * <pre>
 * streamrec.items ------------------------------------------> items-store (global catalog)
 * streamrec.item-profiles ----------------------------------> item-profiles-store (global: stats + directed neighbors)
 * streamrec.events (bytes) -> validate --invalid--> streamrec.events.dlq
 *                                      --wrong key--> streamrec.events (re-keyed)
 *                                      -> dedupe -> training examples (state before the event) -> streamrec.training-examples
 *                                               -> user-items                          [user-items-store]
 *                                               -> user-features                      [user-features-store]
 *                                               -> history, pairs with the last K items [history-store]
 *                                                    | ItemSignal keyed by itemId
 *                                                    v  (internal topic &lt;app&gt;-item-events-repartition)
 *                                                 item-stats -> rankings                [item-stats-store, item-rankings-store]
 *                                                 item-neighbors                        [item-neighbors-store]
 *                                                 item-profiles (flushed each second)   [item-transitions-store]
 *                                                   -> streamrec.item-profiles
 * </pre>
 *
 * The Processor API does the work; the DSL is used for what it does best here: the repartition by itemId, whose
 * internal topic Kafka Streams creates with as many partitions as the events topic.
 */
public final class StreamrecTopology {
    static final String SOURCE = "events-source";
    static final String VALIDATE = "validate";
    static final String HISTORY = "history";
    static final String USER_FEATURES = "user-features";
    static final String ITEM_STATS = "item-stats";
    static final String ITEM_NEIGHBORS = "item-neighbors";
    static final String RANKINGS = "rankings";
    static final String TRAINING_EXAMPLES = "training-examples";
    static final String USER_ITEMS = "user-items";
    static final String ITEM_PROFILES = "item-profiles";
    /** The repartition by itemId; its topic is {@code <application.id>-item-events-repartition}. */
    public static final String ITEM_EVENTS = "item-events";
    public static final String ITEM_EVENTS_TOPIC_SUFFIX = "-" + ITEM_EVENTS + "-repartition";

    private StreamrecTopology() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Topology build(ProcessorConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ITEMS), String(), Serdes.ITEM)
                        .withLoggingDisabled(),
                Topics.ITEMS, Consumed.with(String(), ByteArray()).withName("items-source"), CatalogProcessor::new);
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ITEM_PROFILES), String(), Serdes.ITEM_PROFILE)
                        .withLoggingDisabled(),
                Topics.ITEM_PROFILES, Consumed.with(String(), ByteArray()).withName("item-profiles-source"), () -> new GlobalStoreProcessor<>(StoreNames.ITEM_PROFILES, Topics.ITEM_PROFILES, Serdes.ITEM_PROFILE));

        KStream<byte[], byte[]> raw = builder.stream(Topics.EVENTS, Consumed.with(ByteArray(), ByteArray()).withName(SOURCE));
        // validate forwards to its children by name: the DLQ sink, the re-key sink and dedupe
        KStream<Object, Object> validated = raw.process(() -> new ValidateProcessor(config.rules()), Named.as(VALIDATE));
        validated.to(Topics.EVENTS_DLQ, (Produced) Produced.with(ByteArray(), ByteArray()).withName(ValidateProcessor.TO_DLQ));
        validated.to(Topics.EVENTS, (Produced) Produced.with(String(), ByteArray()).withName(ValidateProcessor.TO_REROUTE));

        Duration horizon = config.dedupeHorizon();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.DEDUPE, horizon.multipliedBy(2), horizon, false), String(), Long()));
        KStream<String, ClickEvent> deduped = ((KStream<String, ClickEvent>) (KStream) validated)
                .process(() -> new DedupeProcessor(horizon), Named.as(ValidateProcessor.TO_NEXT), StoreNames.DEDUPE);

        builder.addStateStore(cached(StoreNames.USER_FEATURES, Serdes.USER_FEATURES));
        builder.addStateStore(cached(StoreNames.HISTORY, Serdes.USER_HISTORY));
        builder.addStateStore(cached(StoreNames.USER_ITEMS, Serdes.USER_ITEMS));
        // dedupe's first children, in this order: training examples must see the state from before the event
        RecommendationState shared = new RecommendationState(config);
        deduped.process(() -> new TrainingExampleProcessor(config, shared), Named.as(TRAINING_EXAMPLES),
                        StoreNames.HISTORY, StoreNames.USER_FEATURES, StoreNames.USER_ITEMS)
                .to(Topics.TRAINING_EXAMPLES, Produced.with(String(), Serdes.TRAINING_EXAMPLE).withName(TRAINING_EXAMPLES + "-sink"));
        deduped.process(() -> new UserItemsProcessor(config), Named.as(USER_ITEMS), StoreNames.USER_ITEMS);
        deduped.process(() -> new UserFeaturesProcessor(config), Named.as(USER_FEATURES), StoreNames.USER_FEATURES);

        KStream<String, ItemSignal> signals = deduped.process(() -> new HistoryProcessor(config), Named.as(HISTORY), StoreNames.HISTORY);

        KStream<String, ItemSignal> byItem = signals.repartition(
                Repartitioned.<String, ItemSignal>with(String(), Serdes.ITEM_SIGNAL).withName(ITEM_EVENTS));
        builder.addStateStore(cached(StoreNames.ITEM_STATS, Serdes.ITEM_STATS));
        builder.addStateStore(cached(StoreNames.ITEM_RANKINGS, Serdes.RANK_ENTRY));
        builder.addStateStore(cached(StoreNames.ITEM_NEIGHBORS, Serdes.NEIGHBOR_COUNTER));
        KStream<String, ItemStats> stats = byItem.process(() -> new ItemStatsProcessor(config), Named.as(ITEM_STATS), StoreNames.ITEM_STATS);
        stats.process(() -> new RankingsProcessor(config), Named.as(RANKINGS), StoreNames.ITEM_RANKINGS);
        byItem.process(() -> new ItemNeighborsProcessor(config), Named.as(ITEM_NEIGHBORS), StoreNames.ITEM_NEIGHBORS);
        builder.addStateStore(cached(StoreNames.ITEM_TRANSITIONS, Serdes.NEIGHBOR_COUNTER));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ITEM_PROFILES_DIRTY), String(), Long())
                .withCachingEnabled());
        byItem.process(() -> new ItemProfileProcessor(config), Named.as(ITEM_PROFILES),
                        StoreNames.ITEM_TRANSITIONS, StoreNames.ITEM_PROFILES_DIRTY, StoreNames.ITEM_STATS)
                .to(Topics.ITEM_PROFILES, Produced.with(String(), Serdes.ITEM_PROFILE).withName(ITEM_PROFILES + "-sink"));
        return builder.build();
    }

    /**
     * A key-value store with the record cache in front: a hot key written many times between two commits costs one
     * RocksDB write and one changelog record per commit, not one per event.
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> cached(String name, Serde<V> serde) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), String(), serde).withCachingEnabled();
    }

    /** The repartition topic by itemId for an application id: the item stores' partitions are its partitions. */
    public static String itemEventsTopic(String applicationId) {
        return applicationId + ITEM_EVENTS_TOPIC_SUFFIX;
    }

    /** The Kafka Streams settings streamrec relies on; callers add bootstrap servers, application id and server. */
    public static Map<String, Object> requiredStreamsConfig() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
        return props;
    }

    public static Properties toProperties(Map<String, Object> map) {
        Properties p = new Properties();
        p.putAll(map);
        return p;
    }
}
