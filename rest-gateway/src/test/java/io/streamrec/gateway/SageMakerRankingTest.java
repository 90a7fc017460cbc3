package io.streamrec.gateway;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.streamrec.recommend.Features;
import io.streamrec.testsupport.KafkaResource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code streamrec.ranker=sagemaker}: the gateway calls InvokeEndpoint through the real AWS SDK, pointed by
 * {@code streamrec.sagemaker.endpoint-override} at a local server that answers as SageMaker's XGBoost container
 * does (one CSV score per row). When the endpoint fails, the fallback is counted in the metrics.
 */
@QuarkusTest
@TestProfile(SageMakerRankingTest.Profile.class)
@QuarkusTestResource(KafkaResource.class)
class SageMakerRankingTest {
    static final String ENDPOINT = "streamrec-ranker-test";
    // Quarkus loads this class twice (the profile's copy runs the server, the test's copy asserts): they share what the
    // server saw and whether it fails through system properties
    static final String CONTENT_TYPE = "streamrec.test.sagemaker.content-type";
    static final String BODY = "streamrec.test.sagemaker.body";
    static final String FAILING = "streamrec.test.sagemaker.failing";
    static final HttpServer SERVER = start();

    /** Answers row i with the score 100 + i, so the answer shows the endpoint's scores were used. */
    private static HttpServer start() {
        return LocalAwsServer.start("/endpoints/" + ENDPOINT + "/invocations", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            System.setProperty(CONTENT_TYPE, String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            System.setProperty(BODY, body);
            boolean failing = Boolean.getBoolean(FAILING);
            byte[] answer;
            int status = failing ? 500 : 200;
            if (failing) {
                answer = "{\"ErrorCode\":\"INTERNAL_FAILURE_FROM_MODEL\",\"Message\":\"boom\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                String[] rows = body.split("\n");
                StringBuilder csv = new StringBuilder();
                for (int i = 0; i < rows.length; i++) {
                    csv.append(i == 0 ? "" : "\n").append(100 + i);
                }
                answer = csv.toString().getBytes(StandardCharsets.UTF_8);
            }
            LocalAwsServer.answer(exchange, status, failing ? "application/json" : "text/csv", answer);
        });
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("streamrec.ranker", "sagemaker",
                    "streamrec.sagemaker.endpoint", ENDPOINT,
                    "streamrec.sagemaker.region", "eu-west-1",
                    "streamrec.sagemaker.endpoint-override", "http://127.0.0.1:" + SERVER.getAddress().getPort(),
                    "streamrec.sagemaker.timeout", "5s");
        }
    }

    @Test
    void scoresComeFromTheEndpointAndAFailureFallsBackAndIsCounted() {
        String item = "sm-" + UUID.randomUUID();
        String user = "sm-user-" + UUID.randomUUID();
        TestKeys.given().contentType(ContentType.JSON)
                .body("[{\"userId\":\"" + user + "\",\"itemId\":\"" + item + "\",\"eventType\":\"purchase\"}]")
                .post("/events").then().statusCode(202);
        io.streamrec.testsupport.Wait.until("the user's item is a candidate", java.time.Duration.ofSeconds(30), () ->
                TestKeys.given().get("/recommendations/{u}?count=50", user).jsonPath().getList("items.itemId").contains(item));

        System.setProperty(FAILING, "false");
        JsonPath r = TestKeys.given().get("/recommendations/{u}?count=3", user).then().statusCode(200).extract().jsonPath();
        assertEquals("sagemaker:" + ENDPOINT, r.getString("ranker"));
        int scored = Math.min(300, r.getInt("candidates"));
        assertEquals(100.0 + scored - 1, r.getDouble("items[0].score"), 1e-9, "the last row got the highest score");
        assertEquals("text/csv", System.getProperty(CONTENT_TYPE));
        List<String> rows = List.of(System.getProperty(BODY).split("\n"));
        assertEquals(scored, rows.size());
        assertEquals(Features.SIZE, rows.get(0).split(",", -1).length, "one CSV column per feature, no label");

        System.setProperty(FAILING, "true");
        JsonPath fallback = TestKeys.given().get("/recommendations/{u}?count=3", user).then().statusCode(200).extract().jsonPath();
        // no local model in this profile's models directory: the retrieval score ranks, and says so
        assertEquals("retrieval", fallback.getString("ranker"));
        String metrics = TestKeys.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("streamrec_ranker_fallbacks_total{ranker=\"sagemaker\",reason=\"error\"}"), "fallback counted");
        TestKeys.given().get("/models").then().statusCode(200).body(containsString("\"ranker\":\"sagemaker\""));
    }
}
