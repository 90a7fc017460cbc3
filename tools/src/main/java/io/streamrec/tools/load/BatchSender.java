package io.streamrec.tools.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.tools.ToolException;
import io.streamrec.tools.Urls;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Posts records as JSON arrays to one path of the gateways ({@code /events}, {@code /items}).
 *
 * <p>Records are spread over {@code lanes} by the hash of their key; each lane has at most one request in flight and
 * sends its batches in order, and the gateway answers 202 only after Kafka has acknowledged, so the events of one user
 * reach Kafka in file order while several lanes send at once. Requests go round-robin over the gateway URLs. 503, 429,
 * 502, 504 and connection failures are retried with exponential backoff (honouring {@code Retry-After}) up to
 * {@code maxRetries} times; any other answer ends the load with the problem body shown.
 */
public final class BatchSender implements AutoCloseable {
    /** The gateway takes at most 1 MiB per request; a batch serialised larger than this is split. */
    static final int MAX_BODY_BYTES = 1_000_000;

    public static final class Stats {
        public final AtomicLong accepted = new AtomicLong();
        public final AtomicLong requests = new AtomicLong();
        public final AtomicLong retries = new AtomicLong();
    }

    private final HttpClient client;
    /** sent as Authorization: Bearer; null: none */
    private final String apiKey;
    private final List<URI> targets;
    private final String path;
    private final ObjectMapper json;
    private final int batchSize;
    private final int maxRetries;
    private final Duration requestTimeout;
    private final Stats stats;
    private final ExecutorService pool;
    private final List<List<Object>> pending = new ArrayList<>();
    private final List<CompletableFuture<Void>> inflight = new ArrayList<>();
    private final AtomicLong roundRobin = new AtomicLong();
    private final AtomicReference<ToolException> failure = new AtomicReference<>();
    private volatile boolean closed;

    public BatchSender(HttpClient client, List<URI> bases, String path, ObjectMapper json, int batchSize, int lanes,
                       int maxRetries, Duration requestTimeout, Stats stats) {
        this(client, bases, path, json, batchSize, lanes, maxRetries, requestTimeout, stats, null);
    }

    public BatchSender(HttpClient client, List<URI> bases, String path, ObjectMapper json, int batchSize, int lanes,
                       int maxRetries, Duration requestTimeout, Stats stats, String apiKey) {
        this.client = client;
        this.apiKey = apiKey;
        this.targets = bases.stream().map(b -> Urls.resolve(b, path)).toList();
        this.path = path;
        this.json = json;
        this.batchSize = batchSize;
        this.maxRetries = maxRetries;
        this.requestTimeout = requestTimeout;
        this.stats = stats;
        this.pool = Executors.newFixedThreadPool(lanes, r -> {
            Thread t = new Thread(r, "post-" + path);
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < lanes; i++) {
            pending.add(new ArrayList<>(batchSize));
            inflight.add(CompletableFuture.completedFuture(null));
        }
    }

    /** Queues one record; sends its lane's batch when full (waiting for that lane's previous request). */
    public void add(String key, Object record) {
        checkFailure();
        int lane = Math.floorMod(key == null ? 0 : key.hashCode(), pending.size());
        List<Object> batch = pending.get(lane);
        batch.add(record);
        if (batch.size() >= batchSize) {
            dispatch(lane);
        }
    }

    /** Sends every partial batch and waits until all requests are answered. */
    public void flush() {
        for (int lane = 0; lane < pending.size(); lane++) {
            if (!pending.get(lane).isEmpty()) {
                dispatch(lane);
            }
        }
        for (CompletableFuture<Void> f : inflight) {
            f.join();
        }
        checkFailure();
    }

    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
    }

    private void checkFailure() {
        ToolException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    private void dispatch(int lane) {
        inflight.get(lane).join();
        checkFailure();
        List<Object> batch = List.copyOf(pending.get(lane));
        pending.get(lane).clear();
        inflight.set(lane, CompletableFuture.runAsync(() -> {
            try {
                post(batch);
            } catch (ToolException e) {
                failure.compareAndSet(null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new ToolException("interrupted"));
            } catch (RuntimeException e) {
                failure.compareAndSet(null, new ToolException("POST " + path + " failed: " + e));
            }
        }, pool));
    }

    private void post(List<Object> batch) throws InterruptedException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(batch);
        } catch (JsonProcessingException e) {
            throw new ToolException("could not write JSON: " + e.getMessage());
        }
        if (body.length > MAX_BODY_BYTES && batch.size() > 1) {
            int half = batch.size() / 2;
            post(batch.subList(0, half));
            post(batch.subList(half, batch.size()));
            return;
        }
        String last = null;
        for (int attempt = 0; ; attempt++) {
            if (failure.get() != null || closed) {
                return;
            }
            URI target = targets.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) targets.size()));
            HttpRequest.Builder builder = HttpRequest.newBuilder(target)
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, application/problem+json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (apiKey != null) {
                builder.header("Authorization", "Bearer " + apiKey);
            }
            HttpRequest request = builder.build();
            long retryAfterMs = -1;
            stats.requests.incrementAndGet();
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = r.statusCode();
                if (status >= 200 && status < 300) {
                    stats.accepted.addAndGet(batch.size());
                    return;
                }
                if (status == 503 || status == 429 || status == 502 || status == 504) {
                    last = "HTTP " + status + " from " + target;
                    retryAfterMs = retryAfter(r);
                } else {
                    throw new ToolException(rejection(target, status, r.body(), batch));
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")") + " from " + target;
            }
            if (attempt >= maxRetries) {
                throw new ToolException("POST " + path + " still failing after " + (maxRetries + 1) + " attempts; last: " + last);
            }
            stats.retries.incrementAndGet();
            long backoff = Math.min(5_000L, 200L << Math.min(attempt, 10));
            long sleep = retryAfterMs >= 0 ? Math.min(retryAfterMs, 10_000L) : backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
            Thread.sleep(sleep);
        }
    }

    private static long retryAfter(HttpResponse<?> r) {
        Optional<String> h = r.headers().firstValue("Retry-After");
        if (h.isPresent()) {
            try {
                return Math.max(0, Long.parseLong(h.get().strip())) * 1000L;
            } catch (NumberFormatException ignored) {
                // an HTTP date: use the backoff
            }
        }
        return -1;
    }

    /** The message for a refused batch: status, problem body, and the offending records when the body names them. */
    String rejection(URI target, int status, String body, List<Object> batch) {
        StringBuilder sb = new StringBuilder();
        sb.append("POST ").append(target).append(" refused a batch of ").append(batch.size())
                .append(" with HTTP ").append(status);
        if (status == 413) {
            sb.append(" (payload too large: try a smaller --batch)");
        }
        sb.append(":\n").append(truncate(body == null ? "" : body.strip(), 4000));
        TreeSet<Integer> indexes = new TreeSet<>();
        try {
            collectIndexes(json.readTree(body), indexes);
        } catch (IOException | RuntimeException ignored) {
            // not JSON: the body alone has to do
        }
        int shown = 0;
        for (int i : indexes) {
            if (i < 0 || i >= batch.size() || shown == 3) {
                continue;
            }
            try {
                sb.append("\n  record [").append(i).append("]: ").append(json.writeValueAsString(batch.get(i)));
            } catch (JsonProcessingException ignored) {
                // cannot happen for records this tool built
            }
            shown++;
        }
        return sb.toString();
    }

    private static void collectIndexes(JsonNode node, TreeSet<Integer> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            JsonNode idx = node.get("index");
            if (idx != null && idx.canConvertToInt()) {
                out.add(idx.asInt());
            }
            node.elements().forEachRemaining(child -> collectIndexes(child, out));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectIndexes(child, out));
        }
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "... (" + (s.length() - max) + " more characters)" : s;
    }
}
