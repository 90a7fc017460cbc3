package io.streamrec.gateway.personalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real SDK against a local server that checks Personalize runtime's restJson1 GetRecommendations
 * ({@code POST /recommendations}) and answers in turn OK, throttling, 5xx, or not before the client's timeout.
 */
class PersonalizeRecommendationsTest {
    static final String CAMPAIGN = "arn:aws:personalize:eu-west-1:123456789012:campaign/shop-campaign";
    static final String RECOMMENDER = "arn:aws:personalize:us-east-2:123456789012:recommender/top-picks";
    static final String FILTER = "arn:aws:personalize:eu-west-1:123456789012:filter/by-category";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSTREAMREC", "secret"));

    private HttpServer server;
    private final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String> script = new ConcurrentLinkedQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final MutableClock clock = new MutableClock();

    record Seen(String method, String path, String contentType, String authorization, JsonNode body) {
    }

    static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-04T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String raw = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestHeaders().getFirst("Authorization"),
                raw.isEmpty() ? JSON.createObjectNode() : JSON.readTree(raw)));
        String next = script.poll();
        if (next == null) {
            next = "ok";
        }
        switch (next) {
            case "slow" -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply(ex, 200, null, "{}");
            }
            case "throttle" -> reply(ex, 400, "ThrottlingException", "{\"message\":\"Rate exceeded\"}");
            case "5xx" -> reply(ex, 503, null, "{\"message\":\"Service Unavailable\"}");
            case "invalid" -> reply(ex, 400, "InvalidInputException", "{\"message\":\"numResults too high\"}");
            default -> reply(ex, 200, null, "{\"itemList\":[{\"itemId\":\"i1\",\"score\":0.9},{\"itemId\":\"i2\","
                    + "\"score\":0.4},{\"itemId\":\"i3\"}],\"recommendationId\":\"RID-abc-123\"}");
        }
    }

    private static void reply(HttpExchange ex, int status, String errorType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (errorType != null) {
            ex.getResponseHeaders().add("X-Amzn-ErrorType", errorType);
        }
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private PersonalizeRecommendations client(String arn, String filterArn, Duration timeout) {
        return new PersonalizeRecommendations(PersonalizeRecommendations.Target.parse("arn", arn), filterArn, timeout,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), CREDENTIALS, clock);
    }

    @Test
    void aCampaignRequestCarriesTheRestJsonFieldsAndTheAnswerIsRead() {
        try (PersonalizeRecommendations p = client(CAMPAIGN, FILTER, Duration.ofSeconds(5))) {
            PersonalizeRecommendations.Answer a = p.recommend(new PersonalizeRecommendations.Query("u-42", 30,
                    PersonalizeRecommendations.filterValues("Home \"Decor\"", 2.5, 10.0), Map.of("DEVICE", "mobile")));
            assertEquals("RID-abc-123", a.recommendationId());
            assertEquals(List.of(new PersonalizeRecommendations.Recommended("i1", 0.9),
                    new PersonalizeRecommendations.Recommended("i2", 0.4),
                    new PersonalizeRecommendations.Recommended("i3", null)), a.items());
            assertEquals("personalize:shop-campaign", p.name());
        }
        assertEquals(1, requests.size());
        Seen s = requests.get(0);
        assertEquals("POST", s.method());
        assertEquals("/recommendations", s.path());
        assertTrue(s.contentType().startsWith("application/json"), s.contentType());
        assertTrue(s.authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDSTREAMREC/")
                && s.authorization().contains("/eu-west-1/personalize/aws4_request"), "SigV4 for the ARN's region: " + s.authorization());
        JsonNode b = s.body();
        assertEquals(CAMPAIGN, b.path("campaignArn").asText());
        assertTrue(b.path("recommenderArn").isMissingNode());
        assertEquals("u-42", b.path("userId").asText());
        assertEquals(30, b.path("numResults").asInt());
        assertEquals(FILTER, b.path("filterArn").asText());
        assertEquals("\"Home \\\"Decor\\\"\"", b.path("filterValues").path("CATEGORY").asText());
        assertEquals("2.5", b.path("filterValues").path("MIN_PRICE").asText());
        assertEquals("10", b.path("filterValues").path("MAX_PRICE").asText());
        assertEquals("mobile", b.path("context").path("DEVICE").asText());
    }

    @Test
    void aRecommenderArnIsSentAsRecommenderArnWithoutFilterOrContextWhenNoneIsGiven() {
        try (PersonalizeRecommendations p = client(RECOMMENDER, null, Duration.ofSeconds(5))) {
            p.recommend(new PersonalizeRecommendations.Query("u-1", 10, Map.of(), Map.of()));
        }
        JsonNode b = requests.get(0).body();
        assertEquals(RECOMMENDER, b.path("recommenderArn").asText());
        assertTrue(b.path("campaignArn").isMissingNode());
        assertTrue(b.path("filterArn").isMissingNode());
        assertTrue(b.path("filterValues").isMissingNode());
        assertTrue(b.path("context").isMissingNode());
        assertTrue(requests.get(0).authorization().contains("/us-east-2/personalize/aws4_request"));
    }

    @Test
    void throttlingIsRetriedOnceThenReported() {
        script.add("throttle");
        script.add("ok");
        try (PersonalizeRecommendations p = client(CAMPAIGN, null, Duration.ofSeconds(10))) {
            assertEquals("RID-abc-123", p.recommend(query()).recommendationId());
            assertEquals(2, requests.size(), "one retry after throttling");
            script.add("throttle");
            script.add("throttle");
            script.add("ok");
            PersonalizeRecommendations.Unavailable u = assertThrows(PersonalizeRecommendations.Unavailable.class,
                    () -> p.recommend(query()));
            assertEquals("throttled", u.reason());
            assertEquals(4, requests.size(), "at most " + PersonalizeRecommendations.MAX_ATTEMPTS + " attempts a call");
        }
    }

    @Test
    void serverErrorsAndBadInputAreErrors() {
        script.add("5xx");
        script.add("5xx");
        script.add("invalid");
        try (PersonalizeRecommendations p = client(CAMPAIGN, null, Duration.ofSeconds(10))) {
            assertEquals("error", assertThrows(PersonalizeRecommendations.Unavailable.class, () -> p.recommend(query())).reason());
            assertEquals(2, requests.size(), "a 5xx is retried once");
            assertEquals("error", assertThrows(PersonalizeRecommendations.Unavailable.class, () -> p.recommend(query())).reason());
            assertEquals(3, requests.size(), "InvalidInputException is not retried");
        }
    }

    @Test
    void aSlowAnswerTimesOut() {
        script.add("slow");
        script.add("slow");
        try (PersonalizeRecommendations p = client(CAMPAIGN, null, Duration.ofMillis(300))) {
            assertEquals("timeout", assertThrows(PersonalizeRecommendations.Unavailable.class, () -> p.recommend(query())).reason());
        }
    }

    @Test
    void theBreakerOpensAfterFailuresInARowAndClosesAfterASuccessfulTrial() {
        for (int i = 0; i < 2 * PersonalizeRecommendations.BREAKER_FAILURES; i++) {
            script.add("invalid");
        }
        try (PersonalizeRecommendations p = client(CAMPAIGN, null, Duration.ofSeconds(5))) {
            for (int i = 0; i < PersonalizeRecommendations.BREAKER_FAILURES; i++) {
                assertEquals("error", assertThrows(PersonalizeRecommendations.Unavailable.class, () -> p.recommend(query())).reason());
            }
            int calls = requests.size();
            assertEquals(PersonalizeRecommendations.BREAKER_FAILURES, calls);
            assertEquals("circuit-open", assertThrows(PersonalizeRecommendations.Unavailable.class, () -> p.recommend(query())).reason());
            assertEquals(calls, requests.size(), "an open breaker sends nothing");

            clock.now = clock.now.plus(PersonalizeRecommendations.BREAKER_OPEN);
            assertEquals(CircuitBreaker.State.HALF_OPEN, p.breaker().state());
            assertEquals("error", assertThrows(PersonalizeRecommendations.Unavailable.class, () -> p.recommend(query())).reason());
            assertEquals(CircuitBreaker.State.OPEN, p.breaker().state(), "a failed trial reopens at once");

            script.clear();
            clock.now = clock.now.plus(PersonalizeRecommendations.BREAKER_OPEN);
            assertEquals("RID-abc-123", p.recommend(query()).recommendationId());
            assertEquals(CircuitBreaker.State.CLOSED, p.breaker().state());
        }
    }

    @Test
    void badArnsAreRejectedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PersonalizeRecommendations.Target.parse("streamrec.personalize.arn",
                        "arn:aws:personalize:eu-west-1:123456789012:solution/s1"));
        assertTrue(e.getMessage().startsWith("streamrec.personalize.arn must be"), e.getMessage());
        PersonalizeRecommendations.Target t = PersonalizeRecommendations.Target.parse("x", RECOMMENDER);
        assertTrue(t.recommender());
        assertEquals("us-east-2", t.region());
        assertEquals("top-picks", t.name());
        assertFalse(PersonalizeRecommendations.Target.parse("x", CAMPAIGN).recommender());
        assertThrows(IllegalArgumentException.class, () -> new PersonalizeRecommendations.Query("u", 501, null, null));
        assertNull(PersonalizeRecommendations.filterValues(null, null, null).get("CATEGORY"));
    }

    private static PersonalizeRecommendations.Query query() {
        return new PersonalizeRecommendations.Query("u-1", 10, Map.of(), Map.of());
    }
}
