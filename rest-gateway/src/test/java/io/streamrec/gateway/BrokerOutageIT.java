package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.testsupport.ForkedKafka;
import io.streamrec.testsupport.Wait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker outage as it happens in production (README, "Broker outage"): one packaged gateway processes a steady
 * stream of events sent through {@code POST /events} while its broker, a real Kafka in a process of its own
 * ({@link ForkedKafka}), is killed with SIGKILL, stays away for 75 seconds and is started again on the same port and
 * log directory. All the while a client sends events (retrying a batch answered 503 after its {@code Retry-After}, as
 * the README tells clients to) and another queries every endpoint. It checks that:
 * <ul>
 *   <li>while the broker is away, ingest answers 503 with {@code Retry-After} and never 202; queries answer 200 (stale,
 *       from the local stores) or 503 with {@code Retry-After}, never a 500; {@code /instances} likewise;</li>
 *   <li>liveness stays UP and the process is never restarted: processing resumes by itself once the broker is back
 *       (a marker event sent after the restart reaches user and item side; the time it took is printed, not asserted);</li>
 *   <li>every event is counted exactly once in user features and item statistics, those retried after a 503 too.</li>
 * </ul>
 * No wall-clock assertion: only outcomes, with generous waits. The settings are production's (task.timeout.ms of a
 * day, session timeout 10 s), nothing test-only but the gateway's shorter ingest timeout (3 s, {@link GatewayProcess}).
 */
class BrokerOutageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 60;
    private static final int ITEMS = 25;
    private static final int BATCH = 10;
    private static final Duration OUTAGE = Duration.ofSeconds(75);
    /** The status recorded for a query that got no answer within {@link GatewayProcess}'s 10 s. */
    private static final int NO_ANSWER = -1;
    private static final long T0 = Instant.now().minus(Duration.ofHours(2)).toEpochMilli();

    private static ForkedKafka kafka;
    private static GatewayProcess gw;
    private static Path work;

    enum Phase { BEFORE, OUTAGE, AFTER }

    /** One answer: what was asked, in which phase it was sent and in which it was answered. */
    record Answer(String path, int status, String retryAfter, String contentType, Phase sent, Phase answered) {
        boolean duringOutage() {
            return sent == Phase.OUTAGE && answered == Phase.OUTAGE;
        }
    }

    private static volatile Phase phase = Phase.BEFORE;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "it-work", "outage-" + System.currentTimeMillis()));
        kafka = ForkedKafka.start(work.resolve("broker"));
        kafka.createStreamrecTopics(6);
        gw = new GatewayProcess(kafka.bootstrapServers(), work, "outage").start();
        gw.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void processingResumesByItselfAndEveryAcceptedEventCountsOnce() throws Exception {
        Ingester ingester = new Ingester();
        Prober prober = new Prober();
        ingester.start();
        prober.start();
        try {
            Wait.until("processing under way (events accepted and counted by the item side)", Duration.ofSeconds(120),
                    Duration.ofMillis(500), () -> {
                        ingester.healthy();
                        return ingester.accepted.get() >= 1000 && totalItemEvents() > 0;
                    });

            kafka.kill();
            phase = Phase.OUTAGE;
            long killed = System.nanoTime();
            while (System.nanoTime() - killed < OUTAGE.toNanos()) {
                Thread.sleep(500);
                assertTrue(gw.alive(), "the gateway exited while the broker was away:\n" + gw.logTail());
                ingester.healthy();
                prober.healthy();
            }
            phase = Phase.AFTER;
            kafka.restart();
            long back = System.nanoTime();

            // processing resumes by itself: an event sent now reaches the user side and the item side
            String marker = "marker-" + System.currentTimeMillis();
            postUntilAccepted("[" + event("outage-marker", "marker-user", marker, T0 + 3_600_000L) + "]", Duration.ofSeconds(180));
            Wait.until("the marker event in the user side's features", Duration.ofSeconds(180), Duration.ofMillis(100),
                    () -> count(get("/users/marker-user/features"), "counts", "view") == 1);
            double userSide = (System.nanoTime() - back) / 1e9;
            Wait.until("the marker event in the item side's statistics", Duration.ofSeconds(180), Duration.ofMillis(100),
                    () -> count(get("/items/" + marker + "/stats"), "events") == 1);
            double itemSide = (System.nanoTime() - back) / 1e9;
            System.out.printf("BrokerOutageIT recovery: broker back -> marker event accepted and in user features after %.1f s, "
                    + "in item stats after %.1f s%n", userSide, itemSide);

            Wait.until("more events accepted after the broker's return", Duration.ofSeconds(120), Duration.ofMillis(500),
                    () -> {
                        ingester.healthy();
                        return ingester.acceptedAfterReturn.get() >= 500;
                    });
        } finally {
            ingester.finish();
            prober.finish();
        }
        assertTrue(ingester.failure == null, "ingest client: " + ingester.failure);
        assertTrue(prober.failure == null, "query client: " + prober.failure);

        List<Answer> ingest = ingester.answers;
        List<Answer> outageIngest = ingest.stream().filter(Answer::duringOutage).toList();
        assertTrue(outageIngest.stream().anyMatch(a -> a.status() == 503), "no ingest was refused while the broker was away");
        for (Answer a : ingest) {
            assertTrue(a.status() == 202 || a.status() == 503, "ingest answered " + a);
            if (a.status() == 503) {
                assertTrue(a.retryAfter() != null, "503 without Retry-After: " + a);
                assertEquals(Problems.MEDIA_TYPE, a.contentType(), "503 not a problem document: " + a);
            }
        }
        assertTrue(outageIngest.stream().noneMatch(a -> a.status() == 202), "202 while the broker was away: " + outageIngest);

        List<Answer> queries = prober.answers;
        List<Answer> bad = queries.stream().filter(a -> a.status() == NO_ANSWER || a.status() >= 500 && a.status() != 503
                || a.status() == 503 && a.retryAfter() == null && !a.path().startsWith("/q/health/ready")).toList();
        assertTrue(bad.isEmpty(), "queries not answered, or answered 5xx other than 503 with Retry-After: " + bad);
        List<Answer> liveness = queries.stream().filter(a -> a.path().equals("/q/health/live")).toList();
        assertTrue(!liveness.isEmpty() && liveness.stream().allMatch(a -> a.status() == 200), "liveness was not always UP: "
                + liveness.stream().filter(a -> a.status() != 200).toList());
        List<Answer> outageQueries = queries.stream().filter(Answer::duringOutage).toList();
        assertTrue(outageQueries.stream().anyMatch(a -> a.path().startsWith("/items/popular") && a.status() == 200),
                "no query answered from the local stores while the broker was away: " + summary(outageQueries));
        System.out.println("BrokerOutageIT ingest answers: " + summary(ingest));
        System.out.println("BrokerOutageIT query answers during the outage: " + summary(outageQueries));
        System.out.println("BrokerOutageIT query answers overall: " + summary(queries));

        // every event counted exactly once: none lost with the broker, none counted twice after a retried 503
        Map<String, Integer> perUser = ingester.perUser();
        Map<String, Integer> perItem = ingester.perItem();
        long total = perItem.values().stream().mapToLong(Integer::longValue).sum();
        Wait.until("the item side counted all " + total + " events", Duration.ofSeconds(240), Duration.ofSeconds(1),
                () -> totalItemEvents() == total);
        Thread.sleep(3000); // nothing more may arrive: a double count would show now
        for (Map.Entry<String, Integer> e : perItem.entrySet()) {
            assertEquals(e.getValue().longValue(), count(get("/items/" + e.getKey() + "/stats"), "events"), "events of " + e.getKey());
        }
        for (Map.Entry<String, Integer> e : perUser.entrySet()) {
            assertEquals(e.getValue().longValue(), count(get("/users/" + e.getKey() + "/features"), "counts", "view"),
                    "views of " + e.getKey());
        }
        assertTrue(gw.alive(), "the gateway process exited");
        assertEquals("RUNNING", JSON.readTree(gw.get("/instances").body()).get("state").asText());
        String failures = gw.get("/q/metrics").body().lines().filter(l -> l.startsWith("streamrec_streams_thread_failures"))
                .collect(Collectors.joining("; "));
        System.out.println("BrokerOutageIT: " + ingester.accepted.get() + " events accepted (" + ingester.retried.get()
                + " batches retried after a 503), thread failures: " + (failures.isEmpty() ? "none" : failures));
    }

    /** Sends batches of view events one after the other; a batch answered 503 is sent again after its Retry-After. */
    private static final class Ingester extends Worker {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger acceptedAfterReturn = new AtomicInteger();
        final AtomicInteger retried = new AtomicInteger();
        private final Map<String, Integer> users = new ConcurrentHashMap<>();
        private final Map<String, Integer> items = new ConcurrentHashMap<>();
        private final Random random = new Random(20261203);
        private int next;

        Ingester() {
            super("ingest");
        }

        @Override
        void step() throws Exception {
            List<String[]> batch = new ArrayList<>();
            StringBuilder body = new StringBuilder("[");
            for (int k = 0; k < BATCH; k++, next++) {
                String user = "u" + random.nextInt(USERS);
                String item = "i" + Math.min(ITEMS - 1, (int) Math.abs(random.nextGaussian() * ITEMS / 3));
                batch.add(new String[]{user, item});
                body.append(k == 0 ? "" : ",").append(event("outage-" + next, user, item, T0 + next * 100L));
            }
            body.append(']');
            // a batch is sent until it is accepted (its events then count once, however many attempts reached Kafka)
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (true) {
                Phase sent = phase;
                HttpResponse<String> r = gw.post("/events", body.toString());
                answers.add(answer("/events", r, sent));
                if (r.statusCode() == 202) {
                    break;
                }
                if (r.statusCode() != 503 || System.nanoTime() > deadline) {
                    throw new IllegalStateException("POST /events answered " + r.statusCode() + ": " + r.body());
                }
                retried.incrementAndGet();
                Thread.sleep(1000L * Math.min(5, Math.max(1, Long.parseLong(r.headers().firstValue("Retry-After").orElse("1")))));
            }
            for (String[] e : batch) {
                users.merge(e[0], 1, Integer::sum);
                items.merge(e[1], 1, Integer::sum);
            }
            accepted.addAndGet(BATCH);
            if (phase == Phase.AFTER) {
                acceptedAfterReturn.addAndGet(BATCH);
            }
            Thread.sleep(50);
        }

        Map<String, Integer> perUser() {
            return new TreeMap<>(users);
        }

        Map<String, Integer> perItem() {
            return new TreeMap<>(items);
        }
    }

    /** Asks every query endpoint in turn, liveness and readiness among them. */
    private static final class Prober extends Worker {
        private int round;

        Prober() {
            super("query");
        }

        @Override
        void step() throws Exception {
            int k = round++;
            String user = "u" + (k % USERS);
            String item = "i" + (k % ITEMS);
            for (String path : List.of("/users/" + user + "/features", "/users/" + user + "/history?limit=5",
                    "/items/" + item + "/stats", "/items/" + item + "/similar?count=5", "/items/popular?count=5",
                    "/items/trending?window=1h&count=5", "/recommendations/" + user + "?count=5", "/instances",
                    "/q/health/live", "/q/health/ready")) {
                Phase sent = phase;
                try {
                    answers.add(answer(path, gw.get(path), sent));
                } catch (java.net.http.HttpTimeoutException e) {
                    answers.add(new Answer(path, NO_ANSWER, null, null, sent, phase));
                }
            }
            Thread.sleep(200);
        }
    }

    /** A client thread that repeats {@link #step()} until {@link #finish()}; the first exception ends it and is kept. */
    private abstract static class Worker extends Thread {
        final List<Answer> answers = new CopyOnWriteArrayList<>();
        volatile Exception failure;
        private volatile boolean stopping;

        Worker(String name) {
            super("outage-it-" + name);
            setDaemon(true);
        }

        abstract void step() throws Exception;

        /** This worker, if it has not failed; an {@link AssertionError} (which ends a {@link Wait}) if it has. */
        void healthy() {
            Exception f = failure;
            if (f != null) {
                throw new AssertionError(getName() + " failed: " + f, f);
            }
        }

        @Override
        public void run() {
            try {
                while (!stopping) {
                    step();
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        void finish() throws InterruptedException {
            stopping = true;
            join(Duration.ofMinutes(6).toMillis());
            if (isAlive()) {
                failure = new IllegalStateException(getName() + " did not finish");
            }
        }
    }

    private static Answer answer(String path, HttpResponse<String> r, Phase sent) {
        return new Answer(path, r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                r.headers().firstValue("Content-Type").orElse(null), sent, phase);
    }

    /** Status counts per endpoint (its path without ids and parameters). */
    private static String summary(List<Answer> answers) {
        Map<String, Map<Integer, Long>> byPath = new TreeMap<>();
        for (Answer a : answers) {
            String path = a.path().replaceAll("\\?.*", "").replaceAll("/(u|i)\\d+", "/{id}");
            byPath.computeIfAbsent(path, p -> new TreeMap<>()).merge(a.status(), 1L, Long::sum);
        }
        return byPath.toString();
    }

    private static String event(String eventId, String user, String item, long timestamp) {
        return "{\"eventId\":\"" + eventId + "\",\"userId\":\"" + user + "\",\"itemId\":\"" + item
                + "\",\"eventType\":\"view\",\"timestamp\":" + timestamp + "}";
    }

    private static void postUntilAccepted(String body, Duration timeout) {
        Wait.until("POST /events accepted", timeout, Duration.ofSeconds(1), () -> {
            try {
                return gw.post("/events", body).statusCode() == 202;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static long totalItemEvents() {
        long total = 0;
        for (int i = 0; i < ITEMS; i++) {
            total += count(get("/items/i" + i + "/stats"), "events");
        }
        return total;
    }

    /** A number in a JSON answer (0 when the path or the field is absent). */
    private static long count(JsonNode node, String... fields) {
        for (String f : fields) {
            node = node == null ? null : node.get(f);
        }
        return node == null ? 0 : node.asLong();
    }

    /** A 200's JSON body; null for a 404 (an item nothing counted yet); anything else throws. */
    private static JsonNode get(String path) {
        try {
            HttpResponse<String> r = gw.get(path);
            if (r.statusCode() == 404) {
                return null;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
