package io.streamrec.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.specification.RequestSpecification;
import io.restassured.path.json.JsonPath;
import io.streamrec.testsupport.KafkaResource;
import io.streamrec.testsupport.Wait;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Features, item statistics, similar items, popular and trending lists, end to end: events go in through
 * {@code POST /events} to a real broker in this JVM, and the answers come from the live stores. Every test uses ids
 * of its own, since the application (and its state) is shared with the other tests.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class FeaturesAndItemsTest {
    private static final long T = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.HOURS).toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final double EPS = 1e-9;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static void post(String path, String json) {
        given().contentType(ContentType.JSON).body(json).post(path).then().statusCode(202);
    }

    private static String event(String user, String item, String type, long ts, String extra) {
        return "{\"userId\":\"" + user + "\",\"itemId\":\"" + item + "\",\"eventType\":\"" + type + "\",\"timestamp\":" + ts
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static void catalog(String itemId, String title, String category, double price) {
        post("/items", "{\"itemId\":\"" + itemId + "\",\"title\":\"" + title + "\",\"category\":\"" + category + "\",\"price\":" + price + "}");
        // the global store has it once the stats endpoint knows the item
        Wait.until("catalog has " + itemId, Duration.ofSeconds(30), () -> given().get("/items/{id}/stats", itemId).statusCode() == 200);
    }

    /** Decimals read as double: the scores are checked to the last digits. */
    private static final RestAssuredConfig DOUBLES = RestAssuredConfig.config()
            .jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));

    private static RequestSpecification given() {
        return TestKeys.given().config(DOUBLES);
    }

    private static JsonPath json(String path, Object... params) {
        return given().get(path, params).then().statusCode(200).extract().jsonPath(JsonPathConfig.jsonPathConfig()
                .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @Test
    void userFeaturesFollowTheEvents() {
        String u = unique("user");
        String a = unique("a");
        String b = unique("b");
        String c = unique("c");
        String home = unique("home");
        String garden = unique("garden");
        catalog(a, "HEART T-LIGHT HOLDER", home, 2.55);
        catalog(b, "LANTERN", home, 3.39);
        catalog(c, "WATERING CAN", garden, 4.25);
        long t1 = T - 2 * DAY;
        post("/events", "[" + String.join(",",
                event(u, a, "view", t1, ""),
                event(u, a, "click", t1, ""),
                event(u, a, "add_to_cart", t1, ""),
                event(u, a, "purchase", t1, "\"price\":2.5,\"quantity\":4,\"properties\":{\"invoiceNo\":\"900001\"}"),
                event(u, b, "purchase", t1, "\"price\":10,\"quantity\":1,\"properties\":{\"invoiceNo\":\"900001\"}"),
                "{\"userId\":\"" + u + "\",\"eventType\":\"search\",\"query\":\"lantern\",\"timestamp\":" + t1 + "}",
                event(u, c, "purchase", T, "\"price\":3,\"quantity\":2,\"properties\":{\"invoiceNo\":\"900002\"}")) + "]");

        Wait.until("features of " + u, Duration.ofSeconds(30), () -> json("/users/{id}/features", u).getInt("totalEvents") == 7);
        JsonPath f = json("/users/{id}/features", u);
        assertEquals(1, f.getInt("counts.view"));
        assertEquals(1, f.getInt("counts.click"));
        assertEquals(1, f.getInt("counts.add_to_cart"));
        assertEquals(3, f.getInt("counts.purchase"));
        assertEquals(1, f.getInt("counts.search"));
        assertEquals(0, f.getInt("counts.review"));
        assertEquals(26.0, f.getDouble("totalSpend"), EPS); // 2.5*4 + 10 + 3*2
        assertEquals(2, f.getInt("orders"));
        assertEquals(13.0, f.getDouble("averageOrderValue"), EPS);
        assertEquals(t1, f.getLong("firstSeen"));
        assertEquals(T, f.getLong("lastSeen"));
        assertEquals(T, f.getLong("lastPurchase"));
        assertEquals(Instant.ofEpochMilli(T).toString(), f.getString("lastPurchaseTime"));
        double daysSince = f.getDouble("daysSinceLastPurchase");
        assertTrue(daysSince >= 1.0 / 24 && daysSince < 1.0 / 24 + 0.05, "days since last purchase " + daysSince);
        assertEquals(2, f.getInt("purchaseDays"));
        assertEquals(2.0, f.getDouble("purchaseFrequencyDays"), EPS);
        assertEquals(3, f.getInt("distinctItems"));
        assertEquals(2, f.getInt("distinctCategories"));
        assertEquals(2, f.getInt("sessions")); // no session ids: the two-day gap starts the second
        double aged = Math.pow(0.5, 2.0 / 7); // 7-day half-life, two days
        assertEquals(24 * aged + 8, f.getDouble("engagementScore"), EPS); // (1+2+4+8+8+1 search) two days before + 8
        assertEquals(List.of(home, garden), f.getList("categoryAffinity.category"));
        assertEquals(23 * aged, f.getDouble("categoryAffinity[0].weight"), EPS);
        assertEquals(8.0, f.getDouble("categoryAffinity[1].weight"), EPS);
        assertEquals(T, f.getLong("asOf"));
    }

    @Test
    void unknownUserHasZeroFeaturesAndBadIdsAreNamed() {
        String nobody = unique("nobody");
        // when this test runs first, Kafka Streams may still be rebalancing on a loaded machine (503 + Retry-After)
        Wait.until("features answer", Duration.ofSeconds(60), () -> given().get("/users/{id}/features", nobody).statusCode() != 503);
        given().get("/users/{id}/features", nobody).then().statusCode(200)
                .body("totalEvents", equalTo(0)).body("counts.purchase", equalTo(0)).body("counts.view", equalTo(0))
                .body("engagementScore", equalTo(0.0)).body("categoryAffinity", equalTo(List.of()))
                .body("lastPurchase", nullValue()).body("daysSinceLastPurchase", nullValue());
        given().get("/users/{id}/features", "x".repeat(300)).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("id"));
    }

    @Test
    void itemStatsAndSimilarItemsNormalisedByPopularity() {
        String p1 = unique("p1");
        String p2 = unique("p2");
        String p3 = unique("p3");
        catalog(p1, "RED MUG", unique("kitchen"), 4.95);
        // all at the same time: no time-gap decay; view x view pairs weigh 1 at distance 1
        String s1 = unique("s1");
        post("/events", "[" + event(s1, p1, "view", T, "") + "," + event(s1, p2, "view", T, "") + "]");
        String u2 = unique("u2");
        String u3 = unique("u3");
        String u4 = unique("u4");
        post("/events", "[" + String.join(",",
                event(s1, p1, "view", T, ""),
                event(u2, p1, "view", T, ""), event(u2, p2, "view", T, ""),
                event(u3, p1, "view", T, ""), event(u3, p3, "view", T, ""),
                event(u4, p1, "click", T, "")) + "]");

        Wait.until("stats of " + p1, Duration.ofSeconds(30), () -> json("/items/{id}/stats", p1).getInt("events") == 5);
        JsonPath s = json("/items/{id}/stats", p1);
        assertEquals("RED MUG", s.getString("title"));
        assertEquals(4.95, s.getDouble("price"), EPS);
        assertEquals(4, s.getInt("views"));
        assertEquals(1, s.getInt("clicks"));
        assertEquals(4, s.getInt("uniqueUsers")); // s1 viewed it twice
        assertEquals((1 + 1) / (4 + 1 + 19.0), s.getDouble("ctr"), EPS);
        assertEquals((0 + 1) / (4 + 1 + 49.0), s.getDouble("conversionRate"), EPS);
        assertEquals(4 * 1 + 2, s.getDouble("popularity"), EPS); // all at the same time: no decay
        assertEquals(T, s.getLong("lastEvent"));

        // p1-p2: s1 viewed p2 after p1 (1), then p1 again after p2 (1); u2 once (1) = 3; p1 weighs 4 views + 1 click = 6, p2 2
        double expected = 3 / Math.sqrt(6 * 2);
        Wait.until("neighbors of " + p1, Duration.ofSeconds(30),
                () -> Math.abs(json("/items/{id}/similar", p1).getDouble("items[0].score") - expected) < EPS);
        JsonPath sim = json("/items/{id}/similar?count=5", p1);
        assertEquals(p1, sim.getString("itemId"));
        assertEquals(5, sim.getInt("count"));
        assertEquals(p2, sim.getString("items[0].itemId"));
        assertEquals(p3, sim.getString("items[1].itemId"));
        assertEquals(expected, sim.getDouble("items[0].score"), EPS);
        assertEquals(1 / Math.sqrt(6 * 1), sim.getDouble("items[1].score"), EPS);
        assertEquals("similar", sim.getString("items[1].reason"));
        assertEquals(List.of("popular", "popular", "popular"), sim.getList("items.reason").subList(2, 5));
        assertTrue(!sim.getList("items.itemId").subList(2, 5).contains(p1), "the item itself is not similar to itself");
    }

    @Test
    void unknownItemsGetPopularItemsAndBadParametersAreNamed() {
        String hot = unique("hot");
        catalog(hot, "JUMBO BAG", unique("bags"), 1.95);
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 4; i++) {
            batch.append(i == 0 ? "" : ",").append(event(unique("buyer"), i == 0 ? hot : unique("other"), "purchase", T, ""));
        }
        post("/events", batch.append("]").toString());
        Wait.until("popular has " + hot, Duration.ofSeconds(30),
                () -> json("/items/popular?count=100").getList("items.itemId").size() >= 4);

        String unknown = unique("never-seen");
        given().get("/items/{id}/similar?count=3", unknown).then().statusCode(200)
                .body("count", equalTo(3)).body("items.reason", everyItem(equalTo("popular")))
                .body("items.itemId", not(hasItem(unknown)));
        given().get("/items/{id}/stats", unknown).then().statusCode(404).contentType("application/problem+json");

        given().get("/items/{id}/similar?count=0", hot).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("count"));
        given().get("/items/popular?count=abc").then().statusCode(400).body("errors[0].field", equalTo("count"));
        given().get("/items/popular?count=101").then().statusCode(400).body("errors[0].field", equalTo("count"));
        given().get("/items/trending?window=2h").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("window"));
        given().get("/items/popular?category=" + "c".repeat(300)).then().statusCode(400).body("errors[0].field", equalTo("category"));
    }

    @Test
    void popularPerCategoryAndTrendingAnswerFromThePartitionLists() {
        String cat = unique("cat");
        String hot = unique("hot");
        String warm = unique("warm");
        catalog(hot, "HOT ITEM", cat, 1.0);
        catalog(warm, "WARM ITEM", cat, 2.0);
        StringBuilder batch = new StringBuilder("[").append(event(unique("viewer"), warm, "view", T, ""));
        for (int i = 0; i < 10; i++) {
            batch.append(",").append(event(unique("buyer"), hot, "purchase", T, ""));
        }
        post("/events", batch.append("]").toString());

        Wait.until("popular in " + cat, Duration.ofSeconds(30),
                () -> json("/items/popular?category={c}", cat).getInt("count") == 2
                        && json("/items/popular?category={c}", cat).getDouble("items[0].score") == 80.0);
        JsonPath p = json("/items/popular?category={c}", cat);
        assertEquals(cat, p.getString("category"));
        assertEquals(T, p.getLong("asOf"));
        assertEquals(List.of(hot, warm), p.getList("items.itemId"));
        assertEquals(List.of(80.0, 1.0), p.getList("items.score"));
        assertEquals("HOT ITEM", p.getString("items[0].title"));
        assertEquals(cat, p.getString("items[0].category"));
        assertEquals("popular", p.getString("items[0].reason"));
        given().get("/items/popular?category={c}&count=1", cat).then().body("items.itemId", equalTo(List.of(hot)));

        Wait.until("trending has " + hot, Duration.ofSeconds(30),
                () -> json("/items/trending?window=1h&count=100").getList("items.itemId").contains(hot));
        JsonPath t = json("/items/trending?window=1h&count=100");
        assertEquals("1h", t.getString("window"));
        int at = t.getList("items.itemId").indexOf(hot);
        double aged = Math.pow(0.5, (t.getLong("asOf") - T) / 3_600_000.0);
        double agedBaseline = Math.pow(0.5, (t.getLong("asOf") - T) / (24 * 3_600_000.0));
        // (R + 1) / (B * 1h/24h + 1) with R = B = 80 at T, both aged to the list's newest event time
        assertEquals((80 * aged + 1) / (80 * agedBaseline / 24 + 1), t.getDouble("items[" + at + "].score"), 1e-6);
        assertEquals("trending", t.getString("items[" + at + "].reason"));
        assertTrue(!t.getList("items.itemId").contains(warm), "one view is below the minimum support");
        given().get("/items/trending").then().statusCode(200).body("window", equalTo("24h"));

        // every list comes from this instance's global item profiles: there is no per-instance list to merge any more
        given().get("/internal/rankings?list=popular:{c}", cat).then().statusCode(404);
    }
}
