package io.streamrec.tools.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest path: {@code POST /events} with batches of a given size from concurrent clients, each sending its next
 * request as soon as the previous one is answered (closed loop: this measures capacity, not latency under a given
 * rate). Every 202 means Kafka acknowledged the whole batch (acks=all).
 */
final class IngestBench {
    record Result(int batch, int clients, int instances, long requests, long events, long errors, double seconds,
                  double eventsPerSecond, double requestsPerSecond, LatencySummary latency) {
    }

    private IngestBench() {
    }

    static Result run(List<URI> urls, int batch, int clients, double seconds, String[] items, String runId, PrintStream log)
            throws InterruptedException {
        return run(urls, batch, clients, seconds, items, null, runId, log);
    }

    /**
     * @param users when given, every event is a view by a random one of these users of a random one of the items, as
     *              {@link BackgroundLoad} posts them (live traffic of a shop's known users); else each client writes
     *              for 200 users of its own, new ones
     */
    static Result run(List<URI> urls, int batch, int clients, double seconds, String[] items, List<String> users, String runId,
                      PrintStream log) throws InterruptedException {
        AtomicLong requests = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Histogram h = new Histogram(LatencyRecorder.HIGHEST_MICROS, 3);
            histograms.add(h);
            Thread t = new Thread(() -> {
                java.util.SplittableRandom random = new java.util.SplittableRandom(31L + client);
                try (MiniHttp http = new MiniHttp(urls.get(client % urls.size()), 15_000)) {
                    for (long k = 0; System.nanoTime() < end; k++) {
                        byte[] body = users == null
                                ? EventBodies.batch(batch, "ing-" + runId + "-b" + batch + "-c" + client + "-" + k,
                                "ingest-" + runId + "-c" + client, 200, items, (int) (k * batch), System.currentTimeMillis())
                                : BackgroundLoad.views(batch, "ing-" + runId + "-c" + client + "-" + k, users, items, random);
                        long t0 = System.nanoTime();
                        try {
                            MiniHttp.Response r = http.post("/events", body);
                            h.recordValue(Math.min(LatencyRecorder.HIGHEST_MICROS, (System.nanoTime() - t0) / 1000));
                            requests.incrementAndGet();
                            if (r.status() == 202) {
                                events.addAndGet(batch);
                            } else {
                                errors.incrementAndGet();
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                    }
                }
            }, "ingest-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join((long) (seconds * 1000) + 30_000);
        }
        double took = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(LatencyRecorder.HIGHEST_MICROS, 3);
        histograms.forEach(all::add);
        Result r = new Result(batch, clients, urls.size(), requests.get(), events.get(), errors.get(), took,
                events.get() / took, requests.get() / took, LatencySummary.of(all));
        log.printf("  ingest, batches of %d, %d clients: %,.0f events/s (%,.0f requests/s), p50 %s ms, p99 %s ms, %d errors%n",
                batch, clients, r.eventsPerSecond(), r.requestsPerSecond(), Report.num(r.latency().p50Ms(), 1),
                Report.num(r.latency().p99Ms(), 1), r.errors());
        return r;
    }
}
