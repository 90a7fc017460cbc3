package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.UserState;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyTest {
    private static final long T0 = Instant.parse("2024-01-10T12:00:00Z").toEpochMilli();
    private static final long MIN = 60_000L;
    private static final long DAY = 86_400_000L;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<byte[], byte[]> dlq;
    private KeyValueStore<String, UserState> users;

    private void start(ProcessorConfig config) {
        Properties props = StreamrecTopology.toProperties(StreamrecTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Harness.tempStateDir());
        driver = new TopologyTestDriver(StreamrecTopology.build(config, 1), props);
        events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
        dlq = driver.createOutputTopic(Topics.EVENTS_DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        users = driver.getKeyValueStore(StoreNames.USER_STATE);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static ClickEvent event(String id, String user, String item, String type, long ts) {
        return ClickEvent.newBuilder().setEventId(id).setUserId(user).setItemId(item).setEventType(type).setTimestamp(ts).build();
    }

    private void send(ClickEvent e) {
        events.pipeInput(EventRules.keyOf(e), Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e), e.getTimestamp());
    }

    private List<String> items(String user) {
        return entries(user).stream().map(HistoryEntry::getItemId).toList();
    }

    private List<HistoryEntry> entries(String user) {
        UserState s = users.get(user);
        return s == null ? List.of() : s.getHistory();
    }

    @Test
    void historyIsNewestFirstWithTypeAndTime() {
        start(ProcessorConfig.defaults());
        send(event("e1", "u1", "a", "view", T0));
        send(event("e2", "u1", "b", "add_to_cart", T0 + MIN));
        send(event("e3", "u1", "c", "purchase", T0 + 2 * MIN));
        send(event("e4", "u2", "z", "view", T0));

        assertEquals(List.of(new HistoryEntry("c", "purchase", T0 + 2 * MIN, null), new HistoryEntry("b", "add_to_cart", T0 + MIN, null),
                new HistoryEntry("a", "view", T0, null)), entries("u1"));
        assertEquals(List.of("z"), items("u2"));
        assertTrue(dlq.isEmpty());
    }

    @Test
    void searchEventsAreValidButNotItemHistory() {
        start(ProcessorConfig.defaults());
        send(ClickEvent.newBuilder().setEventId("s1").setUserId("u1").setEventType("search").setQuery("mug").setTimestamp(T0).build());
        assertEquals(List.of(), entries("u1"));
        assertEquals(1L, users.get("u1").getFeatures().getEventCounts().get("search"));
        assertTrue(dlq.isEmpty());
    }

    @Test
    void duplicateEventIdWithinHorizonIsDropped() {
        start(ProcessorConfig.defaults());
        send(event("dup", "u1", "a", "view", T0));
        send(event("dup", "u1", "a", "view", T0));
        send(event("dup", "u1", "a", "view", T0 + 23 * 60 * MIN)); // resent 23 h later: still inside the 24 h horizon
        send(event("other", "u1", "b", "view", T0 + 23 * 60 * MIN));
        assertEquals(List.of("b", "a"), items("u1"));
    }

    @Test
    void sameEventIdBeyondHorizonCountsAgain() {
        start(new ProcessorConfig(Duration.ofHours(1), 100, Duration.ofDays(30), Duration.ofMinutes(10),
                EventRules.DEFAULT_EVENT_TYPES, EventRules.DEFAULT_NON_ITEM_EVENT_TYPES));
        send(event("x", "u1", "a", "view", T0));
        send(event("x", "u1", "a", "view", T0 + 61 * MIN)); // 61 min later, horizon 1 h
        assertEquals(List.of("a", "a"), items("u1"));
    }

    @Test
    void historyIsCappedAtMaxEntries() {
        start(new ProcessorConfig(Duration.ofHours(24), 3, Duration.ofDays(30), Duration.ofMinutes(10),
                EventRules.DEFAULT_EVENT_TYPES, EventRules.DEFAULT_NON_ITEM_EVENT_TYPES));
        for (int i = 0; i < 5; i++) {
            send(event("e" + i, "u1", "i" + i, "view", T0 + i * MIN));
        }
        assertEquals(List.of("i4", "i3", "i2"), items("u1"));
    }

    @Test
    void outOfOrderEventIsPlacedByEventTime() {
        start(ProcessorConfig.defaults());
        send(event("e1", "u1", "a", "view", T0));
        send(event("e2", "u1", "c", "view", T0 + 10 * MIN));
        send(event("e3", "u1", "b", "view", T0 + 5 * MIN)); // arrives late
        assertEquals(List.of("c", "b", "a"), items("u1"));
    }

    @Test
    void retentionByEventTimeDropsOldEntriesAndTooLateEvents() {
        start(ProcessorConfig.defaults()); // 30 days
        send(event("e1", "u1", "old", "view", T0));
        send(event("e2", "u1", "mid", "view", T0 + 10 * DAY));
        send(event("e3", "u1", "new", "view", T0 + 31 * DAY)); // stream time moves: "old" is now 31 days old
        assertEquals(List.of("new", "mid"), items("u1"));

        // an event already older than the retention when it arrives is not added
        send(event("e4", "u1", "ancient", "view", T0 + DAY - 1));
        assertEquals(List.of("new", "mid"), items("u1"));
    }

    @Test
    void sweepRemovesUsersIdlePastRetention() {
        start(ProcessorConfig.defaults());
        send(event("e1", "idle", "a", "view", T0));
        send(event("e2", "active", "b", "view", T0 + 40 * DAY));
        assertEquals(List.of("a"), items("idle"));
        driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertEquals(List.of(), entries("idle")); // features and long-term items are all-time facts and stay
        assertEquals(1L, users.get("idle").getFeatures().getEventCounts().get("view"));
        assertEquals(List.of("b"), items("active"));
    }

    @Test
    void undecodableRecordGoesToDlqWithHeadersAndProcessingContinues() {
        start(ProcessorConfig.defaults());
        events.pipeInput("u1", "not avro".getBytes(StandardCharsets.UTF_8), T0);
        send(event("e1", "u1", "a", "view", T0));

        TestRecord<byte[], byte[]> bad = dlq.readRecord();
        assertEquals("not avro", new String(bad.value(), StandardCharsets.UTF_8));
        assertEquals("u1", new String(bad.key(), StandardCharsets.UTF_8));
        assertEquals("deserialize", header(bad, Topics.HEADER_ERROR_STAGE));
        assertEquals(Topics.EVENTS, header(bad, Topics.HEADER_SOURCE_TOPIC));
        assertEquals("0", header(bad, Topics.HEADER_SOURCE_OFFSET));
        assertTrue(header(bad, Topics.HEADER_ERROR_REASON).startsWith("cannot decode"), header(bad, Topics.HEADER_ERROR_REASON));
        assertTrue(dlq.isEmpty());
        assertEquals(List.of("a"), items("u1"));
    }

    @Test
    void invalidEventGoesToDlqNamingTheField() {
        start(ProcessorConfig.defaults());
        ClickEvent noItem = event("e1", "u1", null, "purchase", T0);
        byte[] bytes = Serdes.CLICK_EVENT.serialize(Topics.EVENTS, noItem);
        events.pipeInput("u1", bytes, T0);

        TestRecord<byte[], byte[]> bad = dlq.readRecord();
        assertEquals("validate", header(bad, Topics.HEADER_ERROR_STAGE));
        assertEquals("itemId", header(bad, Topics.HEADER_ERROR_FIELD));
        assertEquals("itemId: is required for 'purchase' events", header(bad, Topics.HEADER_ERROR_REASON));
        assertEquals(List.of(), List.of(bytes).stream().filter(b -> !java.util.Arrays.equals(b, bad.value())).toList());
        assertNull(users.get("u1"));
    }

    @Test
    void unknownEventTypeIsRejectedUnlessConfigured() {
        start(ProcessorConfig.from(Map.of(ProcessorConfig.EVENT_TYPES, "view,wishlist")));
        send(event("e1", "u1", "a", "wishlist", T0));
        send(event("e2", "u1", "b", "purchase", T0 + 1));
        assertEquals(List.of("a"), items("u1"));
        assertEquals("eventType", header(dlq.readRecord(), Topics.HEADER_ERROR_FIELD));
    }

    @Test
    void recordKeyedWrongIsReroutedUnderTheUserKey() {
        start(ProcessorConfig.defaults());
        TestOutputTopic<String, byte[]> rerouted = driver.createOutputTopic(Topics.EVENTS, new StringDeserializer(), new ByteArrayDeserializer());
        ClickEvent e = event("e1", "u1", "a", "view", T0);
        events.pipeInput((String) null, Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e), T0);
        // the test driver feeds the re-keyed record back through the topology (same topic), so the history has it
        assertEquals(List.of("a"), items("u1"));
        assertTrue(dlq.isEmpty());
        assertEquals("u1", rerouted.readRecord().key());
    }

    @Test
    void anonymousEventsAreKeyedBySession() {
        start(ProcessorConfig.defaults());
        send(ClickEvent.newBuilder().setEventId("e1").setSessionId("s-9").setItemId("a").setEventType("view").setTimestamp(T0).build());
        assertEquals(List.of("a"), items("s-9"));
    }

    @Test
    void configRejectsNonsenseWithAClearMessage() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ProcessorConfig.from(Map.of(ProcessorConfig.HISTORY_MAX_ENTRIES, "0", ProcessorConfig.DEDUPE_HORIZON, "soon")));
        assertEquals("streamrec.dedupe.horizon: cannot read 'soon' as a duration (examples: 30s, 10m, 24h, 30d, PT24H)", e.getMessage());
        IllegalArgumentException e2 = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ProcessorConfig.from(Map.of(ProcessorConfig.HISTORY_MAX_ENTRIES, "0")));
        assertEquals("invalid streamrec configuration: streamrec.history.max-entries must be between 1 and 10000, got 0", e2.getMessage());
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
