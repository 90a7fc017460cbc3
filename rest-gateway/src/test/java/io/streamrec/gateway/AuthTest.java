package io.streamrec.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.streamrec.gateway.auth.ApiKeys;
import io.streamrec.gateway.auth.ClusterSignature;
import io.streamrec.testsupport.KafkaResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what: every role against every class of endpoint (allowed, 401, 403), both headers, two keys of one role,
 * the cluster signature on /internal, the ingest rate limit, problem documents that never repeat a key, and the
 * failure counter. Keys and their digests: {@link TestKeys} and the {@code %test.streamrec.auth.*} settings.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class AuthTest {
    enum Needs { INGEST, QUERY, ADMIN, CLUSTER, ANY_KEY, NOTHING }

    /** One request of each endpoint; the bodies are such that an authorized request is answered without writing anything. */
    record Endpoint(String method, String path, String body, Needs needs) {
        Response send(RequestSpecification r) {
            if (body != null) {
                r = r.contentType(ContentType.JSON).body(body);
            }
            return switch (method) {
                case "GET" -> r.get(path);
                case "DELETE" -> r.delete(path);
                default -> r.post(path);
            };
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/events", "[]", Needs.INGEST),
            new Endpoint("POST", "/items", "[]", Needs.INGEST),
            new Endpoint("POST", "/users", "[]", Needs.INGEST),
            new Endpoint("GET", "/users/auth-u/history", null, Needs.QUERY),
            new Endpoint("GET", "/users/auth-u/features", null, Needs.QUERY),
            new Endpoint("GET", "/items/auth-i/stats", null, Needs.QUERY),
            new Endpoint("GET", "/items/auth-i/similar", null, Needs.QUERY),
            new Endpoint("GET", "/items/popular", null, Needs.QUERY),
            new Endpoint("GET", "/items/trending", null, Needs.QUERY),
            new Endpoint("GET", "/recommendations/auth-u", null, Needs.QUERY),
            new Endpoint("POST", "/recommendations/auth-u/rank", "{\"itemIds\":[]}", Needs.QUERY),
            new Endpoint("GET", "/models", null, Needs.QUERY),
            new Endpoint("POST", "/admin/models/reload", null, Needs.ADMIN),
            new Endpoint("DELETE", "/users/auth-u", null, Needs.ADMIN),
            new Endpoint("GET", "/instances", null, Needs.ADMIN),
            new Endpoint("GET", "/internal/users/auth-u/state", null, Needs.CLUSTER),
            new Endpoint("GET", "/q/metrics", null, Needs.ANY_KEY),
            new Endpoint("GET", "/q/openapi", null, Needs.ANY_KEY),
            new Endpoint("GET", "/q/swagger-ui/", null, Needs.ANY_KEY),
            new Endpoint("GET", "/q/health/live", null, Needs.NOTHING));

    /** Client roles and the key each test request of that role sends. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("ingest", TestKeys.INGEST_A);
        KEYS.put("query", TestKeys.QUERY);
        KEYS.put("admin", TestKeys.ADMIN);
    }

    static boolean allowed(String role, Needs needs) {
        return switch (needs) {
            case NOTHING, ANY_KEY -> true;
            case CLUSTER -> false;
            case ADMIN -> role.equals("admin");
            case QUERY -> role.equals("query") || role.equals("admin");
            case INGEST -> role.equals("ingest") || role.equals("admin");
        };
    }

    private static RequestSpecification bearer(String key) {
        return RestAssured.given().redirects().follow(false).header("Authorization", "Bearer " + key);
    }

    @Test
    void theTestKeysAreTheOnesConfigured() {
        var config = ConfigProvider.getConfig();
        List<String> ingest = config.getValues("streamrec.auth.keys.ingest", String.class);
        assertEquals(List.of(ApiKeys.sha256Hex(TestKeys.INGEST_A), ApiKeys.sha256Hex(TestKeys.INGEST_B),
                ApiKeys.sha256Hex(TestKeys.INGEST_LIMITED)), ingest);
        assertEquals(ApiKeys.sha256Hex(TestKeys.QUERY), config.getValue("streamrec.auth.keys.query", String.class));
        assertEquals(ApiKeys.sha256Hex(TestKeys.ADMIN), config.getValue("streamrec.auth.keys.admin", String.class));
        assertEquals("6c2f56abdc2da0efde200e79be194e13639c997eee94d1969e77bc0351960e2f", ApiKeys.sha256Hex("test-ingest-key-a"));
    }

    @Test
    void everyRoleAgainstEveryEndpoint() {
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            int none = e.send(RestAssured.given().redirects().follow(false)).statusCode();
            int expectedNone = e.needs() == Needs.NOTHING ? 200 : 401;
            if (none != expectedNone) {
                wrong.add(e + " without a key: " + none + ", expected " + expectedNone);
            }
            for (Map.Entry<String, String> k : KEYS.entrySet()) {
                Response r = e.send(bearer(k.getValue()));
                int status = r.statusCode();
                boolean ok = allowed(k.getKey(), e.needs());
                if (ok ? status == 401 || status == 403 : status != 403) {
                    wrong.add(e + " with the " + k.getKey() + " key: " + status + (ok ? ", expected it allowed" : ", expected 403"));
                }
                if (!ok && !Problems.MEDIA_TYPE.equals(r.contentType())) {
                    wrong.add(e + " with the " + k.getKey() + " key: 403 as " + r.contentType());
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void allowedRequestsReachTheEndpoint() {
        // the empty batch reached validation (400 from IngestResource), the reload ran, the history was read
        bearer(TestKeys.INGEST_A).contentType(ContentType.JSON).body("[]").post("/events").then().statusCode(400)
                .body("title", equalTo("Empty batch"));
        bearer(TestKeys.ADMIN).post("/admin/models/reload").then().statusCode(200);
        bearer(TestKeys.QUERY).get("/items/popular").then().statusCode(200);
        bearer(TestKeys.QUERY).get("/q/metrics").then().statusCode(200);
    }

    @Test
    void bothHeadersAndAnyCaseOfBearer() {
        Function<RequestSpecification, Integer> events = r -> r.contentType(ContentType.JSON).body("[]").post("/events").statusCode();
        assertEquals(400, events.apply(RestAssured.given().header("X-Api-Key", TestKeys.INGEST_A)));
        assertEquals(400, events.apply(RestAssured.given().header("Authorization", "bearer " + TestKeys.INGEST_A)));
        assertEquals(403, events.apply(RestAssured.given().header("X-Api-Key", TestKeys.QUERY)));
        assertEquals(200, RestAssured.given().header("X-Api-Key", TestKeys.QUERY).get("/items/popular").statusCode());
        assertEquals(200, RestAssured.given().header("X-Api-Key", TestKeys.ADMIN).post("/admin/models/reload").statusCode());
        assertEquals(401, RestAssured.given().header("X-Api-Key", "not-a-key").get("/items/popular").statusCode());
        // another scheme is not ours: as if no key were sent
        assertEquals(401, RestAssured.given().header("Authorization", "Basic dXNlcjpwYXNz").get("/items/popular").statusCode());
    }

    @Test
    void twoKeysOfOneRoleBothWork() {
        for (String key : List.of(TestKeys.INGEST_A, TestKeys.INGEST_B)) {
            bearer(key).contentType(ContentType.JSON).body("[]").post("/events").then().statusCode(400);
            bearer(key).get("/items/popular").then().statusCode(403);
        }
    }

    @Test
    void problemsNeverRepeatTheKey() {
        String guess = "sr_" + "guessed-key-0123456789abcdefghijklmnop";
        Response unknown = bearer(guess).get("/items/popular");
        assertEquals(401, unknown.statusCode());
        assertEquals(Problems.MEDIA_TYPE, unknown.contentType());
        assertEquals("Bearer realm=\"streamrec\"", unknown.header("WWW-Authenticate"));
        assertEquals(401, unknown.jsonPath().getInt("status"));
        assertFalse(unknown.asString().contains(guess), unknown.asString());
        assertFalse(unknown.asString().contains("guessed-key"), unknown.asString());

        Response forbidden = bearer(TestKeys.QUERY).contentType(ContentType.JSON).body("[]").post("/events");
        assertEquals(403, forbidden.statusCode());
        assertEquals(Problems.MEDIA_TYPE, forbidden.contentType());
        assertTrue(forbidden.jsonPath().getString("detail").contains("role ingest"), forbidden.asString());
        assertFalse(forbidden.asString().contains(TestKeys.QUERY), forbidden.asString());

        Response internal = bearer(TestKeys.ADMIN).get("/internal/users/u/state");
        assertEquals(403, internal.statusCode());
        assertFalse(internal.asString().contains(TestKeys.ADMIN), internal.asString());

        Response missing = RestAssured.given().get("/items/popular");
        assertEquals(401, missing.statusCode());
        assertEquals(Problems.MEDIA_TYPE, missing.contentType());
        assertTrue(missing.jsonPath().getString("detail").contains("Authorization: Bearer"), missing.asString());
        assertEquals("Bearer realm=\"streamrec\"", missing.header("WWW-Authenticate"));
        // outside JAX-RS too
        Response metrics = RestAssured.given().get("/q/metrics");
        assertEquals(401, metrics.statusCode());
        assertEquals(Problems.MEDIA_TYPE, metrics.contentType());
    }

    @Test
    void failedAuthenticationsAreCounted() {
        double unknownBefore = metric("streamrec_auth_failures_total", "reason=\"unknown-key\"");
        double missingBefore = metric("streamrec_auth_failures_total", "reason=\"missing\"");
        double signatureBefore = metric("streamrec_auth_failures_total", "reason=\"bad-cluster-signature\"");
        double forbiddenBefore = metric("streamrec_auth_forbidden_total", "needs=\"admin\"");
        bearer("no-such-key").get("/users/u/history").then().statusCode(401);
        RestAssured.given().get("/users/u/history").then().statusCode(401);
        RestAssured.given().header(ClusterSignature.HEADER, "1.00").get("/internal/users/u/state").then().statusCode(401);
        bearer(TestKeys.QUERY).get("/instances").then().statusCode(403);
        assertEquals(unknownBefore + 1, metric("streamrec_auth_failures_total", "reason=\"unknown-key\""));
        assertEquals(missingBefore + 1, metric("streamrec_auth_failures_total", "reason=\"missing\""));
        assertEquals(signatureBefore + 1, metric("streamrec_auth_failures_total", "reason=\"bad-cluster-signature\""));
        assertEquals(forbiddenBefore + 1, metric("streamrec_auth_forbidden_total", "needs=\"admin\""));
    }

    @Test
    void internalNeedsTheClusterSignatureOfThatVeryRequest() {
        ClusterSignature cluster = new ClusterSignature(TestKeys.CLUSTER_SECRET, Duration.ofSeconds(60));
        long now = System.currentTimeMillis() / 1000;
        String path = "/internal/users/auth-u/state";
        int signed = RestAssured.given().header(ClusterSignature.HEADER, cluster.sign("GET", path, now)).get(path).statusCode();
        assertTrue(signed == 200 || signed == 503, "signed internal request answered " + signed);
        // signed for another path, too old, with another secret: refused
        assertEquals(401, RestAssured.given().header(ClusterSignature.HEADER, cluster.sign("GET", "/internal/users/other/state", now))
                .get(path).statusCode());
        assertEquals(401, RestAssured.given().header(ClusterSignature.HEADER, cluster.sign("GET", path, now - 600)).get(path).statusCode());
        ClusterSignature other = new ClusterSignature("another-cluster-secret-0123456789abcdef", Duration.ofSeconds(60));
        assertEquals(401, RestAssured.given().header(ClusterSignature.HEADER, other.sign("GET", path, now)).get(path).statusCode());
        // a client key does not open it, even with a signature of someone else's request beside it
        assertEquals(403, bearer(TestKeys.ADMIN).get(path).statusCode());
        // the instances' own forwarded queries: the signature opens the query endpoints, nothing else
        String history = "/users/auth-u/history?limit=1";
        assertEquals(200, RestAssured.given().header(ClusterSignature.HEADER, cluster.sign("GET", history, now)).get(history).statusCode());
        assertEquals(403, RestAssured.given().header(ClusterSignature.HEADER, cluster.sign("GET", "/instances", now)).get("/instances").statusCode());
    }

    @Test
    void corsIsOffByDefault() {
        Response preflight = RestAssured.given().header("Origin", "https://shop.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/events");
        assertNull(preflight.header("Access-Control-Allow-Origin"), preflight.headers().toString());
        Response get = bearer(TestKeys.QUERY).header("Origin", "https://shop.example.com").get("/items/popular");
        assertEquals(200, get.statusCode());
        assertNull(get.header("Access-Control-Allow-Origin"));
    }

    @Test
    void ingestKeysAreRateLimitedPerKey() {
        // burst 20, then 0.5 requests/s (%test settings): the 21st request in a row is refused
        List<Integer> statuses = new ArrayList<>();
        Response refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            Response r = bearer(TestKeys.INGEST_LIMITED).contentType(ContentType.JSON).body("[]").post("/events");
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                refused = r;
            }
        }
        assertNotNull(refused, "never refused: " + statuses);
        assertTrue(statuses.size() >= 21 && statuses.subList(0, 20).stream().allMatch(s -> s == 400), statuses.toString());
        assertEquals(Problems.MEDIA_TYPE, refused.contentType());
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        assertEquals(429, refused.jsonPath().getInt("status"));
        assertFalse(refused.asString().contains(TestKeys.INGEST_LIMITED));
        // the bucket is the key's: another ingest key and the admin key are not held back
        bearer(TestKeys.INGEST_B).contentType(ContentType.JSON).body("[]").post("/events").then().statusCode(400);
        for (int i = 0; i < 25; i++) {
            bearer(TestKeys.ADMIN).contentType(ContentType.JSON).body("[]").post("/events").then().statusCode(400);
        }
        assertTrue(metric("streamrec_auth_rate_limited_total", "") >= 1);
    }

    /** A counter's value on /q/metrics (0 while it does not exist yet). */
    static double metric(String name, String label) {
        String text = bearer(TestKeys.ADMIN).get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        while (m.find()) {
            if (m.group(1) == null ? label.isEmpty() : m.group(1).contains(label)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
