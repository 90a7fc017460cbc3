package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTP load generator, run by {@code bench} as a separate JVM so that its CPU and garbage collection are not
 * the measured process's:
 * {@code java -cp tools/target/streamrec-tools.jar io.streamrec.tools.bench.LoadGenerator SPEC.json}.
 *
 * <p>Like wrk2: each endpoint gets {@code rate / endpoints} requests per second over a fixed number of kept-alive
 * connections, each connection on its own {@link OpenLoopSchedule}; latency is measured from the due time (corrected
 * for coordinated omission) and also from the send time (service time). Requests due in the warm-up are sent but not
 * counted. Prints a {@link LoadResult} as JSON on stdout.
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: LoadGenerator SPEC.json");
            System.exit(2);
        }
        ObjectMapper json = new ObjectMapper();
        LoadSpec spec = json.readValue(Files.readAllBytes(Path.of(args[0])), LoadSpec.class);
        LoadResult result = run(spec);
        System.out.println(json.writeValueAsString(result));
        System.out.flush();
        System.exit(0);
    }

    static LoadResult run(LoadSpec spec) throws InterruptedException {
        List<URI> urls = spec.urls().stream().map(URI::create).toList();
        int endpointCount = spec.endpoints().size();
        double perEndpoint = spec.rate() / endpointCount;
        int connections = LoadSpec.connectionsFor(perEndpoint);
        long cpuBefore = cpuNanos();
        // start a little later so every thread is ready when the first request is due
        long start = System.nanoTime() + 200_000_000L;
        long measureFrom = start + (long) (spec.warmupSeconds() * 1e9);
        long end = measureFrom + (long) (spec.durationSeconds() * 1e9);
        List<Connection> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int e = 0; e < endpointCount; e++) {
            LoadSpec.Endpoint ep = spec.endpoints().get(e);
            for (int c = 0; c < connections; c++) {
                int urlIndex = (e + c) % urls.size();
                Connection conn = new Connection(ep, urlIndex, urls.get(urlIndex), urls.size() > 1,
                        new OpenLoopSchedule(start, perEndpoint / connections, c, connections),
                        measureFrom, end, spec.timeoutMillis(), new SplittableRandom(spec.seed() * 7919 + e * 131L + c));
                all.add(conn);
                Thread t = new Thread(conn, "load-" + ep.name() + "-" + c);
                t.setDaemon(true);
                threads.add(t);
            }
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000 + spec.timeoutMillis() + 5_000L));
        }
        Map<String, LatencyRecorder> merged = new LinkedHashMap<>();
        for (Connection c : all) {
            c.recorders.forEach((label, r) -> merged.computeIfAbsent(label, k -> new LatencyRecorder()).add(r));
        }
        Map<String, LoadResult.Stat> stats = new LinkedHashMap<>();
        merged.forEach((label, r) -> {
            long answered = r.service().getTotalCount();
            stats.put(label, new LoadResult.Stat(answered, r.errors(), r.unsent(), answered / spec.durationSeconds(),
                    LatencySummary.of(r.corrected()), LatencySummary.of(r.service())));
        });
        double cpu = (cpuNanos() - cpuBefore) / 1e9;
        return new LoadResult(spec.rate(), spec.durationSeconds(), cpu, stats);
    }

    private static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    /** One kept-alive connection sending its share of one endpoint's requests on schedule. */
    private static final class Connection implements Runnable {
        final LoadSpec.Endpoint endpoint;
        final int urlIndex;
        final boolean labelOwner;
        final OpenLoopSchedule schedule;
        final long measureFrom;
        final long end;
        final MiniHttp http;
        final SplittableRandom random;
        final Map<String, LatencyRecorder> recorders = new LinkedHashMap<>();

        Connection(LoadSpec.Endpoint endpoint, int urlIndex, URI url, boolean labelOwner, OpenLoopSchedule schedule,
                   long measureFrom, long end, int timeoutMillis, SplittableRandom random) {
            this.endpoint = endpoint;
            this.urlIndex = urlIndex;
            this.labelOwner = labelOwner;
            this.schedule = schedule;
            this.measureFrom = measureFrom;
            this.end = end;
            this.http = new MiniHttp(url, timeoutMillis);
            this.random = random;
        }

        @Override
        public void run() {
            List<LoadSpec.Target> targets = endpoint.targets();
            long k = 0;
            try {
                while (true) {
                    long due = schedule.due(k);
                    if (due >= end) {
                        break;
                    }
                    long now = System.nanoTime();
                    if (now >= end) {
                        // still behind when the run ends: every request due by now waited at least this long
                        long dueCount = schedule.dueBefore(end);
                        for (long j = k; j < dueCount; j++) {
                            long d = schedule.due(j);
                            if (d >= measureFrom) {
                                recorder(null).recordUnsent(d, end);
                            }
                        }
                        break;
                    }
                    while (now < due) {
                        LockSupport.parkNanos(due - now);
                        now = System.nanoTime();
                    }
                    LoadSpec.Target target = targets.get(random.nextInt(targets.size()));
                    long sent = System.nanoTime();
                    boolean ok;
                    try {
                        MiniHttp.Response r = http.get(target.path());
                        ok = r.status() < 400;
                    } catch (IOException e) {
                        ok = false;
                    }
                    long answered = System.nanoTime();
                    if (due >= measureFrom) {
                        LatencyRecorder all = recorder(null);
                        all.record(due, sent, answered);
                        if (!ok) {
                            all.error();
                        }
                        if (labelOwner && target.owner() >= 0) {
                            LatencyRecorder byOwner = recorder(target.owner() == urlIndex ? "local" : "forwarded");
                            byOwner.record(due, sent, answered);
                            if (!ok) {
                                byOwner.error();
                            }
                        }
                    }
                    k++;
                }
            } finally {
                http.close();
            }
        }

        private LatencyRecorder recorder(String suffix) {
            String label = suffix == null ? endpoint.name() : endpoint.name() + ":" + suffix;
            return recorders.computeIfAbsent(label, l -> new LatencyRecorder());
        }
    }
}
