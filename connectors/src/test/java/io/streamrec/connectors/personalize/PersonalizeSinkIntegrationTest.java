package io.streamrec.connectors.personalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.User;
import io.streamrec.connectors.avro.StreamrecAvroConverter;
import io.streamrec.connectors.testing.PersonalizeProtocolServer;
import io.streamrec.connectors.testing.PersonalizeProtocolServer.Fault;
import io.streamrec.connectors.testing.TestEvents;
import io.streamrec.schemas.Topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Personalize sink on a real Connect worker ({@link EmbeddedConnectCluster}, in-JVM broker) against a local server
 * that checks Personalize's restJson1 protocol and answers throttling, 5xx and InvalidInputException.
 */
class PersonalizeSinkIntegrationTest {
    private static final String TRACKING_ID = "0f2c7d3e-tracking";
    private static final String ITEMS_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset/shop/ITEMS";
    private static final String USERS_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset/shop/USERS";
    private static final String DLQ = "personalize-dlq";
    private static final long T0 = 1_700_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedConnectCluster connect;
    private static PersonalizeProtocolServer personalize;

    @BeforeAll
    static void start() {
        connect = new EmbeddedConnectCluster.Builder().name("personalize-it").numWorkers(1).numBrokers(1)
                .brokerProps(TestEvents.brokerProps())
                .workerProps(new HashMap<>(Map.of("offset.flush.interval.ms", "500", "plugin.discovery", "service_load")))
                .build();
        connect.start();
        connect.kafka().createTopic(Topics.EVENTS, 3);
        connect.kafka().createTopic(Topics.ITEMS, 1);
        connect.kafka().createTopic(Topics.USERS, 1);
        connect.kafka().createTopic(DLQ, 1);
        personalize = PersonalizeProtocolServer.start(TRACKING_ID);
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.stop();
        }
        if (personalize != null) {
            personalize.close();
        }
    }

    static Map<String, String> connectorConfig() {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", PersonalizeSinkConnector.class.getName());
        c.put("tasks.max", "2");
        c.put("topics", Topics.EVENTS + "," + Topics.ITEMS + "," + Topics.USERS);
        c.put("key.converter", StringConverter.class.getName());
        c.put("value.converter", StreamrecAvroConverter.class.getName());
        c.put("consumer.override.isolation.level", "read_committed");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", DLQ);
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put(PersonalizeSinkConfig.TRACKING_ID, TRACKING_ID);
        c.put(PersonalizeSinkConfig.ITEMS_DATASET_ARN, ITEMS_ARN);
        c.put(PersonalizeSinkConfig.USERS_DATASET_ARN, USERS_ARN);
        c.put("personalize.endpoint", personalize.endpoint());
        c.put(PersonalizeSinkConfig.MAX_RETRIES, "2");
        // one request at a time: the five faults in a row exhaust one batch's retries, so it goes back to Connect
        c.put(PersonalizeSinkConfig.MAX_IN_FLIGHT, "1");
        c.put(PersonalizeSinkConfig.RETRY_BACKOFF_MS, "5");
        c.put(PersonalizeSinkConfig.RETRY_BACKOFF_MAX_MS, "50");
        return c;
    }

    @Test
    void everyEventArrivesOnceAfterFaultsAndTheBadRecordsAreInTheDeadLetterQueue() throws Exception {
        // 40 users with 6 events each, 10 anonymous sessions with 3 events each; every 7th event has no eventId
        List<ClickEvent> events = new ArrayList<>();
        int n = 0;
        for (int u = 0; u < 40; u++) {
            for (int i = 0; i < 6; i++, n++) {
                String type = i == 5 ? "purchase" : "view";
                ClickEvent.Builder e = TestEvents.event(n % 7 == 3 ? "" : "ev-" + n, "user-" + u, "item-" + (n % 17),
                        type, T0 + n * 1000L);
                e.setSessionId("s-" + u);
                if (type.equals("purchase")) {
                    e.setPrice(2.5).setQuantity(4);
                    e.setProperties(Map.of("channel", "web", "userId", "reserved-key-left-out"));
                }
                events.add(e.build());
            }
        }
        for (int s = 0; s < 10; s++) {
            for (int i = 0; i < 3; i++, n++) {
                events.add(TestEvents.event("ev-" + n, null, "item-" + (n % 17), "click", T0 + n * 1000L)
                        .setSessionId("anon-" + s).setImpression(List.of("item-1", "item-2")).build());
            }
        }
        ClickEvent poison = TestEvents.event("ev-poison", "user-3", "item-BROKEN", "view", T0).setSessionId("s-3").build();
        personalize.rejectItem("item-BROKEN");
        // throttling, then 5xx: more consecutive failures than max.retries, so one batch goes back to Connect
        personalize.fail(Fault.THROTTLING, Fault.INTERNAL_ERROR, Fault.UNAVAILABLE, Fault.THROTTLING, Fault.INTERNAL_ERROR);

        try (KafkaProducer<String, byte[]> producer = TestEvents.producer(connect.kafka().bootstrapServers())) {
            List<ClickEvent> withPoison = new ArrayList<>(events);
            withPoison.add(100, poison);
            TestEvents.send(producer, Topics.EVENTS, null, withPoison);
            TestEvents.sendRaw(producer, Topics.EVENTS, "user-9", "not avro".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 12; i++) {
                TestEvents.sendItem(producer, Item.newBuilder().setItemId("item-" + i).setTitle("Item " + i)
                        .setCategory("cat-" + (i % 3)).setPrice(1.0 + i).setCreated(T0).setAvailable(true).build());
            }
            for (int i = 0; i < 3; i++) {
                TestEvents.sendUser(producer, User.newBuilder().setUserId("user-" + i)
                        .setAttributes(Map.of("tier", "gold")).setUpdated(T0).build());
            }
        }

        connect.configureConnector("personalize", connectorConfig());
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("personalize", 2, "connector did not start");

        Set<String> expectedIds = new TreeSet<>();
        Map<String, ClickEvent> byId = new HashMap<>();
        for (ClickEvent e : events) {
            if (!e.getEventId().isEmpty()) {
                expectedIds.add(e.getEventId());
                byId.put(e.getEventId(), e);
            }
        }
        int derived = events.size() - expectedIds.size();
        TestUtils.waitForCondition(() -> personalize.acceptedEventCounts().size() == events.size()
                        && personalize.items().size() == 12 && personalize.users().size() == 3, 60_000,
                () -> "accepted " + personalize.acceptedEventCounts().size() + " of " + events.size() + " events, "
                        + personalize.items().size() + " items, " + personalize.users().size() + " users, " + personalize.requests()
                        + " requests, " + personalize.faultsServed() + " faults served; violations "
                        + personalize.violations() + "; status " + status("personalize"));

        assertEquals(List.of(), personalize.violations(), "requests that broke the protocol");
        assertEquals(0, personalize.faultsQueued(), "every scripted fault was served");
        assertEquals(5, personalize.faultsServed());
        Map<String, Integer> counts = personalize.acceptedEventCounts();
        assertEquals(Map.of(), counts.entrySet().stream().filter(e -> e.getValue() != 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "events accepted more than once");
        assertTrue(counts.keySet().containsAll(expectedIds));
        List<String> derivedIds = counts.keySet().stream().filter(id -> id.startsWith(Topics.EVENTS + "-")).toList();
        assertEquals(derived, derivedIds.size(), "events without an eventId get topic-partition-offset: " + derivedIds);

        // field mapping, as the server received it
        JsonNode purchase = personalize.event("ev-5");
        assertEquals("purchase", purchase.get("eventType").asText());
        assertEquals(10.0, purchase.get("eventValue").asDouble(), 1e-6, "price x quantity");
        assertEquals((T0 + 5000) / 1000.0, purchase.get("sentAt").asDouble(), 1e-3);
        assertEquals(Map.of("channel", "web"), JSON.readValue(purchase.get("properties").asText(), Map.class));
        assertEquals("user-0", purchase.get("_userId").asText());
        assertEquals("s-0", purchase.get("_sessionId").asText());
        JsonNode anonymous = personalize.event("ev-240");
        assertTrue(anonymous.get("_userId").isNull(), "anonymous events have no userId");
        assertEquals("anon-0", anonymous.get("_sessionId").asText());
        assertEquals("[\"item-1\",\"item-2\"]", anonymous.get("impression").toString());
        assertEquals(Map.of("title", "Item 4", "category", "cat-1", "price", 5.0, "creationTimestamp", 1700000000),
                JSON.readValue(personalize.items().get("item-4").get("properties").asText(), Map.class));
        assertEquals("{\"tier\":\"gold\"}", personalize.users().get("user-1").get("properties").asText());

        // the DLQ: the record Personalize refused (found by splitting its batch) and the one that is not Avro
        ConsumerRecords<byte[], byte[]> dlq = connect.kafka().consume(2, 30_000, DLQ);
        Map<String, ConsumerRecord<byte[], byte[]>> dlqByKey = new HashMap<>();
        dlq.forEach(r -> dlqByKey.put(new String(r.key(), StandardCharsets.UTF_8), r));
        ConsumerRecord<byte[], byte[]> refused = dlqByKey.get("user-3");
        assertNotNull(refused, "the refused event is in the DLQ");
        assertArrayEquals(io.streamrec.schemas.Serdes.CLICK_EVENT.serialize(Topics.EVENTS, poison), refused.value());
        assertTrue(header(refused, "__connect.errors.exception.message").contains(
                "PutEvents InvalidInputException: Item ID item-BROKEN does not match"), header(refused,
                "__connect.errors.exception.message"));
        ConsumerRecord<byte[], byte[]> undecodable = dlqByKey.get("user-9");
        assertNotNull(undecodable, "the undecodable record is in the DLQ");
        assertEquals("not avro", new String(undecodable.value(), StandardCharsets.UTF_8));
        assertTrue(header(undecodable, "__connect.errors.exception.message").contains("not a streamrec ClickEvent"));
        assertTrue(personalize.invalidInputServed() >= 2, "the poison's batch was split: "
                + personalize.invalidInputServed() + " InvalidInputException answers");

        // offsets: committed up to the end of every partition once all was accepted or dead-lettered
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", connect.kafka().bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                latest.put(new TopicPartition(Topics.EVENTS, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            TestUtils.waitForCondition(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-personalize")
                        .partitionsToOffsetAndMetadata().get();
                return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() == e.getValue());
            }, 30_000, "offsets were not committed to the end " + ends);
        }
        connect.deleteConnector("personalize");
    }

    @Test
    void missingTrackingIdAndUnknownTopicAreReportedNamingTheSetting() {
        Map<String, String> config = connectorConfig();
        config.put("name", "invalid");
        config.remove(PersonalizeSinkConfig.TRACKING_ID);
        config.put("topics", Topics.EVENTS + ",streamrec.other");
        config.put(PersonalizeSinkConfig.EVENTS_RATE, "5000");
        ConfigInfos infos = connect.validateConnectorConfig(PersonalizeSinkConnector.class.getSimpleName(), config);
        Map<String, List<String>> errors = new TreeMap<>();
        for (ConfigInfo info : infos.values()) {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        }
        assertEquals(Set.of(PersonalizeSinkConfig.TRACKING_ID, PersonalizeSinkConfig.EVENTS_RATE, "topics"),
                errors.keySet(), errors.toString());
        assertTrue(errors.get(PersonalizeSinkConfig.TRACKING_ID).get(0).contains("must be set"));
        assertTrue(errors.get("topics").toString().contains("streamrec.other"));
        assertTrue(errors.get(PersonalizeSinkConfig.EVENTS_RATE).get(0).contains("1000"));
    }

    private static String status(String connector) {
        try {
            return connect.connectorStatus(connector).tasks().stream()
                    .map(t -> t.id() + ":" + t.state() + (t.trace() == null ? "" : " " + t.trace())).toList().toString();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
