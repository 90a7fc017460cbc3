package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.ItemState;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.ItemUpdates;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.UserState;
import io.streamrec.recommend.ItemIndex;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Both applications (user side and item side) in two TopologyTestDriver instances, wired as in production: after
 * each event the user side's combine interval passes, its item updates go to the item side, and the item side's
 * profiles come back to the user side's global store. Helpers send events and catalog entries and read the stores.
 */
final class Harness implements AutoCloseable {
    static final long T0 = Instant.parse("2024-01-10T12:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    static final long HOUR = 3_600_000L;
    static final long DAY = 86_400_000L;

    /** The user side. */
    final TopologyTestDriver driver;
    /** The item side. */
    final TopologyTestDriver items;
    final ProcessorConfig config;
    private final TestInputTopic<String, byte[]> events;
    private final TestInputTopic<String, byte[]> catalog;
    private final TestOutputTopic<Integer, ItemUpdates> updatesOut;
    private final TestInputTopic<Integer, ItemUpdates> updatesIn;
    private final TestOutputTopic<String, ItemProfile> profilesOut;
    private final TestInputTopic<String, ItemProfile> profilesIn;
    private int sequence;
    /** Item-updates records the item side received so far. */
    int updateRecords;
    /** Encoded size of the largest streamrec.item-updates record so far. */
    int largestUpdateRecord;

    Harness(ProcessorConfig config) {
        this.config = config;
        Properties props = StreamrecTopology.toProperties(StreamrecTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "features-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, tempStateDir());
        driver = new TopologyTestDriver(StreamrecTopology.build(config, 1), props);
        Properties itemProps = StreamrecTopology.toProperties(StreamrecTopology.requiredStreamsConfig());
        itemProps.put(StreamsConfig.APPLICATION_ID_CONFIG, "features-test-items");
        itemProps.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        itemProps.put(StreamsConfig.STATE_DIR_CONFIG, tempStateDir());
        items = new TopologyTestDriver(StreamrecTopology.buildItemSide(config), itemProps);
        events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
        catalog = driver.createInputTopic(Topics.ITEMS, new StringSerializer(), new ByteArraySerializer());
        updatesOut = driver.createOutputTopic(Topics.ITEM_UPDATES, new IntegerDeserializer(), Serdes.ITEM_UPDATES);
        updatesIn = items.createInputTopic(Topics.ITEM_UPDATES, new IntegerSerializer(), Serdes.ITEM_UPDATES);
        profilesOut = items.createOutputTopic(Topics.ITEM_PROFILES, new StringDeserializer(), Serdes.ITEM_PROFILE);
        profilesIn = driver.createInputTopic(Topics.ITEM_PROFILES, new StringSerializer(), Serdes.ITEM_PROFILE);
    }

    /** Defaults with some feature settings overridden (property names as in FeatureSettings). */
    static Harness with(Map<String, String> featureProps) {
        return new Harness(ProcessorConfig.defaults().withFeatures(FeatureSettings.from(featureProps)));
    }

    static Harness defaults() {
        return new Harness(ProcessorConfig.defaults());
    }

    static ClickEvent.Builder event(String user, String item, String type, long ts) {
        return ClickEvent.newBuilder().setEventId("unset").setUserId(user).setItemId(item).setEventType(type).setTimestamp(ts);
    }

    /** Sends one event and lets the combine interval pass, so the item side and the profiles see it. */
    void send(ClickEvent.Builder e) {
        sendOnly(e);
        combine();
    }

    /** Sends one event; the item side learns of it at the next {@link #combine()}. */
    void sendOnly(ClickEvent.Builder e) {
        if ("unset".equals(e.getEventId())) {
            e.setEventId("e" + (++sequence));
        }
        ClickEvent built = e.build();
        events.pipeInput(EventRules.keyOf(built), Serdes.CLICK_EVENT.serialize(Topics.EVENTS, built), built.getTimestamp());
    }

    /**
     * The combine interval passes on the user side (pending item updates go to the item side), the publish interval on
     * the item side (its profiles go back to the user side).
     */
    void combine() {
        driver.advanceWallClockTime(config.recommend().combineInterval());
        while (!updatesOut.isEmpty()) {
            TestRecord<Integer, ItemUpdates> r = updatesOut.readRecord();
            updatesIn.pipeInput(r);
            updateRecords++;
            largestUpdateRecord = Math.max(largestUpdateRecord, Serdes.ITEM_UPDATES.serialize(Topics.ITEM_UPDATES, r.value()).length);
        }
        items.advanceWallClockTime(config.recommend().publishInterval());
        while (!profilesOut.isEmpty()) {
            profilesIn.pipeInput(profilesOut.readRecord());
        }
    }

    /** Pipes an item-update record as the user side would have sent it (an older version's, say), then publishes. */
    void itemUpdates(int partition, ItemUpdates updates, long ts) {
        updatesIn.pipeInput(partition, updates, ts);
        items.advanceWallClockTime(config.recommend().publishInterval());
        while (!profilesOut.isEmpty()) {
            profilesIn.pipeInput(profilesOut.readRecord());
        }
    }

    void send(String user, String item, String type, long ts) {
        send(event(user, item, type, ts));
    }

    void sendOnly(String user, String item, String type, long ts) {
        sendOnly(event(user, item, type, ts));
    }

    void item(String itemId, String category, Double price) {
        Item i = Item.newBuilder().setItemId(itemId).setTitle("title " + itemId).setCategory(category).setPrice(price).build();
        catalog.pipeInput(itemId, Serdes.ITEM.serialize(Topics.ITEMS, i));
    }

    UserState state(String key) {
        KeyValueStore<String, UserState> s = driver.getKeyValueStore(StoreNames.USER_STATE);
        return s.get(key);
    }

    UserFeatures user(String key) {
        UserState s = state(key);
        return s == null ? null : s.getFeatures();
    }

    List<HistoryEntry> history(String key) {
        UserState s = state(key);
        return s == null ? List.of() : s.getHistory();
    }

    ItemState itemState(String itemId) {
        KeyValueStore<String, ItemCounters> s = items.getKeyValueStore(StoreNames.ITEM_STATE);
        ItemCounters c = s.get(itemId);
        return c == null ? null : c.toState();
    }

    ItemStats stats(String itemId) {
        ItemState s = itemState(itemId);
        return s == null ? null : s.getStats();
    }

    ItemProfile profile(String itemId) {
        KeyValueStore<String, ItemProfile> s = driver.getKeyValueStore(StoreNames.ITEM_PROFILES);
        return s.get(itemId);
    }

    /** Undirected co-occurrence: the forward and backward counters merged, neighbor -> weight, heaviest first. */
    Map<String, Double> neighbors(String itemId) {
        ItemState s = itemState(itemId);
        Map<String, Double> merged = new HashMap<>();
        if (s != null) {
            s.getForward().forEach(c -> merged.merge(c.getItemId(), c.getWeight(), Double::sum));
            s.getBackward().forEach(c -> merged.merge(c.getItemId(), c.getWeight(), Double::sum));
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(merged.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> out = new LinkedHashMap<>();
        sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The popular and trending lists built from the profiles, as the gateway and training build them. */
    ItemIndex.Snapshot index() {
        KeyValueStore<String, Item> catalogStore = driver.getKeyValueStore(StoreNames.ITEMS);
        ItemIndex index = new ItemIndex(catalogStore::get, config.features(), Duration.ZERO);
        index.attach(driver.getKeyValueStore(StoreNames.ITEM_PROFILES));
        return index.snapshot();
    }

    static List<String> ids(List<ItemIndex.Ranked> list) {
        return list.stream().map(ItemIndex.Ranked::itemId).toList();
    }

    @Override
    public void close() {
        driver.close();
        items.close();
    }

    /** A fresh state directory: the test driver's default (kafka-streams under the system temp directory) outlives the run. */
    /**
     * A fresh state directory, in memory where the machine has one (/dev/shm): the test driver commits, and so flushes
     * RocksDB and writes a checkpoint file, after every record, which on disk makes a test of a few thousand events take
     * minutes.
     */
    static String tempStateDir() {
        try {
            java.nio.file.Path shm = java.nio.file.Path.of("/dev/shm");
            java.nio.file.Path dir = java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm)
                    ? java.nio.file.Files.createTempDirectory(shm, "streamrec-test-state")
                    : java.nio.file.Files.createTempDirectory("streamrec-test-state");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
