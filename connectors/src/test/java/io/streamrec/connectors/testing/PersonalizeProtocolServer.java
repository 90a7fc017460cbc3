package io.streamrec.connectors.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A local HTTP server speaking Amazon Personalize Events' restJson1 protocol ({@code POST /events}, {@code /items},
 * {@code /users}) and checking every request as the service would: SigV4 signature headers for signing name
 * {@code personalize}, JSON content type, required fields, no unknown fields, and the API model's limits. A request
 * that breaks a rule is answered with a 400 and noted in {@link #violations()}: a correct client never causes one.
 *
 * <p>Faults are scripted: {@link #fail(Fault...)} queues answers (throttling, 500, 503) that the next requests get
 * instead of being processed; item ids given to {@link #rejectItem} make any PutEvents carrying them fail with
 * InvalidInputException, as a schema or catalog mismatch would.
 */
public final class PersonalizeProtocolServer implements AutoCloseable {
    public enum Fault {
        THROTTLING(429, "ThrottlingException", "Rate exceeded"),
        INTERNAL_ERROR(500, "InternalServerError", "We encountered an internal error. Please try again."),
        UNAVAILABLE(503, "ServiceUnavailableException", "Service unavailable");

        final int status;
        final String type;
        final String message;

        Fault(int status, String type, String message) {
            this.status = status;
            this.type = type;
            this.message = message;
        }
    }

    static final Set<String> RESERVED = Set.of("userId", "sessionId", "eventType", "timestamp", "recommendationId",
            "impression");
    private static final Set<String> PUT_EVENTS_FIELDS = Set.of("trackingId", "userId", "sessionId", "eventList");
    private static final Set<String> EVENT_FIELDS = Set.of("eventId", "eventType", "eventValue", "itemId", "properties",
            "sentAt", "recommendationId", "impression", "metricAttribution");
    private static final Pattern DATASET_ARN = Pattern.compile("arn:aws[a-z-]*:personalize:[a-z0-9-]+:\\d{12}:dataset/.+");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String trackingId;
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final Set<String> rejectedItems = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> acceptedEvents = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> eventBodies = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> items = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> users = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong requests = new AtomicLong();
    /** Arrival times (System.nanoTime) of the PutEvents requests, for the most requests seen in one second. */
    private final ConcurrentLinkedQueue<Long> putEventsArrivals = new ConcurrentLinkedQueue<>();
    private final AtomicLong acceptedCalls = new AtomicLong();
    private final AtomicLong faultsServed = new AtomicLong();
    private final AtomicLong invalidInputServed = new AtomicLong();

    private PersonalizeProtocolServer(String trackingId) throws IOException {
        this.trackingId = trackingId;
        // without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: ~40 ms per answer
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.executor = Executors.newFixedThreadPool(8);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static PersonalizeProtocolServer start(String trackingId) {
        try {
            return new PersonalizeProtocolServer(trackingId);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Personalize protocol server", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void fail(Fault... sequence) {
        Collections.addAll(faults, sequence);
    }

    public void rejectItem(String itemId) {
        rejectedItems.add(itemId);
    }

    /** How often each eventId was accepted. */
    public Map<String, Integer> acceptedEventCounts() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        acceptedEvents.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The accepted event with this id as sent (plus the call's userId and sessionId). */
    public JsonNode event(String eventId) {
        return eventBodies.get(eventId);
    }

    public Map<String, JsonNode> items() {
        return Map.copyOf(items);
    }

    public Map<String, JsonNode> users() {
        return Map.copyOf(users);
    }

    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public long requests() {
        return requests.get();
    }

    /** The most PutEvents requests that arrived within any one second (sliding window). */
    public int maxPutEventsPerSecond() {
        List<Long> times = new ArrayList<>(putEventsArrivals);
        Collections.sort(times);
        int best = 0;
        int start = 0;
        for (int end = 0; end < times.size(); end++) {
            while (times.get(end) - times.get(start) >= 1_000_000_000L) {
                start++;
            }
            best = Math.max(best, end - start + 1);
        }
        return best;
    }

    public long acceptedCalls() {
        return acceptedCalls.get();
    }

    public long faultsServed() {
        return faultsServed.get();
    }

    public long invalidInputServed() {
        return invalidInputServed.get();
    }

    public int faultsQueued() {
        return faults.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            String problem = checkHeaders(exchange);
            if (problem != null) {
                violation(exchange, path + ": " + problem);
                return;
            }
            Fault fault = faults.poll();
            if (fault != null) {
                faultsServed.incrementAndGet();
                error(exchange, fault.status, fault.type, fault.message);
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (IOException e) {
                violation(exchange, path + ": body is not JSON: " + e.getMessage());
                return;
            }
            switch (path) {
                case "/events" -> {
                    putEventsArrivals.add(System.nanoTime());
                    putEvents(exchange, request);
                }
                case "/items" -> putCatalog(exchange, request, "items", "itemId", items);
                case "/users" -> putCatalog(exchange, request, "users", "userId", users);
                default -> violation(exchange, "unknown operation " + exchange.getRequestMethod() + " " + path);
            }
        } catch (RuntimeException e) {
            violations.add("server failure: " + e);
            throw e;
        }
    }

    private static String checkHeaders(HttpExchange exchange) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return "method " + exchange.getRequestMethod() + ", expected POST";
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            return "Content-Type " + contentType + ", expected application/json";
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=") || !auth.contains("/personalize/aws4_request")
                || !auth.contains("SignedHeaders=") || !auth.contains("Signature=")) {
            return "Authorization is not a SigV4 signature for service 'personalize': " + auth;
        }
        if (exchange.getRequestHeaders().getFirst("X-Amz-Date") == null) {
            return "X-Amz-Date missing";
        }
        return null;
    }

    private void putEvents(HttpExchange exchange, JsonNode request) throws IOException {
        List<String> problems = new ArrayList<>();
        unknownFields(request, PUT_EVENTS_FIELDS, "", problems);
        if (!trackingId.equals(text(request, "trackingId"))) {
            // the service answers an unknown tracker with ResourceNotFoundException
            error(exchange, 404, "ResourceNotFoundException", "Tracking id " + text(request, "trackingId")
                    + " does not exist");
            return;
        }
        length(request, "sessionId", 1, 256, true, "", problems);
        length(request, "userId", 1, 256, false, "", problems);
        JsonNode list = request.get("eventList");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 10) {
            problems.add("eventList must hold 1 to 10 events, has " + (list == null ? "none" : list.size()));
        } else {
            for (int i = 0; i < list.size(); i++) {
                checkEvent(list.get(i), "eventList[" + i + "].", problems);
            }
        }
        if (!problems.isEmpty()) {
            violation(exchange, "PutEvents: " + String.join("; ", problems));
            return;
        }
        for (JsonNode e : list) {
            String item = text(e, "itemId");
            if (item != null && rejectedItems.contains(item)) {
                invalidInputServed.incrementAndGet();
                error(exchange, 400, "InvalidInputException", "Item ID " + item + " does not match the schema of "
                        + "the Interactions dataset");
                return;
            }
        }
        for (JsonNode e : list) {
            String eventId = text(e, "eventId");
            if (eventId == null) {
                eventId = "(none)";
            }
            ObjectNode stored = e.deepCopy();
            stored.put("_userId", text(request, "userId"));
            stored.put("_sessionId", text(request, "sessionId"));
            eventBodies.put(eventId, stored);
            acceptedEvents.computeIfAbsent(eventId, k -> new AtomicInteger()).incrementAndGet();
        }
        acceptedCalls.incrementAndGet();
        ok(exchange);
    }

    private void checkEvent(JsonNode e, String at, List<String> problems) {
        unknownFields(e, EVENT_FIELDS, at, problems);
        length(e, "eventType", 1, 256, true, at, problems);
        length(e, "eventId", 1, 256, false, at, problems);
        length(e, "itemId", 1, 256, false, at, problems);
        length(e, "recommendationId", 1, 40, false, at, problems);
        JsonNode sentAt = e.get("sentAt");
        if (sentAt == null || !sentAt.isNumber()) {
            problems.add(at + "sentAt must be a number (epoch seconds)");
        }
        JsonNode value = e.get("eventValue");
        if (value != null && !value.isNumber()) {
            problems.add(at + "eventValue must be a number");
        }
        JsonNode impression = e.get("impression");
        if (impression != null) {
            if (!impression.isArray() || impression.isEmpty() || impression.size() > 25) {
                problems.add(at + "impression must hold 1 to 25 item ids");
            } else {
                for (JsonNode id : impression) {
                    if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > 256) {
                        problems.add(at + "impression holds an invalid item id");
                    }
                }
            }
        }
        JsonNode properties = e.get("properties");
        if (properties != null) {
            if (!properties.isTextual()) {
                problems.add(at + "properties must be a string holding JSON");
            } else if (properties.asText().length() > 1024) {
                problems.add(at + "properties longer than 1024 characters");
            } else {
                try {
                    JsonNode parsed = JSON.readTree(properties.asText());
                    if (!parsed.isObject()) {
                        problems.add(at + "properties is not a JSON object");
                    }
                    for (Iterator<String> it = parsed.fieldNames(); it.hasNext(); ) {
                        String key = it.next();
                        if (RESERVED.contains(key)) {
                            problems.add(at + "properties holds the reserved key " + key);
                        }
                    }
                } catch (IOException ex) {
                    problems.add(at + "properties is not JSON");
                }
            }
        }
    }

    private void putCatalog(HttpExchange exchange, JsonNode request, String listField, String idField,
                            Map<String, JsonNode> store) throws IOException {
        List<String> problems = new ArrayList<>();
        unknownFields(request, Set.of("datasetArn", listField), "", problems);
        String arn = text(request, "datasetArn");
        if (arn == null || !DATASET_ARN.matcher(arn).matches()) {
            problems.add("datasetArn missing or not a dataset ARN: " + arn);
        }
        JsonNode list = request.get(listField);
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 10) {
            problems.add(listField + " must hold 1 to 10 entries");
        } else {
            for (int i = 0; i < list.size(); i++) {
                String at = listField + "[" + i + "].";
                unknownFields(list.get(i), Set.of(idField, "properties"), at, problems);
                length(list.get(i), idField, 1, 256, true, at, problems);
                JsonNode p = list.get(i).get("properties");
                if (p != null) {
                    try {
                        if (!p.isTextual() || !JSON.readTree(p.asText()).isObject()) {
                            problems.add(at + "properties must be a string holding a JSON object");
                        }
                    } catch (IOException ex) {
                        problems.add(at + "properties is not JSON");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            violation(exchange, "Put " + listField + ": " + String.join("; ", problems));
            return;
        }
        for (JsonNode entry : list) {
            store.put(entry.get(idField).asText(), entry);
        }
        acceptedCalls.incrementAndGet();
        ok(exchange);
    }

    private static void unknownFields(JsonNode node, Set<String> known, String at, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add(at + " not a JSON object");
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                problems.add(at + f + " is not a field of the API");
            }
        }
    }

    private static void length(JsonNode node, String field, int min, int max, boolean required, String at,
                               List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(at + field + " is required");
            }
            return;
        }
        if (!v.isTextual() || v.asText().length() < min || v.asText().length() > max) {
            problems.add(at + field + " must be a string of " + min + " to " + max + " characters");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private void violation(HttpExchange exchange, String problem) throws IOException {
        violations.add(problem);
        error(exchange, 400, "InvalidInputException", "protocol violation: " + problem);
    }

    private static void ok(HttpExchange exchange) throws IOException {
        send(exchange, 200, null, "{}");
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("message", message);
        send(exchange, status, type, JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String errorType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
