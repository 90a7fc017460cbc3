package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.NeighborCounter;
import io.streamrec.avro.RankEntry;
import io.streamrec.avro.UserFeatures;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The whole topology in a TopologyTestDriver, with helpers to send events and catalog entries and read the stores. */
final class Harness implements AutoCloseable {
    static final long T0 = Instant.parse("2024-01-10T12:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    static final long HOUR = 3_600_000L;
    static final long DAY = 86_400_000L;

    final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> events;
    private final TestInputTopic<String, byte[]> items;
    private int sequence;

    Harness(ProcessorConfig config) {
        Properties props = StreamrecTopology.toProperties(StreamrecTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "features-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(StreamrecTopology.build(config), props);
        events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
        items = driver.createInputTopic(Topics.ITEMS, new StringSerializer(), new ByteArraySerializer());
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

    void send(ClickEvent.Builder e) {
        if ("unset".equals(e.getEventId())) {
            e.setEventId("e" + (++sequence));
        }
        ClickEvent built = e.build();
        events.pipeInput(EventRules.keyOf(built), Serdes.CLICK_EVENT.serialize(Topics.EVENTS, built), built.getTimestamp());
    }

    void send(String user, String item, String type, long ts) {
        send(event(user, item, type, ts));
    }

    void item(String itemId, String category, Double price) {
        Item i = Item.newBuilder().setItemId(itemId).setTitle("title " + itemId).setCategory(category).setPrice(price).build();
        items.pipeInput(itemId, Serdes.ITEM.serialize(Topics.ITEMS, i));
    }

    UserFeatures user(String key) {
        KeyValueStore<String, UserFeatures> s = driver.getKeyValueStore(StoreNames.USER_FEATURES);
        return s.get(key);
    }

    ItemStats stats(String itemId) {
        KeyValueStore<String, ItemStats> s = driver.getKeyValueStore(StoreNames.ITEM_STATS);
        return s.get(itemId);
    }

    /** Neighbor -> weight, heaviest first. */
    Map<String, Double> neighbors(String itemId) {
        KeyValueStore<String, NeighborCounter> s = driver.getKeyValueStore(StoreNames.ITEM_NEIGHBORS);
        List<NeighborCounter> counters = new java.util.ArrayList<>();
        try (KeyValueIterator<String, NeighborCounter> it = s.prefixScan(CompositeKeys.prefix(itemId), new StringSerializer())) {
            it.forEachRemaining(kv -> counters.add(kv.value));
        }
        counters.sort(SpaceSaving.LIGHTEST_FIRST.reversed());
        Map<String, Double> out = new LinkedHashMap<>();
        for (NeighborCounter c : counters) {
            out.put(c.getItemId(), c.getWeight());
        }
        return out;
    }

    /** The entries of one ranking list, by itemId (in key order). */
    Map<String, RankEntry> ranking(String list) {
        KeyValueStore<String, RankEntry> s = driver.getKeyValueStore(StoreNames.ITEM_RANKINGS);
        Map<String, RankEntry> out = new LinkedHashMap<>();
        try (KeyValueIterator<String, RankEntry> it = s.prefixScan(Rankings.prefix(list), new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, RankEntry> kv = it.next();
                out.put(kv.value.getItemId(), kv.value);
            }
        }
        return out;
    }

    List<String> rankingItems(String list) {
        return List.copyOf(ranking(list).keySet());
    }

    @Override
    public void close() {
        driver.close();
    }
}
