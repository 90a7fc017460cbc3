package io.streamrec.gateway;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.streamrec.testsupport.KafkaResource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code streamrec.recommender=personalize}: {@code GET /recommendations} through the real AWS SDK to a local server
 * speaking Personalize runtime's restJson1 GetRecommendations; Personalize's items, scores and recommendationId come
 * back, streamrec's filters and count map to the request, and a failing Personalize falls back to streamrec's ranking,
 * the {@code ranker} saying so and the fallback counted.
 */
@QuarkusTest
@TestProfile(PersonalizeRecommenderTest.Profile.class)
@QuarkusTestResource(KafkaResource.class)
class PersonalizeRecommenderTest {
    static final String CAMPAIGN = "arn:aws:personalize:eu-west-1:123456789012:campaign/test-campaign";
    static final String FILTER = "arn:aws:personalize:eu-west-1:123456789012:filter/by-category";
    // Quarkus loads this class twice (the profile's copy runs the server, the test's copy asserts): they share what the
    // server saw and whether it fails through system properties
    static final String PATH = "streamrec.test.personalize.path";
    static final String BODY = "streamrec.test.personalize.body";
    static final String FAILING = "streamrec.test.personalize.failing";
    static final HttpServer SERVER = start();

    private static HttpServer start() {
        return LocalAwsServer.start("/", exchange -> {
            System.setProperty(PATH, exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            System.setProperty(BODY, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean failing = Boolean.getBoolean(FAILING);
            byte[] answer = (failing ? "{\"message\":\"Internal error\"}"
                    : "{\"itemList\":[{\"itemId\":\"pz-1\",\"score\":0.75},{\"itemId\":\"pz-2\",\"score\":0.25}],"
                    + "\"recommendationId\":\"RID-personalize-1\"}").getBytes(StandardCharsets.UTF_8);
            LocalAwsServer.answer(exchange, failing ? 500 : 200, "application/json", answer);
        });
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("streamrec.recommender", "personalize",
                    "streamrec.personalize.arn", CAMPAIGN,
                    "streamrec.personalize.filter-arn", FILTER,
                    "streamrec.personalize.endpoint-override", "http://127.0.0.1:" + SERVER.getAddress().getPort(),
                    "streamrec.personalize.timeout", "5s");
        }
    }

    private static JsonPath get(String path) {
        return TestKeys.given().get(path).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath body() {
        return new JsonPath(System.getProperty(BODY));
    }

    @Test
    void personalizeAnswersWithItsItemsAndIdAndAFailureFallsBack() {
        System.setProperty(FAILING, "false");
        io.streamrec.testsupport.Wait.until("the item side is ready", Duration.ofSeconds(60), () ->
                TestKeys.given().get("/recommendations/u-pz?count=3").statusCode() == 200);

        JsonPath r = get("/recommendations/u-pz?count=3&context.DEVICE=mobile");
        assertEquals("personalize:test-campaign", r.getString("ranker"));
        assertEquals("RID-personalize-1", r.getString("recommendationId"));
        assertEquals(List.of("pz-1", "pz-2"), r.getList("items.itemId").subList(0, 2));
        assertEquals(0.75, r.getDouble("items[0].score"), 1e-9);
        assertEquals("personalize", r.getString("items[0].reason"));
        assertEquals("POST /recommendations", System.getProperty(PATH));
        JsonPath sent = body();
        assertEquals(CAMPAIGN, sent.getString("campaignArn"));
        assertEquals("u-pz", sent.getString("userId"));
        assertEquals(3, sent.getInt("numResults"));
        assertEquals(FILTER, sent.getString("filterArn"));
        assertEquals("mobile", sent.getString("context.DEVICE"));

        // a category filter: the parameter goes to Personalize, more items are asked for, and streamrec's own filter
        // drops what the catalog does not put in that category (neither pz item is in it)
        JsonPath filtered = get("/recommendations/u-pz?count=4&category=Lamps&maxPrice=20");
        assertEquals(12, body().getInt("numResults"));
        assertEquals("\"Lamps\"", body().getString("filterValues.CATEGORY"));
        assertEquals("20", body().getString("filterValues.MAX_PRICE"));
        assertTrue(!filtered.getList("items.itemId").contains("pz-1"), "filtered out: " + filtered.getList("items.itemId"));

        TestKeys.given().get("/recommendations/u-pz?context.BAD-NAME=x").then().statusCode(400);

        System.setProperty(FAILING, "true");
        JsonPath fallback = get("/recommendations/u-pz?count=3");
        assertEquals("retrieval (personalize fallback: error)", fallback.getString("ranker"));
        assertTrue(!fallback.getString("recommendationId").equals("RID-personalize-1"));
        String metrics = TestKeys.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("streamrec_personalize_fallbacks_total{reason=\"error\"}"), "fallback counted");
        System.setProperty(FAILING, "false");
    }
}
