package io.streamrec.tools.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamrec.tools.ToolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSenderTest {
    private final ObjectMapper json = new ObjectMapper();
    private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;
    private URI base;
    private volatile Function<Integer, Integer> statusForRequest = n -> 202;
    private volatile String problem = "";
    private final AtomicInteger requestCount = new AtomicInteger();
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/events", this::handle);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        int n = requestCount.incrementAndGet();
        authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        JsonNode body = json.readTree(ex.getRequestBody().readAllBytes());
        int status = statusForRequest.apply(n);
        byte[] answer = new byte[0];
        if (status == 202) {
            body.forEach(received::add);
        } else if (status == 503) {
            ex.getResponseHeaders().add("Retry-After", "0");
        } else {
            ex.getResponseHeaders().add("Content-Type", "application/problem+json");
            answer = problem.getBytes(StandardCharsets.UTF_8);
        }
        ex.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            ex.getResponseBody().write(answer);
        }
        ex.close();
    }

    private BatchSender sender(int batch, int lanes, int maxRetries, BatchSender.Stats stats) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new BatchSender(client, List.of(base), "/events", json, batch, lanes, maxRetries, Duration.ofSeconds(10), stats);
    }

    @Test
    void sendsTheApiKeyAsBearerWhenItHasOne() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (BatchSender s = new BatchSender(client, List.of(base), "/events", json, 2, 1, 0, Duration.ofSeconds(10),
                new BatchSender.Stats(), "sr_test-key")) {
            s.add("u", event("u", 1));
            s.flush();
        }
        try (BatchSender s = sender(2, 1, 0, new BatchSender.Stats())) {
            s.add("u", event("u", 2));
            s.flush();
        }
        assertEquals(List.of("Bearer sr_test-key", "null"), authorizations);
    }

    private static EventJson event(String user, int i) {
        return new EventJson("e-" + user + "-" + i, user, null, "item" + i, "view", 1000L + i, null, null, null);
    }

    @Test
    void sendsEverythingInBatchesKeepingEachUsersOrderAndRetrying503() {
        statusForRequest = n -> n == 2 ? 503 : 202;
        BatchSender.Stats stats = new BatchSender.Stats();
        try (BatchSender s = sender(7, 3, 5, stats)) {
            for (int i = 0; i < 50; i++) {
                for (String user : List.of("a", "b", "c", "d")) {
                    s.add(user, event(user, i));
                }
            }
            s.flush();
        }
        assertEquals(200, stats.accepted.get());
        assertEquals(1, stats.retries.get());
        assertEquals(200, received.size());
        for (String user : List.of("a", "b", "c", "d")) {
            List<String> ids = received.stream().filter(e -> e.get("userId").asText().equals(user))
                    .map(e -> e.get("eventId").asText()).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add("e-" + user + "-" + i);
            }
            assertEquals(expected, ids, "order of " + user);
        }
        // absent fields are left out, the timestamp is a number
        JsonNode first = received.get(0);
        assertTrue(first.get("timestamp").isNumber());
        assertTrue(!first.has("price") && !first.has("sessionId") && !first.has("properties"));
    }

    @Test
    void failsLoudlyOn400ShowingTheProblemAndTheRecord() {
        statusForRequest = n -> 400;
        problem = "{\"title\":\"invalid events\",\"status\":400,\"errors\":[{\"index\":1,\"field\":\"itemId\",\"reason\":\"is required\"}]}";
        BatchSender.Stats stats = new BatchSender.Stats();
        ToolException e = assertThrows(ToolException.class, () -> {
            try (BatchSender s = sender(2, 1, 5, stats)) {
                s.add("a", event("a", 0));
                s.add("a", event("a", 1));
                s.flush();
            }
        });
        assertTrue(e.getMessage().contains("HTTP 400"), e.getMessage());
        assertTrue(e.getMessage().contains("\"field\":\"itemId\""), e.getMessage());
        assertTrue(e.getMessage().contains("record [1]: {\"eventId\":\"e-a-1\""), e.getMessage());
        assertEquals(0, stats.retries.get());
        assertEquals(0, stats.accepted.get());
    }

    @Test
    void givesUpAfterBoundedRetries() {
        statusForRequest = n -> 503;
        BatchSender.Stats stats = new BatchSender.Stats();
        ToolException e = assertThrows(ToolException.class, () -> {
            try (BatchSender s = sender(10, 1, 2, stats)) {
                s.add("a", event("a", 0));
                s.flush();
            }
        });
        assertTrue(e.getMessage().contains("still failing after 3 attempts"), e.getMessage());
        assertEquals(3, requestCount.get());
    }
}
