package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.streamrec.schemas.Topics;
import io.streamrec.testsupport.KafkaResource;
import io.streamrec.testsupport.Wait;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A property of the whole API: <em>every malformed request is answered 4xx with a problem document that names the
 * field, never 5xx, never a stack trace, never the API key, and writes nothing</em>. Thousands of requests, drawn by a
 * seeded generator ({@code -Dbadinput.seed=...} repeats a run, {@code -Dbadinput.per-endpoint=...} sizes it) from what
 * a careless or hostile client sends: wrong JSON types, missing and unknown fields, huge numbers, NaN, deep nesting,
 * invalid UTF-8, empty and oversized bodies, wrong content types and methods, bad query parameters, path parameters
 * with slashes and control characters, unknown paths, unknown keys.
 *
 * <p>A plain JUnit 5 loop, not jqwik: jqwik's {@code @Property} runs on its own test engine, outside the JUnit Jupiter
 * extension that starts the application for {@code @QuarkusTest}, so its properties would have no gateway to call.
 * Every failure is collected (with its seed and request) rather than stopping at the first.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class BadInputPropertyTest {
    private static final long SEED = Long.getLong("badinput.seed", 20261202L);
    private static final int PER_ENDPOINT = Integer.getInteger("badinput.per-endpoint", 500);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String RAW = "@@raw@@";
    private static final List<String> STACK_MARKERS = List.of("\tat ", "at io.", "at java.", "at org.", "Exception", "\"stack\"");

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One malformed request and the field its answer must name (null when there is none, e.g. 415 or 404). */
    record Case(String endpoint, String method, String path, String contentType, String accept, byte[] body,
                String field, Integer index, String apiKey) {
        Case(String endpoint, String method, String path, String contentType, byte[] body, String field) {
            this(endpoint, method, path, contentType, "application/json", body, field, null, TestKeys.ADMIN);
        }

        Case withIndex(int i) {
            return new Case(endpoint, method, path, contentType, accept, body, field, i, apiKey);
        }

        String describe() {
            String b = body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + path + " [" + contentType + ", accept " + accept + ", " + (body == null ? 0 : body.length)
                    + " bytes] " + b.replace('\n', ' ');
        }
    }

    @Test
    void everyMalformedRequestIsA4xxProblemNamingTheFieldAndWritesNothing() throws Exception {
        Wait.until("gateway ready", Duration.ofSeconds(60), () -> send(get("ready", "/q/health/ready")).statusCode() == 200);
        validBasesAreAccepted();

        List<String> topics = List.of(Topics.EVENTS, Topics.ITEMS, Topics.USERS);
        Map<TopicPartition, Long> before = steadyEndOffsets(topics);

        Random random = new Random(SEED);
        Map<String, Function<Random, Case>> endpoints = endpoints();
        Map<String, Integer> tried = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (int round = 0; round < PER_ENDPOINT; round++) {
            for (Map.Entry<String, Function<Random, Case>> e : endpoints.entrySet()) {
                Case c = e.getValue().apply(random);
                tried.merge(c.endpoint(), 1, Integer::sum);
                String problem = check(c, send(c));
                if (problem != null) {
                    failures.add(problem + "\n    " + c.describe());
                }
            }
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        int total = tried.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("bad-input: " + total + " malformed requests in " + seconds + " s (seed " + SEED + "), per endpoint: " + tried);

        assertTrue(failures.isEmpty(), failures.size() + " of " + total + " answers broke the contract (seed " + SEED + "), first ones:\n"
                + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
        assertEquals(before, endOffsets(topics), "a rejected request wrote to Kafka");
        HttpResponse<byte[]> ready = send(get("ready", "/q/health/ready"));
        assertEquals(200, ready.statusCode(), "gateway not ready after the malformed requests");
        assertEquals("UP", JSON.readTree(ready.body()).path("status").asText());
    }

    /** What the checks hold each answer to; null when it keeps the contract. */
    private static String check(Case c, HttpResponse<byte[]> r) {
        int status = r.statusCode();
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (status < 400 || status > 499) {
            return "status " + status + ": " + abbreviate(body);
        }
        String type = r.headers().firstValue("content-type").orElse("");
        if (!type.startsWith("application/problem+json")) {
            return "status " + status + " with content type '" + type + "': " + abbreviate(body);
        }
        for (String marker : STACK_MARKERS) {
            if (body.contains(marker)) {
                return "stack trace text '" + marker.strip() + "' in " + abbreviate(body);
            }
        }
        if (c.apiKey() != null && body.contains(c.apiKey())) {
            return "the API key is repeated in " + abbreviate(body);
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(body);
        } catch (Exception e) {
            return "not JSON: " + abbreviate(body);
        }
        if (problem.path("status").asInt() != status || !problem.path("type").isTextual() || !problem.path("title").isTextual()
                || !problem.path("detail").isTextual()) {
            return "not a problem document (type, title, status, detail): " + abbreviate(body);
        }
        if (c.field() != null && !namesField(problem, c.field(), c.index())) {
            return "status " + status + " does not name field '" + c.field() + "'" + (c.index() == null ? "" : " at index " + c.index())
                    + ": " + abbreviate(body);
        }
        return null;
    }

    /** {@code $}: the body as a whole is wrong; any named place in it will do. */
    private static boolean namesField(JsonNode problem, String field, Integer index) {
        if (field.equals("$")) {
            return !problem.path("errors").isEmpty();
        }
        for (JsonNode e : problem.path("errors")) {
            String f = e.path("field").asText();
            boolean named = f.equals(field) || f.startsWith(field + ".") || f.startsWith(field + "[");
            if (named && (index == null || e.path("index").asInt() == index)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- the endpoints and what is sent to them

    private Map<String, Function<Random, Case>> endpoints() {
        Map<String, Function<Random, Case>> m = new java.util.LinkedHashMap<>();
        m.put("POST /events", r -> r.nextInt(4) == 0 ? batch(r) : body(r, "POST /events", "/events", event(), EVENT_FIELDS, EVENT_REQUIRED));
        m.put("POST /items", r -> body(r, "POST /items", "/items", item(), ITEM_FIELDS, List.of("itemId")));
        m.put("POST /users", r -> body(r, "POST /users", "/users", user(), USER_FIELDS, List.of("userId")));
        m.put("POST /recommendations/{userId}/rank", this::rank);
        m.put("GET /users/{id}/history", r -> query(r, "GET /users/{id}/history", "/users/%s/history", "id",
                Map.of("limit", COUNT_BAD, "eventType", List.of("teleport", "VIEW", "view ", "x".repeat(300)))));
        m.put("GET /users/{id}/features", r -> query(r, "GET /users/{id}/features", "/users/%s/features", "id", Map.of()));
        m.put("DELETE /users/{id}", r -> deleteUser(r));
        m.put("GET /items/{id}/stats", r -> query(r, "GET /items/{id}/stats", "/items/%s/stats", "id", Map.of()));
        m.put("GET /items/{id}/similar", r -> query(r, "GET /items/{id}/similar", "/items/%s/similar", "id", Map.of("count", COUNT_BAD)));
        m.put("GET /items/popular", r -> query(r, "GET /items/popular", "/items/popular", null,
                Map.of("count", COUNT_BAD, "category", ID_BAD)));
        m.put("GET /items/trending", r -> query(r, "GET /items/trending", "/items/trending", null,
                Map.of("count", COUNT_BAD, "window", List.of("2h", "1H", "24", "7days", "-1h", "1h\u0000", "x".repeat(300)))));
        m.put("GET /recommendations/{userId}", r -> query(r, "GET /recommendations/{userId}", "/recommendations/%s", "userId",
                Map.of("count", COUNT_BAD, "category", ID_BAD, "sessionId", ID_BAD,
                        "excludePurchased", BOOL_BAD, "excludeSeen", BOOL_BAD, "minPrice", PRICE_BAD, "maxPrice", PRICE_BAD)));
        m.put("GET /models", r -> methodOrAccept(r, "GET /models", "GET", "/models"));
        m.put("POST /admin/models/reload", r -> methodOrAccept(r, "POST /admin/models/reload", "POST", "/admin/models/reload"));
        m.put("GET /instances", r -> methodOrAccept(r, "GET /instances", "GET", "/instances"));
        m.put("unknown paths and keys", this::unknown);
        return m;
    }

    private static final List<String> EVENT_FIELDS = List.of("eventId", "userId", "sessionId", "itemId", "eventType", "timestamp",
            "price", "quantity", "query", "rating", "text", "recommendationId", "impression", "properties");
    private static final List<String> EVENT_REQUIRED = List.of("userId", "itemId", "eventType");
    private static final List<String> ITEM_FIELDS = List.of("itemId", "title", "category", "price", "description", "created", "available");
    private static final List<String> USER_FIELDS = List.of("userId", "attributes");
    private static final List<String> ID_FIELDS = List.of("eventId", "userId", "sessionId", "itemId", "recommendationId", "category");
    private static final List<String> NUMBER_FIELDS = List.of("price", "rating");
    private static final List<String> TEXT_FIELDS = List.of("eventType", "query", "text", "title", "description");

    /** Bad for every count and limit (the largest allowed is 500, for recommendations). */
    private static final List<String> COUNT_BAD = List.of("abc", "0", "-1", "501", "100000", "1.5", "1e3", "NaN", "99999999999999999999",
            "0x10", "\u0000", "five", "1 2", "-0x1");
    private static final List<String> BOOL_BAD = List.of("maybe", "1", "0", "yes", "TRUE!", "\u0000", "null");
    private static final List<String> PRICE_BAD = List.of("abc", "-1", "NaN", "Infinity", "-Infinity", "1e400", "1,5", "\u0000", "$5");
    private static final List<String> ID_BAD = List.of(" ", "x".repeat(257), "a\u0000b", "\u0001", "tab\there", "new\nline", "\u007f",
            "\u009f", "bell\u0007");

    /**
     * Two days old: the one valid event this test sends (before it starts) must not move the item side's time past what
     * the other tests in this JVM, whose events are an hour old, expect.
     */
    private static final long EVENT_TIME = System.currentTimeMillis() - Duration.ofDays(2).toMillis();

    private static ObjectNode event() {
        ObjectNode e = NODES.objectNode();
        e.put("userId", "bad-input-user").put("itemId", "bad-input-item").put("eventType", "view").put("timestamp", EVENT_TIME);
        return e;
    }

    private static ObjectNode item() {
        ObjectNode i = NODES.objectNode();
        i.put("itemId", "bad-input-item").put("title", "a title").put("category", "home").put("price", 2.5);
        return i;
    }

    private static ObjectNode user() {
        ObjectNode u = NODES.objectNode();
        u.put("userId", "bad-input-user").putObject("attributes").put("country", "United Kingdom");
        return u;
    }

    /** A body endpoint: a valid base record with one thing wrong, or a body that is not the JSON asked for at all. */
    private Case body(Random r, String endpoint, String path, ObjectNode base, List<String> fields, List<String> required) {
        int kind = r.nextInt(100);
        if (kind < 40) {
            Mutated m = mutate(r, base, fields, required, endpoint.equals("POST /events"));
            return new Case(endpoint, "POST", path, "application/json", m.body(), m.field());
        }
        return notTheJson(r, endpoint, path, base);
    }

    private record Mutated(byte[] body, String field) {
    }

    /** One field of the record made wrong: its type, its value, missing, or an unknown field beside it. */
    private Mutated mutate(Random r, ObjectNode base, List<String> fields, List<String> required, boolean event) {
        ObjectNode o = base.deepCopy();
        int kind = r.nextInt(event ? 7 : 5);
        switch (kind) {
            case 0 -> {
                String f = pick(r, required);
                o.remove(f);
                if (f.equals("userId")) {
                    o.remove("sessionId");
                }
                return new Mutated(bytes(o), f);
            }
            case 1 -> {
                String unknown = pick(r, List.of("itemID", "user_id", "colour", "eventtype", "", " ", "userId ", "\u0000", "x".repeat(r.nextInt(300))));
                o.put(unknown, pick(r, List.of("red", "1")));
                return new Mutated(bytes(o), unknown);
            }
            case 2 -> {
                String f = pick(r, fields);
                return new Mutated(raw(o, f, wrongType(r, f)), f);
            }
            case 3 -> {
                String f = pick(r, fields.stream().filter(ID_FIELDS::contains).toList());
                o.put(f, pick(r, ID_BAD));
                return new Mutated(bytes(o), f);
            }
            case 4 -> {
                // a value nested deeper than any field takes (within Jackson's nesting limit, so it is a type error)
                String f = pick(r, fields);
                int depth = 2 + r.nextInt(400);
                return new Mutated(raw(o, f, "[".repeat(depth) + "]".repeat(depth)), f);
            }
            case 5 -> {
                String[] bad = pick(r, List.of(
                        new String[]{"price", "1e400"}, new String[]{"price", "-1e400"}, new String[]{"price", "-1"},
                        new String[]{"rating", "1e400"}, new String[]{"quantity", "99999999999999999999"},
                        new String[]{"quantity", "1e30"}, new String[]{"quantity", "-1"}, new String[]{"quantity", "2.5"},
                        new String[]{"timestamp", "1e300"}, new String[]{"timestamp", "99999999999999999999"},
                        new String[]{"timestamp", "\"yesterday\""}, new String[]{"timestamp", "\"2024-13-45T99:00:00Z\""},
                        new String[]{"timestamp", String.valueOf(System.currentTimeMillis() + 7_200_000L)},
                        new String[]{"eventType", "\"teleport\""}, new String[]{"eventType", "\"\""}));
                return new Mutated(raw(o, bad[0], bad[1]), bad[0]);
            }
            default -> {
                String[] big = pick(r, List.of(new String[]{"impression", "26"}, new String[]{"properties", "big"},
                        new String[]{"text", "long"}, new String[]{"query", "long"}));
                switch (big[0]) {
                    case "impression" -> {
                        ArrayNode ids = o.putArray("impression");
                        for (int i = 0; i < 26 + r.nextInt(100); i++) {
                            ids.add("i" + i);
                        }
                    }
                    case "properties" -> o.putObject("properties").put("k", "v".repeat(1025 + r.nextInt(2000)));
                    default -> o.put(big[0], "t".repeat(10_001 + r.nextInt(5000)));
                }
                return new Mutated(bytes(o), big[0]);
            }
        }
    }

    private static String wrongType(Random r, String field) {
        List<String> choices;
        if (NUMBER_FIELDS.contains(field) || field.equals("quantity")) {
            choices = List.of("\"12\"", "\"NaN\"", "true", "{}", "[1]", "\"\"");
        } else if (field.equals("timestamp") || field.equals("created")) {
            choices = List.of("true", "{}", "[1]", "1.5", "\"\"");
        } else if (field.equals("impression")) {
            choices = List.of("\"a\"", "1", "{}", "[1]", "[{}]", "[null]", "true");
        } else if (field.equals("properties") || field.equals("attributes")) {
            choices = List.of("\"a\"", "1", "[]", "{\"k\":{}}", "{\"k\":[1]}", "true");
        } else if (field.equals("available")) {
            choices = List.of("\"yes\"", "1", "{}", "[]");
        } else if (ID_FIELDS.contains(field)) {
            choices = List.of("true", "{}", "[\"a\"]", "1.5", "-0.0");
        } else if (TEXT_FIELDS.contains(field)) {
            choices = List.of("1", "true", "{}", "[\"a\"]", "1.5");
        } else {
            throw new IllegalArgumentException("no wrong type for " + field);
        }
        return pick(r, choices);
    }

    /** Not the JSON asked for: malformed, empty, deep, invalid UTF-8, wrong content type, too large, a batch gone wrong. */
    private Case notTheJson(Random r, String endpoint, String path, ObjectNode base) {
        String valid = new String(bytes(base), StandardCharsets.UTF_8);
        int kind = r.nextInt(15);
        return switch (kind) {
            case 0 -> new Case(endpoint, "POST", path, "application/json", new byte[0], "$");
            case 1 -> new Case(endpoint, "POST", path, "application/json", utf8(valid.substring(0, 1 + r.nextInt(valid.length() - 1))), "$");
            case 2 -> new Case(endpoint, "POST", path, "application/json", utf8(valid + pick(r, List.of(" x", "}", ",{}", valid, "\u0000"))), "$");
            case 3 -> new Case(endpoint, "POST", path, "application/json",
                    utf8(valid.replaceFirst("\"[a-zA-Z]+\":", "\"" + pick(r, List.of("price", "x")) + "\":" + pick(r, List.of("NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "0x1F")) + ",$0")), "$");
            case 4 -> {
                int depth = 1001 + r.nextInt(20_000);
                String open = r.nextBoolean() ? "[" : "{\"a\":";
                yield new Case(endpoint, "POST", path, "application/json", utf8(open.repeat(depth) + "1" + (open.equals("[") ? "]" : "}").repeat(depth)), "$");
            }
            case 5 -> new Case(endpoint, "POST", path, "application/json", invalidUtf8(r, base), "$");
            case 6 -> new Case(endpoint, "POST", path, pick(r, List.of("text/plain", "application/xml", "text/html", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x", "application/octet-stream", "application/avro", "image/png")), utf8(valid), null);
            case 7 -> new Case(endpoint, "POST", path, null, utf8(valid), null);
            case 8 -> r.nextInt(8) == 0
                    ? new Case(endpoint, "POST", path, "application/json", oversized(2 * 1024 * 1024 + 1 + r.nextInt(100_000)), null)
                    : new Case(endpoint, "POST", path, "application/json", utf8(pick(r, List.of("null", "1", "\"a\"", "true", "[]", "[1]", "[null]", "[[]]", "[\"a\",{}]"))), "$");
            case 9 -> new Case(endpoint, "POST", path, "application/json", utf8(pick(r, List.of("{", "}", "[", "]", ",", "{,}", "{\"a\"}", "{'a':1}", "{a:1}", "\"", "nul", "<xml/>", "userId=u"))), "$");
            case 10 -> new Case(endpoint, "POST", path, "application/json", utf8(valid.replaceFirst("\\{", "{\"" + base.fieldNames().next() + "\":\"dup\",")), "$");
            case 11 -> new Case(endpoint, "POST", path, "application/json", new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xFF, (byte) 0xFE}, "$");
            case 12 -> new Case(endpoint, "PUT", path, "application/json", utf8(valid), null);
            case 13 -> new Case(endpoint, "POST", path, "application/json", "application/xml", utf8(valid), null, null, TestKeys.ADMIN);
            default -> new Case(endpoint, "POST", path, "application/json; charset=" + pick(r, List.of("UTF-16", "ISO-8859-1", "EBCDIC", "nonsense")),
                    utf8("{\"userId\":\"u\",\"x\u00e9\":1"), "$");
        };
    }

    /** Up to 20 valid events and one wrong one: the batch is rejected whole, the answer names its index and field. */
    private Case batch(Random r) {
        int size = 2 + r.nextInt(20);
        int bad = r.nextInt(size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        Mutated m = null;
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                out.write(',');
            }
            if (i == bad) {
                m = mutate(r, event(), EVENT_FIELDS, EVENT_REQUIRED, true);
                out.writeBytes(m.body());
            } else {
                out.writeBytes(bytes(event()));
            }
        }
        out.write(']');
        if (r.nextInt(20) == 0) {
            StringBuilder many = new StringBuilder("[");
            String one = new String(bytes(event()), StandardCharsets.UTF_8);
            for (int i = 0; i < 1001 + r.nextInt(100); i++) {
                many.append(i == 0 ? "" : ",").append(one);
            }
            return new Case("POST /events", "POST", "/events", "application/json", utf8(many.append(']').toString()), "$");
        }
        return new Case("POST /events", "POST", "/events", "application/json", out.toByteArray(), m.field()).withIndex(bad);
    }

    private Case rank(Random r) {
        String endpoint = "POST /recommendations/{userId}/rank";
        int kind = r.nextInt(10);
        if (kind == 0) {
            String id = pick(r, ID_BAD);
            return new Case(endpoint, "POST", "/recommendations/" + pathSegment(id) + "/rank", "application/json", utf8("{\"itemIds\":[\"a\"]}"), "userId");
        }
        if (kind <= 4) {
            String[] bad = pick(r, List.of(new String[]{"{\"itemIds\":5}", "itemIds"}, new String[]{"{\"itemIds\":\"a\"}", "itemIds"},
                    new String[]{"{\"itemIds\":{}}", "itemIds"}, new String[]{"{\"itemIds\":[]}", "itemIds"}, new String[]{"{}", "itemIds"},
                    new String[]{"{\"itemIds\":null}", "itemIds"}, new String[]{"{\"itemIds\":[{}]}", "itemIds"},
                    new String[]{"{\"itemIds\":[[\"a\"]]}", "itemIds"}, new String[]{"{\"itemIds\":[\" \"]}", "itemIds"},
                    new String[]{"{\"itemIds\":[\"a\\u0000\"]}", "itemIds"}, new String[]{"{\"itemIds\":[\"" + "x".repeat(257) + "\"]}", "itemIds"},
                    new String[]{"{\"itemIds\":[\"a\"],\"count\":3}", "count"}, new String[]{"{\"itemids\":[\"a\"]}", "itemids"},
                    new String[]{"{\"itemIds\":[" + "\"a\",".repeat(501) + "\"a\"]}", "itemIds"}));
            return new Case(endpoint, "POST", "/recommendations/u/rank", "application/json", utf8(bad[0]), bad[1]);
        }
        ObjectNode valid = NODES.objectNode();
        valid.putArray("itemIds").add("a").add("b");
        Case c = notTheJson(r, endpoint, "/recommendations/u/rank", valid);
        // an empty body reads as no itemIds
        return c.body() != null && c.body().length == 0 && "$".equals(c.field())
                ? new Case(endpoint, c.method(), c.path(), c.contentType(), c.body(), "itemIds") : c;
    }

    /** A query endpoint: a bad path parameter, a bad query parameter (the others valid or absent), or a wrong method or Accept. */
    private Case query(Random r, String endpoint, String pathFormat, String pathParam, Map<String, List<String>> bad) {
        int kind = r.nextInt(10);
        String id = "bad-input-user";
        if (pathParam != null && (kind < 3 || bad.isEmpty() && kind < 8)) {
            if (r.nextInt(6) == 0) {
                // a raw slash: another path, which no endpoint serves
                return new Case(endpoint, "GET", String.format(pathFormat, "a/" + pathSegment(pick(r, List.of("b", "..", "b/c", "b%2Fc")))), null, null, null);
            }
            return new Case(endpoint, "GET", String.format(pathFormat, pathSegment(pick(r, ID_BAD))), null, null, pathParam);
        }
        if (kind < 8 && !bad.isEmpty()) {
            List<String> names = new ArrayList<>(bad.keySet());
            names.sort(null);
            String name = pick(r, names);
            String value = pick(r, bad.get(name));
            String query = name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
            if (name.equals("maxPrice") && r.nextBoolean()) {
                query = "minPrice=10&maxPrice=" + (r.nextInt(10));
            }
            String path = pathParam == null ? pathFormat : String.format(pathFormat, id);
            return new Case(endpoint, "GET", path + "?" + query, null, null, name);
        }
        return methodOrAccept(r, endpoint, "GET", pathParam == null ? pathFormat : String.format(pathFormat, id));
    }

    private Case deleteUser(Random r) {
        String endpoint = "DELETE /users/{id}";
        if (r.nextInt(5) == 0) {
            return new Case(endpoint, "DELETE", "/users/a/" + pathSegment(pick(r, List.of("b", "..", "history"))), null, null, null);
        }
        return new Case(endpoint, "DELETE", "/users/" + pathSegment(pick(r, ID_BAD)), null, null, "id");
    }

    /** For endpoints without input: a method they do not take, or an Accept they cannot answer. */
    private Case methodOrAccept(Random r, String endpoint, String method, String path) {
        if (r.nextBoolean()) {
            String other = pick(r, List.of("PUT", "PATCH", "DELETE", "POST", "GET").stream().filter(m -> !m.equals(method)
                    && !(path.startsWith("/users/") && m.equals("DELETE"))).toList());
            return new Case(endpoint, other, path, other.equals("GET") || other.equals("DELETE") ? null : "application/json",
                    other.equals("GET") || other.equals("DELETE") ? null : utf8("{}"), null);
        }
        return new Case(endpoint, method, path, null, pick(r, List.of("application/xml", "text/html", "image/png", "text/csv")),
                null, null, null, TestKeys.ADMIN);
    }

    /** Paths no endpoint serves, and unknown API keys (401, which must not repeat the key). */
    private Case unknown(Random r) {
        String endpoint = "unknown paths and keys";
        if (r.nextBoolean()) {
            String key = "sr_" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
            String path = pick(r, List.of("/events", "/users/u/history", "/admin/models/reload", "/instances", "/items/popular"));
            String method = path.equals("/events") || path.startsWith("/admin") ? "POST" : "GET";
            return new Case(endpoint, method, path, method.equals("POST") ? "application/json" : null, "application/json",
                    method.equals("POST") ? utf8("{}") : null, null, null, key);
        }
        String path = pick(r, List.of("/", "/event", "/Events", "/events/1", "/users", "/users/u", "/users/u/histories", "/items",
                "/items/u", "/recommendations", "/admin", "/admin/models", "/q/nope", "/internal", "/%2e%2e/etc/passwd",
                "/users/u/history/extra", "/" + "x".repeat(r.nextInt(2000)), "/rank"));
        return new Case(endpoint, pick(r, List.of("GET", "GET", "PATCH")), path, null, null, null);
    }

    // ---------------------------------------------------------------- bytes

    private static byte[] raw(ObjectNode o, String field, String rawJson) {
        ObjectNode copy = o.deepCopy();
        copy.put(field, RAW);
        return utf8(new String(bytes(copy), StandardCharsets.UTF_8).replace("\"" + RAW + "\"", rawJson));
    }

    private static byte[] invalidUtf8(Random r, ObjectNode base) {
        ObjectNode copy = base.deepCopy();
        String field = base.fieldNames().next();
        copy.put(field, RAW);
        String[] parts = new String(bytes(copy), StandardCharsets.UTF_8).split(RAW, 2);
        byte[] bad = pick(r, List.of(new byte[]{(byte) 0xC3, 0x28}, new byte[]{(byte) 0xFF}, new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[]{(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[]{(byte) 0xC0, (byte) 0xAF},
                new byte[]{(byte) 0xE2, (byte) 0x82}, new byte[]{(byte) 0x80}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(parts[0] + "a"));
        out.writeBytes(bad);
        out.writeBytes(utf8("b" + parts[1]));
        return out.toByteArray();
    }

    private static byte[] oversized(int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) ' ');
        b[0] = '[';
        b[size - 1] = ']';
        return b;
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static <T> T pick(Random r, List<T> choices) {
        return choices.get(r.nextInt(choices.size()));
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    // ---------------------------------------------------------------- HTTP and Kafka

    private static Case get(String endpoint, String path) {
        return new Case(endpoint, "GET", path, null, null, null);
    }

    private HttpResponse<byte[]> send(Case c) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(c.path())).timeout(Duration.ofSeconds(30));
        if (c.apiKey() != null) {
            b.header("Authorization", "Bearer " + c.apiKey());
        }
        if (c.accept() != null) {
            b.header("Accept", c.accept());
        }
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError("no answer to " + c.describe(), e);
        }
    }

    /** The bases the generator spoils are themselves valid: each is accepted (before the offsets are taken). */
    private void validBasesAreAccepted() {
        assertEquals(202, send(new Case("POST /events", "POST", "/events", "application/json", bytes(event()), null)).statusCode());
        assertEquals(202, send(new Case("POST /items", "POST", "/items", "application/json", bytes(item()), null)).statusCode());
        assertEquals(202, send(new Case("POST /users", "POST", "/users", "application/json", bytes(user()), null)).statusCode());
        assertEquals(200, send(new Case("rank", "POST", "/recommendations/u/rank", "application/json", utf8("{\"itemIds\":[\"a\",\"b\"]}"), null)).statusCode());
        assertEquals(200, send(get("history", "/users/bad-input-user/history?limit=5&eventType=view")).statusCode());
        assertEquals(200, send(get("recommendations", "/recommendations/bad-input-user?count=5&category=home&sessionId=s"
                + "&excludePurchased=true&excludeSeen=false&minPrice=1&maxPrice=10")).statusCode());
        assertEquals(200, send(get("trending", "/items/trending?window=1h&count=3")).statusCode());
    }

    /** End offsets once nothing else writes (an earlier test's records may still be re-keyed by the topology). */
    private static Map<TopicPartition, Long> steadyEndOffsets(List<String> topics) throws InterruptedException {
        Map<TopicPartition, Long> last = endOffsets(topics);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(2000);
            Map<TopicPartition, Long> now = endOffsets(topics);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("end offsets of " + topics + " still moving after 60 s");
    }

    private static Map<TopicPartition, Long> endOffsets(List<String> topics) {
        try {
            var admin = KafkaResource.kafka().admin();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((topic, d) ->
                    d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, r) -> out.put(tp, r.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
