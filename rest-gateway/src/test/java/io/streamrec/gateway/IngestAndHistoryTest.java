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
import org.apache.kafka.common.serialization.StringSerializer;
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
    }

    @Test
    void unknownUserHasEmptyHistoryAndBadParametersAreNamed() {
        history("nobody-" + UUID.randomUUID()).then().statusCode(200).body("count", equalTo(0)).body("items", equalTo(List.of()));
        given().queryParam("limit", 0).get("/users/u/history").then().statusCode(400)
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

    @Test
    void recordsThatCannotBeReadGoToTheDlq() throws Exception {
        String payload = "{not avro " + UUID.randomUUID() + "}";
        Map<String, Object> props = new HashMap<>(KafkaResource.kafka().producerProps());
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.EVENTS, "u", payload.getBytes(StandardCharsets.UTF_8))).get();
        }
        var dead = KafkaResource.kafka().readAll(Topics.EVENTS_DLQ, 1, Duration.ofSeconds(30)).stream()
                .filter(r -> payload.equals(new String(r.value(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
        assertEquals("deserialize", new String(dead.headers().lastHeader(Topics.HEADER_ERROR_STAGE).value(), StandardCharsets.UTF_8));
        assertEquals(Topics.EVENTS, new String(dead.headers().lastHeader(Topics.HEADER_SOURCE_TOPIC).value(), StandardCharsets.UTF_8));
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
