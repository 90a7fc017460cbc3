package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Erasure;
import io.streamrec.avro.UserState;
import io.streamrec.schemas.Erasures;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Erasing a user: the state and its changelog entry go, the audit record names only the hash, others stay. */
class EraseTest {
    private static final long T0 = Instant.parse("2024-01-10T12:00:00Z").toEpochMilli();
    private static final String APP = "erase-test";
    private static final String CHANGELOG = APP + "-" + StoreNames.USER_STATE + "-changelog";

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<byte[], byte[]> dlq;
    private TestOutputTopic<String, Erasure> erasures;
    private TestOutputTopic<String, byte[]> changelog;
    private KeyValueStore<String, UserState> users;
    private int sequence;

    @BeforeEach
    void start() {
        Properties props = StreamrecTopology.toProperties(StreamrecTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Harness.tempStateDir());
        driver = new TopologyTestDriver(StreamrecTopology.build(ProcessorConfig.defaults(), 1), props);
        events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
        dlq = driver.createOutputTopic(Topics.EVENTS_DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        erasures = driver.createOutputTopic(Topics.ERASURES, new StringDeserializer(), Serdes.ERASURE);
        changelog = driver.createOutputTopic(CHANGELOG, new StringDeserializer(), new ByteArrayDeserializer());
        users = driver.getKeyValueStore(StoreNames.USER_STATE);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void send(String user, String item, long ts) {
        ClickEvent e = ClickEvent.newBuilder().setEventId("e" + (++sequence)).setUserId(user).setItemId(item)
                .setEventType("view").setTimestamp(ts).build();
        events.pipeInput(EventRules.keyOf(e), Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e), ts);
    }

    private void command(String key, byte[] value, long ts) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_COMMAND, Topics.HEADER_COMMAND_ERASE.getBytes(StandardCharsets.UTF_8));
        events.pipeInput(new TestRecord<>(key, value, headers, ts));
    }

    private Erasure erase(String key, long ts) {
        Erasure c = Erasures.command(key, ts, "admin key 'ops'");
        command(key, Serdes.ERASURE.serialize(Topics.EVENTS, c), ts);
        return c;
    }

    @Test
    void theUsersStateIsGoneWithATombstoneAndOthersStay() {
        send("u1", "a", T0);
        send("u1", "b", T0 + 1000);
        send("u2", "a", T0 + 2000);
        assertNotNull(users.get("u1"));
        changelog.readRecordsToList();

        Erasure command = erase("u1", T0 + 3000);

        assertNull(users.get("u1"), "u1's history, features, items and seen eventIds are one value: gone");
        assertNotNull(users.get("u2"));
        List<TestRecord<String, byte[]>> written = changelog.readRecordsToList();
        assertTrue(written.stream().anyMatch(r -> r.key().equals("u1") && r.value() == null),
                "a tombstone for u1 in the changelog, so a restore brings nothing back: " + written);
        assertFalse(written.stream().anyMatch(r -> r.key().equals("u1") && r.value() != null));

        List<TestRecord<String, Erasure>> audit = erasures.readRecordsToList();
        assertEquals(1, audit.size());
        Erasure done = audit.get(0).value();
        assertEquals(Erasures.hash("u1"), audit.get(0).key());
        assertEquals(command.getRequestId(), done.getRequestId());
        assertEquals("admin key 'ops'", done.getRequester());
        assertNotNull(done.getErasedAt());
        assertFalse(done.toString().contains("\"u1\""), "the audit record holds no user id: " + done);
        assertTrue(dlq.isEmpty());
    }

    @Test
    void eventsAfterTheErasureStartANewStateAndOldEventIdsAreNoLongerDeduplicated() {
        send("u1", "a", T0);
        erase("u1", T0 + 1000);
        // the same eventId again: the dedupe entries were erased with the rest, so it counts as new
        ClickEvent again = ClickEvent.newBuilder().setEventId("e1").setUserId("u1").setItemId("c").setEventType("view")
                .setTimestamp(T0 + 2000).build();
        events.pipeInput("u1", Serdes.CLICK_EVENT.serialize(Topics.EVENTS, again), T0 + 2000);
        UserState s = users.get("u1");
        assertEquals(1, s.getHistory().size());
        assertEquals("c", s.getHistory().get(0).getItemId());
    }

    @Test
    void erasingAnUnknownUserIsRecordedAndHarmless() {
        send("u2", "a", T0);
        erase("nobody", T0 + 1000);
        assertEquals(1, erasures.readRecordsToList().size());
        assertNotNull(users.get("u2"));
        assertTrue(dlq.isEmpty());
    }

    @Test
    void aCommandThatIsUnreadableOrForAnotherKeyGoesToTheDlqAndErasesNothing() {
        send("u1", "a", T0);
        command("u1", new byte[]{1, 2, 3}, T0 + 1000);
        Erasure forU2 = Erasures.command("u2", T0, "admin key 'ops'");
        command("u1", Serdes.ERASURE.serialize(Topics.EVENTS, forU2), T0 + 2000);
        command("u1", null, T0 + 3000);

        assertNotNull(users.get("u1"));
        assertTrue(erasures.isEmpty());
        List<TestRecord<byte[], byte[]>> bad = dlq.readRecordsToList();
        assertEquals(3, bad.size());
        assertEquals("userKeyHash", new String(bad.get(1).headers().lastHeader(Topics.HEADER_ERROR_FIELD).value(), StandardCharsets.UTF_8),
                new String(bad.get(1).headers().lastHeader(Topics.HEADER_ERROR_REASON).value(), StandardCharsets.UTF_8));
    }
}
