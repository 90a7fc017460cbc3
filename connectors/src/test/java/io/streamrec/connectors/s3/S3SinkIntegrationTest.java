package io.streamrec.connectors.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.streamrec.avro.ClickEvent;
import io.streamrec.connectors.avro.StreamrecAvroConverter;
import io.streamrec.connectors.testing.ForkedConnectWorker;
import io.streamrec.connectors.testing.S3ProxyServer;
import io.streamrec.connectors.testing.TestEvents;
import io.streamrec.schemas.Topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The S3 sink on the real Connect runtime against S3Proxy (a real S3-protocol server in its own JVM): layout and names
 * of the objects, and exactly-once content after a worker is killed mid-object and another one takes over.
 */
class S3SinkIntegrationTest {
    private static final String BUCKET = "streamrec-lake";
    /** 2023-11-14T22:00:00Z: a whole hour. */
    private static final long H0 = 1_700_000_000_000L - 1_700_000_000_000L % 3_600_000L;
    private static final long HOUR = 3_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DIR =
            DateTimeFormatter.ofPattern("'date='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    /** Under target/, so the S3Proxy and worker logs outlive a failed run. */
    private static Path dir;
    private static EmbeddedConnectCluster connect;
    private static S3ProxyServer s3proxy;
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createDirectories(Path.of("target", "s3-it-" + System.currentTimeMillis()));
        s3proxy = S3ProxyServer.start(Files.createDirectories(dir.resolve("s3proxy")));
        s3 = s3proxy.client();
        connect = new EmbeddedConnectCluster.Builder().name("s3-it").numWorkers(1).numBrokers(1)
                .brokerProps(TestEvents.brokerProps())
                .workerProps(new HashMap<>(Map.of("offset.flush.interval.ms", "500", "plugin.discovery", "service_load")))
                .build();
        connect.start();
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.stop();
        }
        if (s3 != null) {
            s3.close();
        }
        if (s3proxy != null) {
            s3proxy.close();
        }
    }

    static Map<String, String> connectorConfig(String topic, int flushSize, String prefix) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", S3SinkConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("key.converter", StringConverter.class.getName());
        c.put("value.converter", StreamrecAvroConverter.class.getName());
        c.put("value.converter.record.type", "ClickEvent");
        c.put("consumer.override.isolation.level", "read_committed");
        c.put(S3SinkConfig.BUCKET, BUCKET);
        c.put(S3SinkConfig.KEY_PREFIX, prefix);
        c.put("s3.endpoint", s3proxy.endpoint());
        c.put(S3SinkConfig.PATH_STYLE, "true");
        c.put(S3SinkConfig.CREATE_BUCKET, "true");
        c.put(S3SinkConfig.FLUSH_SIZE, Integer.toString(flushSize));
        c.put(S3SinkConfig.RETRY_BACKOFF_MS, "100");
        return c;
    }

    private static ClickEvent event(String id, long time) {
        return TestEvents.event(id, "user-" + (id.hashCode() & 7), "item-" + (id.hashCode() & 15), "view", time).build();
    }

    @Test
    void objectsLieUnderTheirEventHourNamedByTopicPartitionAndFirstOffset() throws Exception {
        String topic = Topics.EVENTS;
        connect.kafka().createTopic(topic, 2);
        // partition 0: 12 events at hour 0, 3 at hour 1, one late event of hour 0, one of hour 2 (stays open)
        List<ClickEvent> p0 = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            p0.add(event("a" + i, H0 + i * 1000L));
        }
        for (int i = 12; i < 15; i++) {
            p0.add(event("a" + i, H0 + HOUR + i * 1000L));
        }
        p0.add(event("a15", H0 + 59 * 60_000L));
        p0.add(event("a16", H0 + 2 * HOUR));
        // partition 1: 7 events at hour 1, one of hour 2 (stays open)
        List<ClickEvent> p1 = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            p1.add(event("b" + i, H0 + HOUR + i * 1000L));
        }
        p1.add(event("b7", H0 + 2 * HOUR + 1));
        try (KafkaProducer<String, byte[]> producer = TestEvents.producer(connect.kafka().bootstrapServers())) {
            TestEvents.send(producer, topic, 0, p0);
            TestEvents.send(producer, topic, 1, p1);
        }
        connect.configureConnector("lake-layout", connectorConfig(topic, 5, "raw/"));

        String d0 = "raw/topic=streamrec.events/date=2023-11-14/hour=22/";
        String d1 = "raw/topic=streamrec.events/date=2023-11-14/hour=23/";
        Map<String, List<String>> expected = new TreeMap<>();
        expected.put(d0 + "streamrec.events+0+00000000000000000000.jsonl.gz", ids("a", 0, 5));   // flush.size
        expected.put(d0 + "streamrec.events+0+00000000000000000005.jsonl.gz", ids("a", 5, 10));
        expected.put(d0 + "streamrec.events+0+00000000000000000010.jsonl.gz", ids("a", 10, 12)); // next hour
        expected.put(d1 + "streamrec.events+0+00000000000000000012.jsonl.gz", ids("a", 12, 15)); // late event
        expected.put(d0 + "streamrec.events+0+00000000000000000015.jsonl.gz", ids("a", 15, 16));
        expected.put(d1 + "streamrec.events+1+00000000000000000000.jsonl.gz", ids("b", 0, 5));
        expected.put(d1 + "streamrec.events+1+00000000000000000005.jsonl.gz", ids("b", 5, 7));
        assertEquals(d0, "raw/topic=streamrec.events/" + DIR.format(Instant.ofEpochMilli(H0)) + "/");

        TestUtils.waitForCondition(() -> S3ProxyServer.keys(s3, BUCKET).stream().filter(k -> k.startsWith("raw/"))
                .count() >= expected.size(), 60_000, () -> "objects so far: " + S3ProxyServer.keys(s3, BUCKET));
        TreeMap<String, List<String>> lake = S3ProxyServer.read(s3, BUCKET);
        Map<String, List<String>> actual = new TreeMap<>();
        lake.forEach((key, lines) -> {
            if (key.startsWith("raw/")) {
                actual.put(key, lines.stream().map(S3SinkIntegrationTest::eventId).toList());
            }
        });
        assertEquals(expected, actual);

        JsonNode first = JSON.readTree(lake.get(d0 + "streamrec.events+0+00000000000000000000.jsonl.gz").get(1));
        assertEquals("a1", first.get("eventId").asText());
        assertEquals(H0 + 1000L, first.get("timestamp").asLong());
        assertEquals("view", first.get("eventType").asText());
        assertEquals("{\"topic\":\"streamrec.events\",\"partition\":0,\"offset\":1}", first.get("_kafka").toString());

        // committed: the first record of each partition that is still in an open object
        awaitCommitted("connect-lake-layout", Map.of(new TopicPartition(topic, 0), 16L, new TopicPartition(topic, 1), 7L));
        connect.deleteConnector("lake-layout");
    }

    @Test
    void aWorkerKilledMidObjectLeavesEveryEventInTheLakeExactlyOnce() throws Exception {
        String topic = "streamrec.events.replay";
        String prefix = "replay/";
        int flushSize = 10;
        connect.kafka().createTopic(topic, 1);
        // 200 events, a new event hour every 30 events from offset 25 on, then one of a later hour (stays open)
        List<ClickEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int hour = i < 25 ? 0 : 1 + (i - 25) / 30;
            events.add(event("r" + i, H0 + hour * HOUR + i * 1000L));
        }
        events.add(event("r200", H0 + 20 * HOUR));
        Map<String, List<String>> expected = expectedObjects(topic, prefix, events.subList(0, 200), flushSize);

        String group = "killed-worker-it";
        Map<String, String> noCommits = Map.of("offset.flush.interval.ms", "600000");
        try (KafkaProducer<String, byte[]> producer = TestEvents.producer(connect.kafka().bootstrapServers())) {
            // 93 events: objects up to offset 84 complete, 85..92 in the open object
            TestEvents.send(producer, topic, 0, events.subList(0, 93));
            ForkedConnectWorker first = ForkedConnectWorker.start(dir, "worker-1", connect.kafka().bootstrapServers(),
                    group, noCommits, Duration.ofSeconds(90));
            try {
                String config = JSON.writeValueAsString(connectorConfig(topic, flushSize, prefix));
                assertEquals(201, first.putJson("/connectors/replay/config", config).statusCode());
                List<String> beforeKill = expected.keySet().stream()
                        .filter(k -> startOffset(k) < 85).toList();
                TestUtils.waitForCondition(() -> S3ProxyServer.keys(s3, BUCKET).stream()
                                .filter(k -> k.startsWith(prefix)).toList().containsAll(beforeKill), 90_000,
                        () -> "objects so far: " + S3ProxyServer.keys(s3, BUCKET) + " (worker log " + first.log() + ")");
                assertNull(committed("connect-replay").get(new TopicPartition(topic, 0)),
                        "no offset was committed before the kill: the next worker starts from the beginning");
            } finally {
                first.kill(); // mid-object: 85..92 were never uploaded
            }
            TestEvents.send(producer, topic, 0, events.subList(93, events.size()));
        }
        try (ForkedConnectWorker second = ForkedConnectWorker.start(dir, "worker-2", connect.kafka().bootstrapServers(),
                group, Map.of("offset.flush.interval.ms", "500"), Duration.ofSeconds(90))) {
            TestUtils.waitForCondition(() -> S3ProxyServer.keys(s3, BUCKET).stream()
                            .filter(k -> k.startsWith(prefix)).count() >= expected.size(), 90_000,
                    () -> "objects so far: " + S3ProxyServer.keys(s3, BUCKET) + "; status "
                            + second.describe("/connectors/replay/status") + " (worker log " + second.log() + ")");
            Map<String, List<String>> actual = new TreeMap<>();
            S3ProxyServer.read(s3, BUCKET).forEach((key, lines) -> {
                if (key.startsWith(prefix)) {
                    actual.put(key, lines.stream().map(S3SinkIntegrationTest::eventId).toList());
                }
            });
            assertEquals(expected, actual);
            Map<String, Long> perEvent = actual.values().stream().flatMap(List::stream)
                    .collect(Collectors.groupingBy(id -> id, TreeMap::new, Collectors.counting()));
            assertEquals(200, perEvent.size(), "every event is in the lake");
            assertFalse(perEvent.values().stream().anyMatch(c -> c != 1), "no event twice: " + perEvent);
            awaitCommitted("connect-replay", Map.of(new TopicPartition(topic, 0), 200L));
        }
    }

    /** The objects the sink's rules give: roll at flushSize records or when the event hour changes. */
    static Map<String, List<String>> expectedObjects(String topic, String prefix, List<ClickEvent> events, int flushSize) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String dir = null;
        List<String> current = null;
        for (int offset = 0; offset < events.size(); offset++) {
            ClickEvent e = events.get(offset);
            String d = DIR.format(Instant.ofEpochMilli(e.getTimestamp()));
            if (current == null || !d.equals(dir) || current.size() == flushSize) {
                current = new ArrayList<>();
                dir = d;
                out.put(prefix + "topic=" + topic + "/" + d + "/" + topic + "+0+" + String.format("%020d", offset)
                        + ".jsonl.gz", current);
            }
            current.add(e.getEventId());
        }
        return new TreeMap<>(out);
    }

    private static long startOffset(String key) {
        String name = key.substring(key.lastIndexOf('+') + 1);
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    private static List<String> ids(String p, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(p + i);
        }
        return out;
    }

    private static String eventId(String line) {
        try {
            return JSON.readTree(line).get("eventId").asText();
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", connect.kafka().bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> out = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            return out == null ? Map.of() : out;
        }
    }

    private static void awaitCommitted(String group, Map<TopicPartition, Long> expected) throws InterruptedException {
        TestUtils.waitForCondition(() -> {
            Map<TopicPartition, OffsetAndMetadata> c = committed(group);
            return expected.entrySet().stream().allMatch(e -> c.get(e.getKey()) != null
                    && c.get(e.getKey()).offset() == e.getValue());
        }, 30_000, () -> {
            try {
                return group + " committed " + committed(group) + ", expected " + expected;
            } catch (Exception e) {
                return e.toString();
            }
        });
    }
}
