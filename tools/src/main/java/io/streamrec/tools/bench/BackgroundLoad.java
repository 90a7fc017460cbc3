package io.streamrec.tools.bench;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady traffic while freshness is measured, so that the probes do not see an idle system: events posted in batches
 * of 10 (of 100 above 500 events/s) to the data set's users, and history queries, each at a fixed rate (a late request is sent at once, never
 * skipped; the rates are low enough that it does not fall behind).
 */
final class BackgroundLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong eventsAccepted = new AtomicLong();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Thread ingest;
    private final Thread query;
    final double eventsPerSecond;
    final double queriesPerSecond;

    BackgroundLoad(List<URI> urls, List<String> users, String[] items, double eventsPerSecond, double queriesPerSecond, String runId) {
        this.eventsPerSecond = eventsPerSecond;
        this.queriesPerSecond = queriesPerSecond;
        this.ingest = new Thread(() -> ingestLoop(urls, users, items, runId), "background-ingest");
        this.query = new Thread(() -> queryLoop(urls, users), "background-query");
        ingest.setDaemon(true);
        query.setDaemon(true);
        if (eventsPerSecond > 0) {
            ingest.start();
        }
        if (queriesPerSecond > 0) {
            query.start();
        }
    }

    /** One paced request: request number {@code k} on connection {@code http}; true when it was answered as expected. */
    private interface Request {
        boolean send(long k, MiniHttp http, SplittableRandom random) throws IOException;
    }

    private void ingestLoop(List<URI> urls, List<String> users, String[] items, String runId) {
        // batches of 10 events, or of 100 above 500 events/s (the storefront's batching; keeps the request rate sane: one
        // sender sends them one after the other, and at 150 requests/s of 10 it fell behind, offering half the rate)
        int batch = eventsPerSecond > 500 ? 100 : 10;
        paced(urls, eventsPerSecond / batch, 17, (k, http, random) -> {
            boolean ok = http.post("/events", views(batch, "bg-" + runId + "-" + k, users, items, random)).status() == 202;
            if (ok) {
                eventsAccepted.addAndGet(batch);
            }
            return ok;
        });
    }

    /** A batch of views, each by a random one of the users of a random one of the items, eventIds {@code prefix-j}. */
    static byte[] views(int batch, String prefix, List<String> users, String[] items, SplittableRandom random) {
        StringBuilder sb = new StringBuilder(160 * batch).append('[');
        long now = System.currentTimeMillis();
        for (int j = 0; j < batch; j++) {
            if (j > 0) {
                sb.append(',');
            }
            EventBodies.appendEvent(sb, prefix + "-" + j, users.get(random.nextInt(users.size())),
                    items[random.nextInt(items.length)], "view", now);
        }
        sb.append(']');
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void queryLoop(List<URI> urls, List<String> users) {
        paced(urls, queriesPerSecond, 19, (k, http, random) -> {
            boolean ok = http.get("/users/" + users.get(random.nextInt(users.size())) + "/history?limit=20").status() == 200;
            if (ok) {
                queries.incrementAndGet();
            }
            return ok;
        });
    }

    /** Sends requests at a fixed rate, round-robin over the instances, until closed; failures are counted. */
    private void paced(List<URI> urls, double rate, long seed, Request request) {
        SplittableRandom random = new SplittableRandom(seed);
        OpenLoopSchedule schedule = new OpenLoopSchedule(System.nanoTime(), rate, 0, 1);
        MiniHttp[] http = new MiniHttp[urls.size()];
        for (int i = 0; i < http.length; i++) {
            http[i] = new MiniHttp(urls.get(i), 10_000);
        }
        try {
            for (long k = 0; running.get(); k++) {
                waitUntil(schedule.due(k));
                boolean ok;
                try {
                    ok = request.send(k, http[(int) (k % http.length)], random);
                } catch (IOException e) {
                    ok = false;
                }
                if (!ok) {
                    errors.incrementAndGet();
                }
            }
        } finally {
            for (MiniHttp h : http) {
                h.close();
            }
        }
    }

    private void waitUntil(long due) {
        long now;
        while ((now = System.nanoTime()) < due && running.get()) {
            LockSupport.parkNanos(Math.min(due - now, 50_000_000L));
        }
    }

    long eventsAccepted() {
        return eventsAccepted.get();
    }

    long queries() {
        return queries.get();
    }

    long errors() {
        return errors.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        ingest.join(15_000);
        query.join(15_000);
    }
}
