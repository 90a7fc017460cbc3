package io.streamrec.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.streamrec.ranker.ModelFiles;
import io.streamrec.testsupport.KafkaResource;
import io.streamrec.testsupport.Wait;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /recommendations and POST .../rank end to end on a real broker in this JVM, and the model lifecycle with real
 * models written by the ranker's trainer. Every test uses ids of its own: the application is shared.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(ModelsDirResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecommendationsTest {
    private static final long T = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.HOURS).toEpochMilli();
    private static final Set<String> REASONS = Set.of("personalized", "similar-to", "trending", "popular", "repurchase", "session");

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void post(String path, String json) {
        TestKeys.given().contentType(ContentType.JSON).body(json).post(path).then().statusCode(202);
    }

    private static String event(String user, String item, String type, long ts) {
        return "{\"userId\":\"" + user + "\",\"itemId\":\"" + item + "\",\"eventType\":\"" + type + "\",\"timestamp\":" + ts + "}";
    }

    private static JsonPath get(String path, Object... params) {
        return TestKeys.given().get(path, params).then().statusCode(200).extract().jsonPath();
    }

    /** Items a..: catalog entries, then u1 and u2 view a then b (so b follows a), and many users view the rest. */
    private static Map<String, String> world(String category) {
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        for (String k : List.of("a", "b", "c", "d", "e")) {
            ids.put(k, unique(k));
        }
        String other = unique("other-cat");
        for (Map.Entry<String, String> e : ids.entrySet()) {
            String cat = e.getKey().equals("b") || e.getKey().equals("c") ? other : category;
            double price = switch (e.getKey()) { case "a" -> 1.0; case "b" -> 2.0; case "c" -> 3.0; case "d" -> 4.0; default -> 5.0; };
            post("/items", "{\"itemId\":\"" + e.getValue() + "\",\"title\":\"t-" + e.getKey() + "\",\"category\":\"" + cat + "\",\"price\":" + price + "}");
        }
        List<String> events = new ArrayList<>();
        for (int u = 0; u < 3; u++) {
            String user = unique("w");
            events.add(event(user, ids.get("a"), "view", T + u));
            events.add(event(user, ids.get("b"), "view", T + u + 1));
            events.add(event(user, ids.get("c"), "view", T + u + 2));
        }
        for (int u = 0; u < 4; u++) {
            String user = unique("p");
            events.add(event(user, ids.get("d"), "purchase", T + 10 + u));
            events.add(event(user, ids.get("e"), "view", T + 10 + u));
        }
        post("/events", "[" + String.join(",", events) + "]");
        Wait.until("profiles of the world", Duration.ofSeconds(60), () -> {
            JsonPath r = get("/recommendations/{u}?count=50", unique("probe"));
            List<String> got = r.getList("items.itemId");
            return got.containsAll(List.of(ids.get("d"), ids.get("e")));
        });
        return ids;
    }

    @Test
    @Order(1)
    void aNewUserGetsPopularAndTrendingItemsEachWithItsReason() {
        Map<String, String> ids = world(unique("cat"));
        JsonPath r = get("/recommendations/{u}?count=5", unique("new-user"));
        assertNotNull(r.getString("recommendationId"));
        assertEquals("retrieval", r.getString("ranker"), "no model is loaded yet: ranked by retrieval score");
        assertEquals(5, r.getInt("count"));
        List<Map<String, Object>> items = r.getList("items");
        for (Map<String, Object> i : items) {
            assertTrue(Set.of("trending", "popular").contains(i.get("reason")), "a new user's reason: " + i);
        }
        // metadata from the catalog
        JsonPath all = get("/recommendations/{u}?count=100", unique("new-user"));
        int d = all.getList("items.itemId").indexOf(ids.get("d"));
        assertTrue(d >= 0);
        assertEquals("t-d", all.getString("items[" + d + "].title"));
        assertEquals(4.0, all.getDouble("items[" + d + "].price"), 1e-9);
    }

    @Test
    @Order(2)
    void aUserGetsTheItemsThatFollowWhatTheyViewedAndAnAnonymousSessionCounts() {
        Map<String, String> ids = world(unique("cat"));
        String user = unique("u");
        post("/events", "[" + event(user, ids.get("a"), "view", T + 100) + "]");
        Wait.until("b recommended after a", Duration.ofSeconds(30), () ->
                ids.get("b").equals(get("/recommendations/{u}?count=3&excludeSeen=true", user).getString("items[0].itemId")));
        JsonPath r = get("/recommendations/{u}?count=3&excludeSeen=true", user);
        assertEquals("similar-to", r.getString("items[0].reason"));
        assertEquals(ids.get("a"), r.getString("items[0].similarTo"));
        assertFalse(r.getList("items.itemId").contains(ids.get("a")), "excludeSeen");

        // an anonymous session (events keyed by sessionId) linked by the sessionId parameter
        String session = unique("s");
        post("/events", "[{\"sessionId\":\"" + session + "\",\"itemId\":\"" + ids.get("c") + "\",\"eventType\":\"view\",\"timestamp\":" + (T + 200) + "}]");
        String newUser = unique("new");
        Wait.until("session item recommended", Duration.ofSeconds(30), () ->
                get("/recommendations/{u}?count=50&sessionId=" + session, newUser).getList("items.itemId").contains(ids.get("c")));
        JsonPath s = get("/recommendations/{u}?count=50&sessionId=" + session, newUser);
        int c = s.getList("items.itemId").indexOf(ids.get("c"));
        assertEquals("session", s.getString("items[" + c + "].reason"));
    }

    @Test
    @Order(3)
    void filtersAreBackFilledAndNeverAnswerFewerItemsThanAsked() {
        String category = unique("cat");
        Map<String, String> ids = world(category);
        String user = unique("u");
        post("/events", "[" + event(user, ids.get("a"), "view", T + 100) + "]");
        Wait.until("user known", Duration.ofSeconds(30), () ->
                get("/recommendations/{u}?count=3&excludeSeen=true", user).getString("items[0].itemId").equals(ids.get("b")));
        // b and c (a's neighbors) are in another category: the category's items fill the list, marked as back-fill
        JsonPath r = get("/recommendations/{u}?count=3&category=" + category, user);
        assertEquals(3, r.getInt("count"));
        assertEquals(Set.of(category), new HashSet<>(r.getList("items.category")));
        assertTrue(r.getList("items.itemId").containsAll(List.of(ids.get("a"), ids.get("d"), ids.get("e"))));
        // price range 2..3: only b and c qualify
        JsonPath p = get("/recommendations/{u}?count=2&minPrice=2&maxPrice=3", user);
        assertEquals(Set.of(ids.get("b"), ids.get("c")), new HashSet<>(p.getList("items.itemId")));
        // many items asked: as many as exist are answered
        JsonPath many = get("/recommendations/{u}?count=500", user);
        assertTrue(many.getInt("count") >= 5);
        assertTrue(many.getList("items.reason").stream().allMatch(REASONS::contains), many.getList("items.reason").toString());

        // two rarely seen items of a new category: no source makes them candidates (only the top 2 popular and
        // trending items are, in this profile), so the popular list back-fills them, marked
        String rare = unique("rare-cat");
        String x = unique("x");
        String y = unique("y");
        for (String item : List.of(x, y)) {
            post("/items", "{\"itemId\":\"" + item + "\",\"category\":\"" + rare + "\",\"price\":7.5}");
        }
        post("/events", "[" + event(unique("v"), x, "view", T + 300) + "," + event(unique("v"), y, "view", T + 301) + "]");
        Wait.until("rare items back-filled", Duration.ofSeconds(30), () ->
                get("/recommendations/{u}?count=2&category=" + rare, user).getInt("count") == 2);
        JsonPath back = get("/recommendations/{u}?count=3&category=" + rare, user);
        assertEquals(2, back.getInt("count"), "only two items of the category exist");
        assertEquals(Set.of(x, y), new HashSet<>(back.getList("items.itemId")));
        assertEquals(List.of(true, true), back.getList("items.backfill"));
        assertEquals(List.of("popular", "popular"), back.getList("items.reason"));
    }

    @Test
    @Order(4)
    void badParametersAreProblemsNamingTheParameter() {
        String u = unique("u");
        for (String[] bad : new String[][] {{"count=0", "count"}, {"count=501", "count"}, {"count=x", "count"},
                {"minPrice=-1", "minPrice"}, {"maxPrice=abc", "maxPrice"}, {"minPrice=5&maxPrice=2", "maxPrice"},
                {"excludeSeen=maybe", "excludeSeen"}, {"excludePurchased=1", "excludePurchased"}}) {
            TestKeys.given().get("/recommendations/{u}?" + bad[0], u).then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo(bad[1]));
        }
        TestKeys.given().contentType(ContentType.JSON).body("{\"itemIds\":[]}").post("/recommendations/{u}/rank", u)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("itemIds"));
    }

    @Test
    @Order(5)
    void aRealModelIsLoadedOnReloadRanksAndListsItsMetrics() throws Exception {
        Map<String, String> ids = world(unique("cat"));
        Path model = ModelsDirResource.writeModel();
        String version = model.getFileName().toString();
        JsonPath reload = TestKeys.given().post("/admin/models/reload").then().statusCode(200).extract().jsonPath();
        assertTrue(reload.getBoolean("changed"));
        assertEquals(version, reload.getString("active"));

        JsonPath models = get("/models");
        assertEquals(version, models.getString("active"));
        assertEquals(version, models.getString("versions[0].version"));
        assertEquals("active", models.getString("versions[0].status"));
        assertTrue(models.getBoolean("versions[0].usable"));
        assertNotNull(models.get("versions[0].metrics.validation.model"));

        String user = unique("u");
        post("/events", "[" + event(user, ids.get("a"), "view", T + 100) + "]");
        Wait.until("ranked by the model", Duration.ofSeconds(30), () ->
                get("/recommendations/{u}?count=3", user).getString("ranker").equals("model:" + version));
        JsonPath r = get("/recommendations/{u}?count=3", user);
        assertEquals(version, r.getString("modelVersion"));
        List<Float> scores = r.getList("items.score", Float.class);
        for (int i = 1; i < scores.size(); i++) {
            assertTrue(scores.get(i - 1) >= scores.get(i), "sorted by model score: " + scores);
        }

        // /rank re-ranks exactly the given items with the same model
        JsonPath ranked = TestKeys.given().contentType(ContentType.JSON)
                .body("{\"itemIds\":[\"" + ids.get("e") + "\",\"" + ids.get("b") + "\",\"" + ids.get("c") + "\",\"" + ids.get("b") + "\"]}")
                .post("/recommendations/{u}/rank", user).then().statusCode(200).extract().jsonPath();
        assertEquals("model:" + version, ranked.getString("ranker"));
        assertEquals(Set.of(ids.get("b"), ids.get("c"), ids.get("e")), new HashSet<>(ranked.getList("items.itemId")));
        assertEquals(3, ranked.getInt("count"));
    }

    @Test
    @Order(6)
    void aCorruptNewerModelLeavesThePreviousOneServing() throws Exception {
        Path good = ModelsDirResource.writeModel();
        TestKeys.given().post("/admin/models/reload").then().statusCode(200).body("active", equalTo(good.getFileName().toString()));
        // a newer version whose booster is garbage
        Thread.sleep(1100); // versions are named by the second
        Path corrupt = ModelsDirResource.writeModel();
        Files.write(corrupt.resolve(ModelFiles.MODEL), new byte[] {1, 2, 3, 4, 5});
        JsonPath reload = TestKeys.given().post("/admin/models/reload").then().statusCode(200).extract().jsonPath();
        assertFalse(reload.getBoolean("changed"));
        assertEquals(good.getFileName().toString(), reload.getString("active"));
        assertEquals(corrupt.getFileName().toString(), reload.getString("failures[0].version"));

        JsonPath models = get("/models");
        assertEquals(good.getFileName().toString(), models.getString("active"));
        assertEquals("failed", models.getString("versions[0].status"));
        TestKeys.given().get("/recommendations/{u}?count=3", unique("u")).then().statusCode(200)
                .body("ranker", equalTo("model:" + good.getFileName()));
        TestKeys.given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString("streamrec_models_load_failed_total"));
    }
}
