package io.streamrec.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.streamrec.schemas.Topics;
import io.streamrec.testsupport.KafkaResource;
import io.streamrec.testsupport.Wait;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.streamrec.gateway.TestKeys.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ingestion endpoint end to end against a real broker in this JVM, and history answered from the live store. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class IngestAndHistoryTest {

    /** Recent event times: older than the 30-day retention (measured against stream time) would not be kept. */
    private static final long T = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minusSeconds(3600).toEpochMilli();
    private static final String T_ISO = java.time.Instant.ofEpochMilli(T).toString();

    private static String user() {
        return "user-" + UUID.randomUUID();
    }

    private static Response history(String user) {
        return given().get("/users/{id}/history", user);
    }

    private static void waitForHistory(String user, int count) {
        Wait.until("history of " + user + " has " + count + " entries", Duration.ofSeconds(30),
                () -> history(user).jsonPath().getInt("count") == count);
    }

    @Test
    void acceptedEventsAppearInHistoryNewestFirst() {
        String u = user();
        given().contentType(ContentType.JSON)
                .body("[{\"eventId\":\"a-" + u + "\",\"userId\":\"" + u + "\",\"itemId\":\"A\",\"eventType\":\"view\",\"timestamp\":\"" + T_ISO + "\"},"
                        + "{\"userId\":\"" + u + "\",\"itemId\":\"B\",\"eventType\":\"purchase\",\"timestamp\":" + (T + 60000) + ",\"price\":2.5,\"quantity\":3}]")
                .post("/events")
                .then().statusCode(202).body("accepted", equalTo(2)).body("eventIds[0]", equalTo("a-" + u));

        waitForHistory(u, 2);
        history(u).then().statusCode(200)
                .body("userId", equalTo(u))
                .body("items[0].itemId", equalTo("B")).body("items[0].eventType", equalTo("purchase"))
                .body("items[0].timestamp", equalTo(T + 60000)).body("items[0].time", equalTo(java.time.Instant.ofEpochMilli(T + 60000).toString()))
                .body("items[1].itemId", equalTo("A")).body("items[1].timestamp", equalTo(T));

        // the Kafka record carries the event time, which drives stream time (retention, decay)
        var record = KafkaResource.kafka().readAll(Topics.EVENTS, 1, Duration.ofSeconds(10)).stream()
                .filter(r -> new String(r.value(), StandardCharsets.ISO_8859_1).contains("a-" + u)).findFirst().orElseThrow();
        assertEquals(T, record.timestamp());

        given().queryParam("eventType", "purchase").get("/users/{id}/history", u).then()
                .body("count", equalTo(1)).body("items[0].itemId", equalTo("B"));
        given().queryParam("limit", 1).get("/users/{id}/history", u).then()
                .body("count", equalTo(1)).body("items[0].itemId", equalTo("B"));
    }

    @Test
    void resentEventIdIsCountedOnce() {
        String u = user();
        String body = "{\"eventId\":\"dup-" + u + "\",\"userId\":\"" + u + "\",\"itemId\":\"A\",\"eventType\":\"view\",\"timestamp\":" + T + "}";
        given().contentType(ContentType.JSON).body(body).post("/events").then().statusCode(202);
        given().contentType(ContentType.JSON).body(body).post("/events").then().statusCode(202);
        given().contentType(ContentType.JSON)
                .body("{\"userId\":\"" + u + "\",\"itemId\":\"Z\",\"eventType\":\"view\",\"timestamp\":" + (T + 1000) + "}")
                .post("/events").then().statusCode(202);
        waitForHistory(u, 2);
        history(u).then().body("items.itemId", equalTo(List.of("Z", "A")));
    }

    @Test
    void invalidBatchIsRejectedWholeAndNothingIsWritten() throws Exception {
        long before = endOffsets(Topics.EVENTS);
        String u = user();
        given().contentType(ContentType.JSON)
                .body("[{\"userId\":\"" + u + "\",\"itemId\":\"A\",\"eventType\":\"view\"},"
                        + "{\"userId\":\"" + u + "\",\"eventType\":\"purchase\"},"
                        + "{\"itemId\":\"C\",\"eventType\":\"teleport\",\"timestamp\":\"yesterday\"}]")
                .post("/events")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors[0].index", equalTo(1)).body("errors[0].field", equalTo("itemId"))
                .body("errors[0].reason", equalTo("is required for 'purchase' events"))
                .body("errors[1].index", equalTo(2)).body("errors[1].field", equalTo("timestamp"))
                .body("errors.size()", equalTo(2));
        assertEquals(before, endOffsets(Topics.EVENTS));
        history(u).then().statusCode(200).body("count", equalTo(0));
    }

    @Test
    void malformedAndOversizedRequestsGetProblems() {
        given().contentType(ContentType.JSON).body("{\"userId\": ").post("/events").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Malformed JSON"));
        given().contentType(ContentType.JSON).body("{\"userId\":\"u\",\"itemId\":\"i\",\"eventType\":\"view\",\"colour\":\"red\"}")
                .post("/events").then().statusCode(400).body("errors[0].field", equalTo("colour"))
                .body("errors[0].reason", equalTo("unknown field"));
        given().contentType(ContentType.JSON)
                .body("{\"userId\":\"u\",\"itemId\":\"i\",\"eventType\":\"view\",\"timestamp\":" + (System.currentTimeMillis() + 7_200_000L) + "}")
                .post("/events").then().statusCode(400).body("errors[0].field", equalTo("timestamp"))
                .body("errors[0].reason", equalTo("more than 1 hour in the future"));
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            big.append(i == 0 ? "" : ",").append("{\"userId\":\"u\",\"itemId\":\"i\",\"eventType\":\"view\"}");
        }
        given().contentType(ContentType.JSON).body(big.append("]").toString()).post("/events").then().statusCode(400)
                .body("detail", equalTo("at most 1000 events per request, got 1001"));
        String huge = "{\"userId\":\"u\",\"itemId\":\"i\",\"eventType\":\"view\",\"text\":\"" + "x".repeat(1_100_000) + "\"}";
        given().contentType(ContentType.JSON).body(huge).post("/events").then().statusCode(413)
                .contentType("application/problem+json");
        // what answered 500 with a stack trace, or without a problem document, before the exception mappers
        given().contentType(ContentType.JSON).body("[".repeat(5000) + "]".repeat(5000)).post("/events").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Malformed JSON")).body("errors[0].field", equalTo("$"));
        given().contentType(ContentType.JSON).body("x".repeat(3_000_000)).post("/events").then().statusCode(413)
                .contentType("application/problem+json").body("detail", equalTo("at most 2097152 bytes per request, got 3000000"));
        given().contentType(ContentType.TEXT).body("{}").post("/events").then().statusCode(415)
                .contentType("application/problem+json").body("status", equalTo(415));
        given().get("/no/such/endpoint").then().statusCode(404)
                .contentType("application/problem+json").body("detail", startsWith("no endpoint at GET /no/such/endpoint"));
    }

    @Test
    void unknownUserHasEmptyHistoryAndBadParametersAreNamed() {
        history("nobody-" + UUID.randomUUID()).then().statusCode(200).body("count", equalTo(0)).body("items", equalTo(List.of()));
        given().queryParam("limit", 0).get("/users/u/history").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        given().queryParam("limit", "abc").get("/users/u/history").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        given().queryParam("eventType", "teleport").get("/users/u/history").then().statusCode(400)
                .body("errors[0].field", equalTo("eventType"));
    }

    @Test
    void anErasedUserIsAnsweredAsUnknownAndOthersStay() {
        String u = user();
        String other = user();
        given().contentType(ContentType.JSON)
                .body("[{\"userId\":\"" + u + "\",\"itemId\":\"A\",\"eventType\":\"view\",\"timestamp\":" + T + "},"
                        + "{\"userId\":\"" + u + "\",\"itemId\":\"B\",\"eventType\":\"purchase\",\"timestamp\":" + (T + 1000) + "},"
                        + "{\"userId\":\"" + other + "\",\"itemId\":\"A\",\"eventType\":\"view\",\"timestamp\":" + T + "}]")
                .post("/events").then().statusCode(202);
        waitForHistory(u, 2);
        waitForHistory(other, 1);

        // a query key may not erase; an admin may
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + TestKeys.QUERY).delete("/users/{id}", u)
                .then().statusCode(403).contentType("application/problem+json");
        given().delete("/users/{id}", u).then().statusCode(202)
                .body("userKeyHash", equalTo(io.streamrec.schemas.Erasures.hash(u))).body("status", equalTo("accepted"))
                .body("requestId", org.hamcrest.Matchers.notNullValue());

        waitForHistory(u, 0);
        String nobody = user();
        assertEquals(given().get("/users/{id}/features", nobody).then().statusCode(200).extract().asString().replace(nobody, "ID"),
                given().get("/users/{id}/features", u).then().statusCode(200).extract().asString().replace(u, "ID"),
                "an erased user's features are an unknown user's");
        history(other).then().body("count", equalTo(1));
        given().delete("/users/{id}", "x".repeat(257)).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("id"));
    }

    @Test
    void anonymousSessionEventsAreKeptUnderTheSession() {
        String session = "s-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body("{\"sessionId\":\"" + session + "\",\"itemId\":\"X\",\"eventType\":\"add_to_cart\"}")
                .post("/events").then().statusCode(202);
        waitForHistory(session, 1);
    }

    @Test
    void itemsAndUsersAreUpserted() throws Exception {
        long before = endOffsets(Topics.ITEMS);
        given().contentType(ContentType.JSON)
                .body("[{\"itemId\":\"85123A\",\"title\":\"WHITE HANGING HEART T-LIGHT HOLDER\",\"price\":2.55,\"category\":\"home\"},{\"itemId\":\"71053\",\"title\":\"WHITE METAL LANTERN\"}]")
                .post("/items").then().statusCode(202).body("accepted", equalTo(2));
        assertEquals(before + 2, endOffsets(Topics.ITEMS));
        given().contentType(ContentType.JSON).body("{\"title\":\"no id\"}").post("/items").then().statusCode(400)
                .body("errors[0].field", equalTo("itemId"));
        given().contentType(ContentType.JSON).body("{\"userId\":\"17850\",\"attributes\":{\"country\":\"United Kingdom\"}}")
                .post("/users").then().statusCode(202);
    }

    /**
     * Raw producers writing what the gateway would never accept: every record that cannot be read or is invalid lands in
     * the DLQ with its stage, field and reason; records keyed wrong (or not at all) are re-keyed and processed; and the
     * valid events written after all of them are processed.
     */
    @Test
    void rawProducersGarbageGoesToTheDlqWithReasonsAndProcessingGoesOn() throws Exception {
        String run = UUID.randomUUID().toString();
        String u = user();
        java.util.Random random = new java.util.Random(run.hashCode());
        byte[] garbage = ("{not avro " + run + "}").getBytes(StandardCharsets.UTF_8);
        byte[] randomBytes = new byte[200];
        random.nextBytes(randomBytes);
        byte[] huge = new byte[700_000];
        random.nextBytes(huge);
        byte[] valid = io.streamrec.schemas.Serdes.CLICK_EVENT.serialize(Topics.EVENTS, event("valid-" + run, u, "A").build());
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 3);
        byte[] unknownSchema = valid.clone();
        unknownSchema[2] ^= (byte) 0xFF; // another fingerprint: a schema no reader knows
        // what each bad record is, and the stage and field its DLQ record must name
        record Bad(String key, byte[] value, String stage, String field, boolean command) {
        }
        List<Bad> bad = List.of(
                new Bad("garbage-" + run, garbage, "deserialize", "value", false),
                new Bad("random-" + run, randomBytes, "deserialize", "value", false),
                new Bad("huge-" + run, huge, "deserialize", "value", false),
                new Bad("empty-" + run, new byte[0], "deserialize", "value", false),
                new Bad("tombstone-" + run, null, "deserialize", "value", false),
                new Bad("truncated-" + run, truncated, "deserialize", "value", false),
                new Bad("fingerprint-" + run, unknownSchema, "deserialize", "value", false),
                new Bad("no-item-" + run, avro(event("no-item-" + run, u, null)), "validate", "itemId", false),
                new Bad("no-user-" + run, avro(event("no-user-" + run, null, "A")), "validate", "userId", false),
                new Bad("bad-type-" + run, avro(event("bad-type-" + run, u, "A").setEventType("teleport")), "validate", "eventType", false),
                new Bad("huge-text-" + run, avro(event("huge-text-" + run, u, "A").setText("t".repeat(500_000))), "validate", "text", false),
                new Bad("command-" + run, garbage, "deserialize", "value", true));
        Map<String, Object> props = new HashMap<>(KafkaResource.kafka().producerProps());
        props.put("max.request.size", 2_000_000);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Bad b : bad) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(Topics.EVENTS, b.key().getBytes(StandardCharsets.UTF_8), b.value());
                if (b.command()) {
                    r.headers().add(Topics.HEADER_COMMAND, Topics.HEADER_COMMAND_ERASE.getBytes(StandardCharsets.UTF_8));
                }
                p.send(r).get();
            }
            // valid events keyed wrong and not keyed at all: re-keyed under the user, then processed
            p.send(new ProducerRecord<>(Topics.EVENTS, "someone-else".getBytes(StandardCharsets.UTF_8),
                    avro(event("wrong-key-" + run, u, "B").setTimestamp(T + 1000)))).get();
            p.send(new ProducerRecord<>(Topics.EVENTS, null, avro(event("no-key-" + run, u, "C").setTimestamp(T + 2000)))).get();
            // and valid events after all the bad ones
            p.send(new ProducerRecord<>(Topics.EVENTS, u.getBytes(StandardCharsets.UTF_8), valid)).get();
            p.send(new ProducerRecord<>(Topics.EVENTS, u.getBytes(StandardCharsets.UTF_8),
                    avro(event("after-" + run, u, "D").setTimestamp(T + 3000)))).get();
        }

        waitForHistory(u, 4);
        history(u).then().body("items.itemId", equalTo(List.of("D", "C", "B", "A")));

        Map<String, ConsumerRecordView> dead = new HashMap<>();
        Wait.until("every bad record in " + Topics.EVENTS_DLQ, Duration.ofSeconds(60), () -> {
            dead.clear();
            for (var r : KafkaResource.kafka().readAll(Topics.EVENTS_DLQ, 1, Duration.ofSeconds(10))) {
                String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                if (key.endsWith(run)) {
                    dead.put(key, new ConsumerRecordView(r));
                }
            }
            return dead.size() >= bad.size();
        });
        assertEquals(bad.size(), dead.size(), "one DLQ record per bad record, no more: " + dead.keySet());
        for (Bad b : bad) {
            ConsumerRecordView d = dead.get(b.key());
            assertEquals(b.stage(), d.header(Topics.HEADER_ERROR_STAGE), b.key());
            assertEquals(b.field(), d.header(Topics.HEADER_ERROR_FIELD), b.key());
            org.junit.jupiter.api.Assertions.assertFalse(d.header(Topics.HEADER_ERROR_REASON).isBlank(), b.key() + " has a reason");
            assertEquals(Topics.EVENTS, d.header(Topics.HEADER_SOURCE_TOPIC), b.key());
            org.junit.jupiter.api.Assertions.assertNotNull(d.header(Topics.HEADER_SOURCE_OFFSET), b.key());
            org.junit.jupiter.api.Assertions.assertArrayEquals(b.value() == null || b.value().length == 0 ? null : b.value(),
                    d.value() == null || d.value().length == 0 ? null : d.value(), b.key() + ": the DLQ keeps the bytes as written");
        }
        assertEquals("text: longer than 10000 characters", dead.get("huge-text-" + run).header(Topics.HEADER_ERROR_REASON));
        assertEquals("record has no value", dead.get("tombstone-" + run).header(Topics.HEADER_ERROR_REASON));
    }

    /** A DLQ record's value and headers. */
    private record ConsumerRecordView(byte[] value, Map<String, String> headers) {
        ConsumerRecordView(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r) {
            this(r.value(), headersOf(r));
        }

        String header(String name) {
            return headers.get(name);
        }

        private static Map<String, String> headersOf(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r) {
            Map<String, String> out = new HashMap<>();
            r.headers().forEach(h -> out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
            return out;
        }
    }

    private static io.streamrec.avro.ClickEvent.Builder event(String eventId, String userId, String itemId) {
        return io.streamrec.avro.ClickEvent.newBuilder().setEventId(eventId).setUserId(userId).setItemId(itemId)
                .setEventType("view").setTimestamp(T);
    }

    private static byte[] avro(io.streamrec.avro.ClickEvent.Builder e) {
        return io.streamrec.schemas.Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e.build());
    }

    @Test
    void operationalEndpoints() {
        Wait.until("ready", Duration.ofSeconds(30), () -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/instances").then().statusCode(200)
                .body("state", equalTo("RUNNING"))
                .body("instances[0].self", equalTo(true))
                .body("instances[0].activePartitions", org.hamcrest.Matchers.hasItems("streamrec.events-0", "streamrec.events-1", "streamrec.events-2"))
                .body("instances[0].stores", hasItem("user-state-store"));
        given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString("streamrec_ingest_events"));
        given().get("/q/openapi").then().statusCode(200).body(org.hamcrest.Matchers.containsString("/users/{id}/history"));
        given().contentType(ContentType.JSON).body("").post("/events").then().statusCode(400)
                .body("errors[0].reason", startsWith("request body is empty"));
    }

    private static long endOffsets(String topic) {
        try {
            var admin = KafkaResource.kafka().admin();
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
