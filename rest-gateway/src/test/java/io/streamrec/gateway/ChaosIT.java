package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import io.streamrec.testsupport.ForkedKafka;
import io.streamrec.testsupport.TopicReader;
import io.streamrec.testsupport.Wait;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault injection with a verifier (after Kafka's exactly-once system tests): a seeded synthetic input
 * ({@link ChaosVerifier}) is sent through {@code POST /events} to the running gateways, two at the start, while this
 * test, in rounds, SIGKILLs a gateway and restarts it, SIGKILLs the broker (a process of its own, {@link ForkedKafka})
 * and starts it again on the same log directory, adds a gateway (a rebalance) and stops one (another), and in between
 * writes malformed records and resends of accepted events straight to {@code streamrec.events}, besides the resends,
 * the batches with an invalid event (400) and the batches given up after a 503 or no answer that the ingest client
 * sends. Once markers sent after the last fault are visible in user features and item statistics on every gateway,
 * it checks exactly, through every gateway still running: each accepted event in its user's history once, the
 * user's features and its item's statistics counting it once (nothing lost, nothing counted twice), the events of
 * batches answered 400 absent, those of batches answered 503 (or not at all) absent or present once, and the DLQ
 * holding each injected malformed record once and nothing else.
 *
 * <p>Sized for CI by default (about 6,000 events, one round of faults); a longer run:
 * {@code -Dchaos.events=30000 -Dchaos.rounds=3 -Dchaos.rate=80 -Dchaos.result=FILE} (README, "Fault injection"; the
 * result as JSON in FILE). No wall-clock assertion.
 */
class ChaosIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = Integer.getInteger("chaos.events", 6000);
    private static final int ROUNDS = Integer.getInteger("chaos.rounds", 1);
    /** Fresh events per second the ingest client aims at (it sends fewer while the broker is away). */
    private static final int RATE = Integer.getInteger("chaos.rate", 50);
    /** Ingest clients sending at once (each its share of the rate). */
    private static final int CLIENTS = Integer.getInteger("chaos.clients", 2);
    private static final long SEED = Long.getLong("chaos.seed", 20261202L);
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("chaos.outage-seconds", 10));
    private static final int MALFORMED_PER_INJECTION = 8;
    private static final Duration READY = Duration.ofSeconds(180);
    /** Which gateway a fault hits. */
    private static final Random PICK = new Random(SEED + 100);

    private static ForkedKafka kafka;
    private static Path work;
    /** Every gateway started (to close them all); {@link #up} those the ingest client may send to. */
    private static final List<GatewayProcess> started = new CopyOnWriteArrayList<>();
    private static final List<GatewayProcess> up = new CopyOnWriteArrayList<>();
    private static int gatewayNames;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "it-work", "chaos-" + System.currentTimeMillis()));
        kafka = ForkedKafka.start(work.resolve("broker"));
        kafka.createStreamrecTopics(6);
        GatewayProcess a = newGateway().start();
        GatewayProcess b = newGateway().start();
        a.awaitReady(READY);
        b.awaitReady(READY);
        up.addAll(List.of(a, b));
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayProcess gw : started) {
            gw.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** What {@code -Dchaos.result} gets: filled in as the run goes, written when it ends, passed or not. */
    private static final Map<String, Object> result = new java.util.LinkedHashMap<>();

    @Test
    void everyAcceptedEventCountsOnceThroughKillsBrokerRestartsAndRebalances() throws Exception {
        result.put("test", "ChaosIT");
        result.put("seed", SEED);
        result.put("rounds", ROUNDS);
        try {
            run();
            result.put("passed", true);
        } catch (Exception | AssertionError e) {
            result.put("passed", false);
            String message = String.valueOf(e.getMessage());
            result.put("failure", e.getClass().getSimpleName() + ": " + message.substring(0, Math.min(2000, message.length())));
            throw e;
        } finally {
            writeResult();
        }
    }

    private static void writeResult() throws IOException {
        String file = System.getProperty("chaos.result");
        if (file == null || file.isBlank()) {
            return;
        }
        result.put("finished", Instant.now().toString());
        Path path = Path.of(file);
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(path.toFile(), result);
        System.out.println("ChaosIT result written to " + path.toAbsolutePath());
    }

    private static void run() throws Exception {
        long begin = System.nanoTime();
        ChaosVerifier input = new ChaosVerifier(SEED, Math.max(20, EVENTS / 40), Math.max(10, EVENTS / 150),
                Instant.now().minus(Duration.ofHours(3)).toEpochMilli());
        AtomicInteger sent = new AtomicInteger();
        List<Ingester> ingesters = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            ingesters.add(new Ingester(input, c, sent));
        }
        List<String> faults = new ArrayList<>();
        result.put("faults", faults);
        ingesters.forEach(Thread::start);
        try {
            List<Step> steps = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                steps.add(ChaosIT::killAndRestartAGateway);
                steps.add(() -> injectMalformed(input));
                steps.add(ChaosIT::restartTheBroker);
                steps.add(ChaosIT::addAGateway);
                steps.add(() -> injectMalformed(input) + "; " + injectRawDuplicates(input));
                steps.add(ChaosIT::removeAGateway);
            }
            for (int i = 0; i < steps.size(); i++) {
                int threshold = (int) ((long) EVENTS * (i + 1) / (steps.size() + 1));
                Wait.until(threshold + " events sent", Duration.ofMinutes(10), Duration.ofMillis(200), () -> {
                    ingesters.forEach(Ingester::healthy);
                    return sent.get() >= threshold;
                });
                String fault = steps.get(i).run();
                faults.add(fault);
                System.out.printf("ChaosIT %.0f s: %s (%d events accepted so far)%n", seconds(begin), fault, input.acceptedCount());
            }
            ingesters.forEach(i -> i.faultsDone = true);
            Wait.until("the ingest clients through their " + EVENTS + " events", Duration.ofMinutes(10), Duration.ofMillis(500), () -> {
                ingesters.forEach(Ingester::healthy);
                return ingesters.stream().noneMatch(Thread::isAlive);
            });
        } finally {
            for (Ingester i : ingesters) {
                i.finish();
            }
        }
        ingesters.forEach(Ingester::healthy);
        double ingestSeconds = seconds(begin);
        result.put("events", sent.get());
        result.put("accepted", input.acceptedCount());
        result.put("duplicatesSent", input.duplicatesSent());
        result.put("postsByStatus", input.statuses());
        result.put("ingestSeconds", Math.round(ingestSeconds));
        System.out.println("ChaosIT input: " + input.inputSummary());

        // processing done: a marker sent through every gateway after everything else shows on the user and item side
        for (GatewayProcess gw : up) {
            String marker = "chaos-marker-" + gw.port;
            String body = "{\"eventId\":\"" + marker + "\",\"userId\":\"" + marker + "\",\"itemId\":\"" + marker
                    + "\",\"eventType\":\"view\"}";
            Wait.until("marker accepted by port " + gw.port, Duration.ofSeconds(120), Duration.ofSeconds(1),
                    () -> status(() -> gw.post("/events", body)) == 202);
            for (GatewayProcess reader : up) {
                Wait.until(marker + " in user features and item stats on port " + reader.port, Duration.ofSeconds(240),
                        Duration.ofMillis(500), () -> count(reader, "/users/" + marker + "/features", "counts", "view") == 1
                                && count(reader, "/items/" + marker + "/stats", "events") == 1);
            }
        }
        double processedSeconds = seconds(begin);

        GatewayProcess first = up.get(0);
        AtomicReference<ChaosVerifier.Report> last = new AtomicReference<>();
        try {
            Wait.until("the verifier's counts exact", Duration.ofSeconds(240), Duration.ofSeconds(3), () -> {
                try {
                    last.set(verify(input, first));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return last.get().exact();
            });
        } catch (AssertionError e) {
            putReport(last.get());
            throw new AssertionError("not exact after the markers and 240 s more: " + last.get(), e);
        }
        Thread.sleep(5000); // nothing more may arrive: a double count would show now
        for (GatewayProcess gw : up) {
            ChaosVerifier.Report r = verify(input, gw);
            System.out.println("ChaosIT verifier through port " + gw.port + ": " + r);
            putReport(r);
            assertTrue(r.exact(), "through port " + gw.port + ": " + r);
            assertEquals("RUNNING", JSON.readTree(gw.get("/instances").body()).get("state").asText());
            assertTrue(gw.alive(), "gateway on port " + gw.port + " exited:\n" + gw.logTail());
        }
        ChaosVerifier.Report r = last.get();
        Map<Integer, Integer> statuses = input.statuses();
        assertTrue(statuses.getOrDefault(503, 0) > 0, "no POST was refused while the broker was away: " + statuses);
        assertTrue(statuses.keySet().stream().allMatch(s -> s == 202 || s == 400 || s == 503 || s == ChaosVerifier.NO_ANSWER),
                "a POST answered other than 202, 400, 503: " + statuses);
        assertTrue(input.duplicatesSent() > 0 && r.malformed > 0 && r.malformed == r.dlqRecords);
        System.out.printf("ChaosIT: %d faults injected (%s); %d events, %d accepted, %d counted; lost %d, duplicated %d; "
                        + "%d duplicates sent, %d malformed records, DLQ %d; POSTs by status %s; ingest %.0f s, processed %.0f s, "
                        + "verified %.0f s%n", faults.size(), String.join("; ", faults), sent.get(),
                input.acceptedCount(), r.counted, r.lost, r.duplicated, input.duplicatesSent(), r.malformed, r.dlqRecords,
                statuses, ingestSeconds, processedSeconds, seconds(begin));
        putReport(r);
        result.put("processedSeconds", Math.round(processedSeconds));
        result.put("totalSeconds", Math.round(seconds(begin)));
    }

    /** The verifier's figures into the result (the last report wins). */
    private static void putReport(ChaosVerifier.Report r) {
        if (r == null) {
            return;
        }
        result.put("counted", r.counted);
        result.put("lost", r.lost);
        result.put("duplicated", r.duplicated);
        result.put("countersMismatched", r.countsMismatched);
        result.put("uncertainPresent", r.uncertainPresent);
        result.put("uncertainAbsent", r.uncertainAbsent);
        result.put("malformed", r.malformed);
        result.put("dlqRecords", r.dlqRecords);
        result.put("exact", r.exact());
    }

    /** A fault, run by the test's thread while the ingest client goes on; answers what it did. */
    @FunctionalInterface
    private interface Step {
        String run() throws Exception;
    }

    private static String killAndRestartAGateway() throws Exception {
        GatewayProcess gw = up.get(PICK.nextInt(up.size()));
        gw.kill(); // SIGKILL, with the ingest client's requests in flight: they get no answer
        up.remove(gw);
        Thread.sleep(2000);
        gw.start();
        gw.awaitReady(READY);
        up.add(gw);
        return "SIGKILLed the gateway on port " + gw.port + " and restarted it";
    }

    private static String restartTheBroker() throws Exception {
        kafka.kill();
        Thread.sleep(OUTAGE.toMillis());
        kafka.restart();
        return "SIGKILLed the broker, restarted it " + OUTAGE.toSeconds() + " s later";
    }

    private static String addAGateway() throws Exception {
        GatewayProcess gw = newGateway().start();
        gw.awaitReady(READY);
        up.add(gw);
        return "added a gateway on port " + gw.port + " (" + up.size() + " running)";
    }

    private static String removeAGateway() throws Exception {
        GatewayProcess gw = up.remove(0);
        gw.close(); // SIGTERM: it leaves the group, the others take its partitions over
        return "stopped the gateway on port " + gw.port + " (" + up.size() + " running)";
    }

    private static String injectMalformed(ChaosVerifier input) throws Exception {
        List<ChaosVerifier.BadRecord> records = input.malformed(MALFORMED_PER_INJECTION);
        try (KafkaProducer<byte[], byte[]> p = rawProducer()) {
            for (ChaosVerifier.BadRecord b : records) {
                p.send(new ProducerRecord<>(Topics.EVENTS, b.key().getBytes(StandardCharsets.UTF_8), b.value())).get();
                input.badWritten(b);
            }
        }
        return "wrote " + records.size() + " malformed records to " + Topics.EVENTS;
    }

    private static String injectRawDuplicates(ChaosVerifier input) throws Exception {
        List<ChaosVerifier.Event> again = input.duplicates(20);
        try (KafkaProducer<byte[], byte[]> p = rawProducer()) {
            for (ChaosVerifier.Event e : again) {
                var avro = e.avro();
                p.send(new ProducerRecord<>(Topics.EVENTS, null, e.timestamp(), EventRules.keyOf(avro).getBytes(StandardCharsets.UTF_8),
                        Serdes.CLICK_EVENT.serialize(Topics.EVENTS, avro))).get();
            }
        }
        return "wrote " + again.size() + " accepted events again to " + Topics.EVENTS;
    }

    private static KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static GatewayProcess newGateway() throws IOException {
        GatewayProcess gw = new GatewayProcess(kafka.bootstrapServers(), work, "g" + gatewayNames++);
        started.add(gw);
        return gw;
    }

    private static ChaosVerifier.Report verify(ChaosVerifier input, GatewayProcess gw) throws Exception {
        return input.verify(path -> {
            HttpResponse<String> r = gw.get(path);
            if (r.statusCode() == 404) {
                return null;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " on port " + gw.port + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        }, TopicReader.readToEnd(kafka.bootstrapServers(), Topics.EVENTS_DLQ, Duration.ofSeconds(60)));
    }

    /**
     * Sends the input in batches of 1 to 20 fresh events to a running gateway chosen at random, at about its share of
     * {@link #RATE} events per second, until {@link #EVENTS} were sent (by all clients) and the faults are done. Some batches carry resends of
     * accepted events, a few an invalid event (the batch must be answered 400). A batch answered 503 or not at all is
     * sent again (to any gateway) after its {@code Retry-After} half of the time, and given up otherwise.
     */
    private static final class Ingester extends Thread {
        private final AtomicInteger sent;
        private final int index;
        volatile boolean faultsDone;
        private volatile boolean stopping;
        private volatile Exception failure;
        private final ChaosVerifier input;
        private final Random random;

        Ingester(ChaosVerifier input, int index, AtomicInteger sent) {
            super("chaos-it-ingest-" + index);
            setDaemon(true);
            this.input = input;
            this.index = index;
            this.sent = sent;
            this.random = new Random(SEED + 1 + index);
        }

        @Override
        public void run() {
            long begin = System.nanoTime();
            int mine = 0;
            try {
                while (!stopping && (sent.get() < EVENTS || !faultsDone)) {
                    List<ChaosVerifier.Event> batch = new ArrayList<>();
                    int fresh = 1 + random.nextInt(20);
                    for (int k = 0; k < fresh; k++) {
                        batch.add(input.next());
                    }
                    if (random.nextInt(100) < 15) {
                        batch.addAll(input.duplicates(1 + random.nextInt(3)));
                    }
                    boolean invalid = random.nextInt(100) < 2;
                    send(batch, invalid);
                    sent.addAndGet(fresh);
                    mine += fresh;
                    if (index == 0) {
                        progress(begin);
                    }
                    long due = begin + (long) (mine * 1e9 * CLIENTS / RATE);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        private long lastProgress = System.nanoTime();

        /** Every 10 s: the share of the events sent, the rate, and when the events (not the faults) will be through. */
        private void progress(long begin) {
            long now = System.nanoTime();
            if (now - lastProgress < 10_000_000_000L) {
                return;
            }
            lastProgress = now;
            int n = sent.get();
            double rate = n / ((now - begin) / 1e9);
            System.out.printf("ChaosIT progress: %d of %d events sent (%.0f %%), %d accepted, %.0f events/s, ETA %s%n", n, EVENTS,
                    Math.min(100.0, 100.0 * n / EVENTS), input.acceptedCount(), rate,
                    n >= EVENTS ? "when the faults are done" : String.format("%.0f s", (EVENTS - n) / Math.max(1.0, rate)));
        }

        private void send(List<ChaosVerifier.Event> batch, boolean invalid) throws Exception {
            StringBuilder body = new StringBuilder("[");
            for (ChaosVerifier.Event e : batch) {
                body.append(body.length() == 1 ? "" : ",").append(e.json());
            }
            if (invalid) {
                body.append(',').append(input.invalidJson());
            }
            body.append(']');
            for (int attempt = 0; ; attempt++) {
                List<GatewayProcess> targets = up;
                GatewayProcess gw = targets.get(random.nextInt(targets.size()));
                HttpResponse<String> r;
                try {
                    r = gw.post("/events", body.toString());
                } catch (IOException e) {
                    r = null; // the gateway was killed (or stopped) under the request, or did not answer in time
                }
                int status = r == null ? ChaosVerifier.NO_ANSWER : r.statusCode();
                input.attempted(batch, status);
                if (status == 202 || status == 400) {
                    if ((status == 400) != invalid) {
                        throw new IllegalStateException("POST /events to port " + gw.port + " answered " + status
                                + " to a batch " + (invalid ? "with" : "without") + " an invalid event: " + r.body());
                    }
                    return;
                }
                if (status != 503 && status != ChaosVerifier.NO_ANSWER) {
                    throw new IllegalStateException("POST /events to port " + gw.port + " answered " + status + ": " + r.body());
                }
                if (random.nextBoolean() || attempt > 20) {
                    return; // given up: its events may be written, or not, but never twice
                }
                long retryAfter = r == null ? 1 : Long.parseLong(r.headers().firstValue("Retry-After").orElse("1"));
                Thread.sleep(1000L * Math.min(2, Math.max(1, retryAfter)));
            }
        }

        void healthy() {
            Exception f = failure;
            if (f != null) {
                throw new AssertionError("the ingest client failed: " + f, f);
            }
        }

        void finish() throws InterruptedException {
            stopping = true;
            join(Duration.ofMinutes(2).toMillis());
        }
    }

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> call() throws Exception;
    }

    private static int status(Call call) {
        try {
            return call.call().statusCode();
        } catch (Exception e) {
            return ChaosVerifier.NO_ANSWER;
        }
    }

    /** A number in a GET's JSON answer (0 for a 404 or an absent field); anything but 200 and 404 throws. */
    private static long count(GatewayProcess gw, String path, String... fields) {
        try {
            HttpResponse<String> r = gw.get(path);
            if (r.statusCode() == 404) {
                return 0;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode());
            }
            JsonNode node = JSON.readTree(r.body());
            for (String f : fields) {
                node = node.path(f);
            }
            return node.asLong();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
