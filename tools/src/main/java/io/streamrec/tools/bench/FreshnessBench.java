package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Freshness: how long after {@code POST /events} answered 202 the event shows in what users are served. Each probe
 * posts one event for a user of its own and polls (every {@value #POLL_PAUSE_MICROS} microseconds, over a kept-alive
 * connection) until the answer reflects it; the baseline is the same hop through Kafka alone: producer acknowledged to
 * consumer received.
 */
final class FreshnessBench {
    /**
     * Pause between two polls of one probe: 5 ms, a resolution of 2.5 ms on average against a target of 100 ms. (It was
     * 0.5 ms, then 2 ms: the two probe workers then polled up to 1,000 times a second, each poll of the recommendations
     * a whole recommendation, a query load of their own beside the background's 100 queries a second, which no
     * storefront sends.)
     */
    static final long POLL_PAUSE_MICROS = 5000;
    static final long PROBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * @param impliedHits probes whose first changed recommendations held the item the probe's event implies (null: n/a)
     */
    record Result(String what, long probes, long timeouts, long errors, Long impliedHits, LatencySummary latency, String note) {
        static Result unavailable(String what, String note) {
            return new Result(what, 0, 0, 0, null, null, note);
        }
    }

    private FreshnessBench() {
    }

    /** Producer acknowledged (acks=all, as the gateway) to a consumer polling the same partition received it. */
    static Result kafkaBaseline(String bootstrap, org.apache.kafka.clients.admin.Admin admin, int count, PrintStream log) throws Exception {
        String topic = "bench.latency";
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!String.valueOf(e.getMessage()).contains("already exists")) {
                throw e;
            }
        }
        Map<String, Long> received = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean assigned = new AtomicBoolean();
        TopicPartition tp = new TopicPartition(topic, 0);
        Thread consumerThread = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-bench-latency"),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                c.assign(List.of(tp));
                c.seekToEnd(List.of(tp));
                c.position(tp);
                assigned.set(true);
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                        received.put(r.key(), System.nanoTime());
                    }
                }
            }
        }, "bench-latency-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        long[] latencies = new long[count];
        int timeouts = 0;
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new ByteArraySerializer())) {
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!assigned.get() && System.nanoTime() < waitUntil) {
                GroupProgress.sleep(20);
            }
            // one warm-up record: metadata, connections
            p.send(new ProducerRecord<>(topic, "warm-up", new byte[100])).get(10, TimeUnit.SECONDS);
            int n = 0;
            for (int i = 0; i < count; i++) {
                String key = "k" + i;
                p.send(new ProducerRecord<>(topic, key, new byte[100])).get(10, TimeUnit.SECONDS);
                long acked = System.nanoTime();
                long deadline = acked + PROBE_TIMEOUT_NANOS;
                Long got;
                while ((got = received.get(key)) == null && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(POLL_PAUSE_MICROS * 1000);
                }
                if (got == null) {
                    timeouts++;
                } else {
                    latencies[n++] = Math.max(0, got - acked);
                }
            }
            latencies = java.util.Arrays.copyOf(latencies, n);
        } finally {
            running.set(false);
            consumerThread.join(5000);
        }
        Result r = new Result("Kafka alone: producer ack -> consumer (baseline)", count, timeouts, 0, null,
                LatencySummary.ofNanos(latencies), null);
        log.printf("  %s: p50 %.1f ms, p99 %.1f ms%n", r.what(), r.latency().p50Ms(), r.latency().p99Ms());
        return r;
    }

    /** POST one event for a new user, then poll its history until the event is there. */
    static Result history(List<URI> urls, String[] items, int probes, int workers, String runId, long budgetNanos, PrintStream log)
            throws InterruptedException {
        return probe("POST /events 202 -> GET /users/{id}/history shows it", urls, probes, workers, budgetNanos, log, (w, i, http, random) -> {
            String user = "fresh-" + runId + "-" + i;
            String item = items[random.nextInt(items.length)];
            MiniHttp post = http[i % http.length];
            MiniHttp poll = http[(i + w) % http.length];
            MiniHttp.Response r = post.post("/events", EventBodies.one("fresh-" + runId + "-" + i, user, item, "view", System.currentTimeMillis()));
            if (r.status() != 202) {
                return Probe.ERROR;
            }
            long t0 = System.nanoTime();
            String needle = "\"itemId\":\"" + item + "\"";
            String path = "/users/" + user + "/history?limit=1";
            while (System.nanoTime() - t0 < PROBE_TIMEOUT_NANOS) {
                MiniHttp.Response h = poll.get(path);
                if (h.status() == 200 && h.text().contains(needle)) {
                    return new Probe(System.nanoTime() - t0, false);
                }
                LockSupport.parkNanos(POLL_PAUSE_MICROS * 1000);
            }
            return Probe.TIMEOUT;
        });
    }

    /** A strongly implied next item: {@code next} is the first similar item of {@code item}. */
    record Pair(String item, String next) {
    }

    /**
     * POST a view of {@code item} for a new user whose recommendations were read just before, then poll the
     * recommendations until their item list changes; counts how often the implied item is in the changed list.
     */
    static Result recommendations(List<URI> urls, List<Pair> pairs, int probes, int workers, String runId, long budgetNanos,
                                  PrintStream log) throws InterruptedException {
        ObjectMapper json = new ObjectMapper();
        AtomicLong implied = new AtomicLong();
        Result r = probe("POST /events 202 -> GET /recommendations/{id} changes", urls, probes, workers, budgetNanos, log, (w, i, http, random) -> {
            String user = "freshrec-" + runId + "-" + i;
            Pair pair = pairs.get(random.nextInt(pairs.size()));
            MiniHttp post = http[i % http.length];
            MiniHttp poll = http[(i + w) % http.length];
            String path = "/recommendations/" + user + "?count=10";
            MiniHttp.Response before = poll.get(path);
            if (before.status() != 200) {
                return Probe.ERROR;
            }
            List<String> beforeIds = Gateways.itemIds(json.readTree(before.body()));
            MiniHttp.Response r0 = post.post("/events", EventBodies.one("freshrec-" + runId + "-" + i, user, pair.item(), "view", System.currentTimeMillis()));
            if (r0.status() != 202) {
                return Probe.ERROR;
            }
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < PROBE_TIMEOUT_NANOS) {
                MiniHttp.Response now = poll.get(path);
                if (now.status() == 200) {
                    List<String> ids = Gateways.itemIds(json.readTree(now.body()));
                    if (!ids.equals(beforeIds)) {
                        long took = System.nanoTime() - t0;
                        if (ids.contains(pair.next())) {
                            implied.incrementAndGet();
                        }
                        return new Probe(took, false);
                    }
                }
                LockSupport.parkNanos(POLL_PAUSE_MICROS * 1000);
            }
            return Probe.TIMEOUT;
        });
        return new Result(r.what(), r.probes(), r.timeouts(), r.errors(), implied.get(), r.latency(), r.note());
    }

    private record Probe(long nanos, boolean failed) {
        static final Probe ERROR = new Probe(-1, true);
        static final Probe TIMEOUT = new Probe(-2, true);
    }

    private interface ProbeBody {
        Probe run(int worker, int index, MiniHttp[] http, SplittableRandom random) throws IOException;
    }

    /**
     * Runs up to {@code probes} probes on {@code workers} threads, each with its own connections; stops early when the
     * time budget is spent or when the first 20 probes all failed (the path does not work: no point waiting 5 s each).
     */
    private static Result probe(String what, List<URI> urls, int probes, int workers, long budgetNanos, PrintStream log,
                                ProbeBody body) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger timeouts = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long[] latencies = new long[probes];
        AtomicInteger measured = new AtomicInteger();
        long t0 = System.nanoTime();
        long deadline = t0 + budgetNanos;
        AtomicBoolean brokenPath = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                MiniHttp[] http = new MiniHttp[urls.size()];
                for (int u = 0; u < http.length; u++) {
                    http[u] = new MiniHttp(urls.get(u), 10_000);
                }
                SplittableRandom random = new SplittableRandom(1000L + worker);
                try {
                    for (int i = next.getAndIncrement(); i < probes && System.nanoTime() < deadline && !brokenPath.get(); i = next.getAndIncrement()) {
                        Probe p;
                        try {
                            p = body.run(worker, i, http, random);
                        } catch (IOException | RuntimeException e) {
                            p = Probe.ERROR;
                        }
                        if (p == Probe.TIMEOUT) {
                            timeouts.incrementAndGet();
                        } else if (p == Probe.ERROR) {
                            errors.incrementAndGet();
                        } else {
                            latencies[measured.getAndIncrement()] = p.nanos();
                        }
                        int d = done.incrementAndGet();
                        if (d == 20 && measured.get() == 0) {
                            brokenPath.set(true);
                        }
                    }
                } finally {
                    for (MiniHttp h : http) {
                        h.close();
                    }
                }
            }, "freshness-" + w);
            threads.add(t);
            t.start();
        }
        long lastLog = System.nanoTime();
        for (Thread t : threads) {
            while (t.isAlive()) {
                t.join(1000);
                if (System.nanoTime() - lastLog > 5_000_000_000L) {
                    lastLog = System.nanoTime();
                    log.printf("  freshness: %,d / %,d probes%n", done.get(), probes);
                }
            }
        }
        int n = measured.get();
        LatencySummary summary = LatencySummary.ofNanos(java.util.Arrays.copyOf(latencies, n));
        String note = brokenPath.get() ? "stopped: the first 20 probes all failed or timed out"
                : done.get() < probes ? "stopped by the time budget after " + done.get() + " probes" : null;
        Result r = new Result(what, done.get(), timeouts.get(), errors.get(), null, summary, note);
        log.printf("  %s: %,d probes, p50 %s ms, p99 %s ms, %d timeouts, %d errors%s%n", what, r.probes(),
                Report.num(summary.p50Ms(), 1), Report.num(summary.p99Ms(), 1), r.timeouts(), r.errors(),
                note == null ? "" : " (" + note + ")");
        return r;
    }
}
