package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.schemas.Topics;
import io.streamrec.processor.StreamrecTopology;
import io.streamrec.tools.ToolException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code ./streamrec bench}: throughput against a pass-through Kafka Streams application, freshness, query latency
 * under open-loop load, scale-out, footprint and the ingest path, in one run on this machine, each figure next to a
 * baseline measured in the same run. Starts and stops its own stacks through the {@code streamrec} script (state under
 * {@code --home}, its own ports), so it never touches a stack someone else runs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Performance benchmarks: throughput vs a pass-through Kafka Streams app, freshness, query latency "
                + "(open loop, separate JVM), scale-out to 2 gateways, footprint, ingest path.",
                "Starts its own stacks with ./streamrec up (state in --home, ports --kafka-port/--http-port) and stops them.",
                "Prints a table, writes JSON and PNG plots to --out, and ends with three 'bench ...' summary lines."})
public final class BenchCommand implements Callable<Integer> {
    static final String GATEWAY_APP_ID = "streamrec";

    @Option(names = "--quick", description = "smoke run (under 2 minutes): 100,000 replayed events, 1 gateway, short steps")
    boolean quick;

    @Option(names = "--data", description = "the Online Retail CSV (default: ../shared/data/online-retail/online_retail.csv.gz beside the repository)")
    Path data;

    @Option(names = "--min-events", description = "replayed events for the throughput comparison, at least (default: 2,000,000; --quick 100,000)")
    Long minEvents;

    @Option(names = "--max-run-seconds", description = "time bound of the full-topology run; its rate is measured over what it "
            + "committed by then (default: 120; --quick 30)")
    Integer maxRunSeconds;

    @Option(names = "--warmup-seconds", description = "time bound of a full-topology run before the measured one, in the same JVM, "
            + "so that the measured run is JIT-compiled as a long-running gateway is; its outputs are emptied before the measured run "
            + "(default: 180: on 2 cores the JIT still compiles for minutes; --quick 10; 0 = none)")
    Integer warmupSeconds;

    @Option(names = "--passthrough-seconds", description = "time bound of each pass-through run (default: 30; --quick 15)")
    Integer passThroughSeconds;

    @Option(names = "--serve-days", description = "days of data (the last ones) the serving stacks get, processed by the gateways "
            + "themselves (default: 30, so the 1- vs 2-gateway processing rates are measured over about 60,000 events; --quick 2)")
    Integer serveDays;

    @Option(names = "--serve-warmup-copies", description = "copies of the serving data (other users, same days) each serving stack "
            + "processes before the measured catch-up, to warm the gateways' JIT (default: 4; --quick 0)")
    Integer serveWarmupCopies;

    @Option(names = "--catch-up-seconds", description = "longest wait for the gateways to process the serving data (default: 180; --quick 45)")
    Integer catchUpSeconds;

    @Option(names = "--instances", split = ",", description = "gateway counts of the serving runs (default: 1,2; --quick 1)")
    List<Integer> instanceCounts;

    @Option(names = "--rates", split = ",", description = "offered query rates, requests/s over all endpoints (default: 100,200,400,600,800,1000,1500,2000,3000,4000,6000,8000; --quick 100,300)")
    List<Double> rates;

    @Option(names = "--step-seconds", description = "measured seconds per query rate, after a warm-up of a quarter of it (default: 6; --quick 3)")
    Double stepSeconds;

    @Option(names = "--freshness-probes", description = "freshness probes with 1 gateway (default: 1000; --quick 100); a quarter with 2")
    Integer freshnessProbes;

    @Option(names = "--ingest-seconds", description = "seconds per ingest batch size (default: 4; --quick 2)")
    Double ingestSeconds;

    @Option(names = "--ingest-clients", defaultValue = "8", description = "concurrent ingest clients (default: ${DEFAULT-VALUE})")
    int ingestClients;

    @Option(names = "--stream-threads", defaultValue = "2", description = "stream threads of the in-process applications, as the gateway (default: ${DEFAULT-VALUE})")
    int streamThreads;

    @Option(names = "--streams-config", description = "extra Kafka Streams setting of the in-process runs, key=value, "
            + "over the gateway's (repeatable; e.g. commit.interval.ms=1000)")
    Map<String, String> streamsOverrides = new LinkedHashMap<>();

    @Option(names = "--setting", description = "streamrec setting of the in-process topology, key=value (repeatable; "
            + "e.g. streamrec.training.max-per-second=0); the defaults otherwise, as the gateway")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--skip-throughput", description = "leave out the in-process throughput comparison")
    boolean skipThroughput;

    @Option(names = "--skip-serving", description = "leave out everything that needs gateways (throughput comparison only)")
    boolean skipServing;

    @Option(names = "--profile", description = "record the full-topology run with JDK Flight Recorder (kept in --out) and print its hottest methods")
    boolean profile;

    @Option(names = "--home", description = "state directory of the bench's stacks (default: $STREAMREC_HOME/bench, else .streamrec/bench)")
    Path home;

    @Option(names = "--kafka-port", description = "broker port of the bench's stacks (default: $STREAMREC_KAFKA_PORT, else 39092)")
    Integer kafkaPort;

    @Option(names = "--http-port", description = "first gateway port of the bench's stacks (default: $STREAMREC_HTTP_PORT, else 38080)")
    Integer httpPort;

    @Option(names = "--out", description = "directory for JSON and plots (default: bench/results in the repository)")
    Path out;

    @Option(names = "--root", description = "the repository (default: found from this jar's location)")
    Path root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final PrintStream log = System.err;
    private final List<Stack> open = Collections.synchronizedList(new ArrayList<>());

    /** Everything measured, in the order of the JSON. */
    private final Map<String, Object> results = new LinkedHashMap<>();

    // figures the summary and the plots need
    private GroupProgress.Run passThrough1;
    private GroupProgress.Run passThrough2;
    private GroupProgress.Run topologyRun;
    /** The full topology run before the measured one (JIT warm-up); null when none. */
    private GroupProgress.Run topologyWarmUp;
    /** Events per second posted in the background while query latency is measured. */
    static final double QUERY_BACKGROUND_EVENTS = 1000;
    private InputWriter.Written replayWritten;
    private final Map<Integer, GroupProgress.Run> gatewayRuns = new LinkedHashMap<>();
    private final Map<Integer, List<FreshnessBench.Result>> freshness = new LinkedHashMap<>();
    private final List<QueryLatencyBench.Result> latency = new ArrayList<>();
    private final Map<Integer, List<IngestBench.Result>> ingest = new LinkedHashMap<>();
    private final Map<String, Object> footprint = new LinkedHashMap<>();
    private Profiler.Summary profileSummary;
    private boolean recommendationsAvailable;
    private String recommendationsNote = "not tried";

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        resolveDefaults();
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Files.createDirectories(out);
        Path work = home.resolve("work");
        Stack.deleteTree(work);
        Files.createDirectories(work);
        Thread hook = new Thread(this::stopAll, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        results.put("date", java.time.OffsetDateTime.now().toString());
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("bench")) {
            args.remove(0);
        }
        results.put("command", ("./streamrec bench " + String.join(" ", args)).strip());
        results.put("machine", Machine.describe());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("quick", quick);
        settings.put("minEvents", minEvents);
        settings.put("maxRunSeconds", maxRunSeconds);
        settings.put("passThroughSeconds", passThroughSeconds);
        settings.put("warmupSeconds", warmupSeconds);
        settings.put("serveDays", serveDays);
        settings.put("serveWarmupCopies", serveWarmupCopies);
        settings.put("catchUpSeconds", catchUpSeconds);
        settings.put("instances", instanceCounts);
        settings.put("rates", rates);
        settings.put("stepSeconds", stepSeconds);
        settings.put("freshnessProbes", freshnessProbes);
        settings.put("ingestSeconds", ingestSeconds);
        settings.put("ingestClients", ingestClients);
        settings.put("streamThreads", streamThreads);
        settings.put("partitions", 6);
        settings.put("processingGuarantee", "exactly_once_v2");
        settings.put("commitIntervalMs", 100);
        results.put("settings", settings);

        log.printf("bench %s: stacks in %s, Kafka port %d, gateway ports from %d; results to %s%n", runId, home, kafkaPort, httpPort, out);
        log.printf("[1/4] reading %s ...%n", data);
        ReplayData replay = ReplayData.read(data, quick ? 120_000 : 0);
        log.printf("  %,d events, %,d users and guest sessions, %,d items%n", replay.events.size(), replay.distinctKeys(), replay.distinctItems());
        try {
            if (!skipThroughput) {
                throughputPhase(replay, runId);
            }
            int step = 3;
            for (int instances : skipServing ? List.<Integer>of() : instanceCounts) {
                log.printf("[%d/4] serving with %d gateway instance(s) ...%n", Math.min(step++, 4), instances);
                servingPhase(replay, instances, runId, work);
            }
        } finally {
            stopAll();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        results.put("elapsedSeconds", (System.nanoTime() - started) / 1e9);
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) results.get("machine");
        machine.put("loadAverageAtEnd", Machine.loadAverage());
        writeOutputs(runId);
        return 0;
    }

    private void resolveDefaults() {
        if (root == null) {
            root = Machine.repositoryRoot();
        }
        Path script = root.resolve("streamrec");
        if (!Files.isRegularFile(script)) {
            throw new ToolException("no streamrec script in " + root + " (use --root)", 2);
        }
        if (data == null) {
            data = root.toAbsolutePath().getParent().resolve("shared/data/online-retail/online_retail.csv.gz");
        }
        if (!Files.isReadable(data)) {
            throw new ToolException("cannot read the data set " + data + " (use --data)", 2);
        }
        if (home == null) {
            String env = System.getenv("STREAMREC_HOME");
            home = (env != null && !env.isBlank() ? Path.of(env) : root.resolve(".streamrec")).resolve("bench");
        }
        home = home.toAbsolutePath();
        if (kafkaPort == null) {
            kafkaPort = envInt("STREAMREC_KAFKA_PORT", 39092);
        }
        if (httpPort == null) {
            httpPort = envInt("STREAMREC_HTTP_PORT", 38080);
        }
        if (out == null) {
            out = root.resolve("bench/results");
        }
        if (maxRunSeconds == null) {
            maxRunSeconds = quick ? 30 : 120;
        }
        if (warmupSeconds == null) {
            warmupSeconds = quick ? 10 : 180;
        }
        if (passThroughSeconds == null) {
            passThroughSeconds = quick ? 15 : 30;
        }
        if (serveDays == null) {
            serveDays = quick ? 2 : 30;
        }
        if (serveWarmupCopies == null) {
            serveWarmupCopies = quick ? 0 : 4;
        }
        if (catchUpSeconds == null) {
            catchUpSeconds = quick ? 45 : 180;
        }
        if (minEvents == null) {
            minEvents = quick ? 100_000L : 2_000_000L;
        }
        if (instanceCounts == null) {
            instanceCounts = quick ? List.of(1) : List.of(1, 2);
        }
        if (rates == null) {
            rates = quick ? List.of(100.0, 300.0) : List.of(100.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1500.0, 2000.0, 3000.0, 4000.0, 6000.0, 8000.0);
        }
        if (stepSeconds == null) {
            stepSeconds = quick ? 3.0 : 6.0;
        }
        if (freshnessProbes == null) {
            freshnessProbes = quick ? 100 : 1000;
        }
        if (ingestSeconds == null) {
            ingestSeconds = quick ? 2.0 : 4.0;
        }
        for (int n : instanceCounts) {
            if (n < 1 || n > 6) {
                throw new ToolException("--instances: between 1 and 6 gateways (6 partitions)", 2);
            }
        }
        if (ingestClients < 1 || ingestClients > 64 || streamThreads < 1 || streamThreads > 8) {
            throw new ToolException("--ingest-clients must be 1..64 and --stream-threads 1..8", 2);
        }
    }

    private static int envInt(String name, int fallback) {
        String v = System.getenv(name);
        try {
            return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new ToolException(name + " is not a port number: '" + v + "'", 2);
        }
    }

    private Stack stack(String name, int instances) {
        Stack s = new Stack(root.resolve("streamrec"), home.resolve(name), kafkaPort, httpPort, instances, log);
        open.add(s);
        return s;
    }

    private void stopAll() {
        synchronized (open) {
            for (Stack s : open) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    log.println("  could not stop the stack in " + s.home() + ": " + e.getMessage());
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ throughput

    private void throughputPhase(ReplayData replay, String runId) throws Exception {
        int reps = replay.repetitionsFor(minEvents);
        long total = (long) reps * replay.events.size();
        log.printf("[2/4] throughput: %d x %,d = %,d events, full topology vs pass-through, exactly-once, %d stream thread(s)%n",
                reps, replay.events.size(), total, streamThreads);
        Stack stack = stack("throughput", 0);
        stack.start();
        MiniHttp.useApiKey(stack.adminKey());
        Path stateRoot = stack.home().resolve("streams");
        Map<String, String> gatewaySettings = ThroughputBench.gatewayStreamsSettings(
                root.resolve("rest-gateway/src/main/resources/application.properties"));
        gatewaySettings.putAll(streamsOverrides);
        log.printf("  Kafka Streams settings of the gateway%s, used by both applications: %s%n",
                streamsOverrides.isEmpty() ? "" : " with " + streamsOverrides, gatewaySettings);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("streamsSettings", gatewaySettings);
        try (GroupProgress kafka = new GroupProgress(stack.bootstrap())) {
            InputWriter.writeCatalog(stack.bootstrap(), replay.catalog());
            long shift = replay.shiftMillis(reps, System.currentTimeMillis() - 60_000);
            replayWritten = InputWriter.writeEvents(stack.bootstrap(), replay, reps, shift, log, "replay");
            ThroughputBench.createPassThroughTopic(kafka, 6);
            java.util.function.DoubleSupplier brokerCpu = () -> Footprint.cpuSeconds(stack.pids().getOrDefault("kafka", -1L));
            passThrough1 = ThroughputBench.run(ThroughputBench.App.PASSTHROUGH, stack.bootstrap(), "bench-passthrough-1",
                    stateRoot.resolve("passthrough-1"), streamThreads, gatewaySettings, Map.of(), kafka, passThroughSeconds, brokerCpu, log);
            if (warmupSeconds > 0) {
                // the JIT compiles the topology's code for a minute or more on 2 cores; a gateway in service has long done so
                log.printf("  warm-up: the full topology for at most %d s in this JVM (not measured), then its outputs emptied%n", warmupSeconds);
                topologyWarmUp = ThroughputBench.run(ThroughputBench.App.TOPOLOGY, stack.bootstrap(), "bench-topology-warmup",
                        stateRoot.resolve("topology-warmup"), streamThreads, gatewaySettings, settings, kafka, warmupSeconds, brokerCpu, log);
                ThroughputBench.resetOutputs(kafka, kafka.endOffsets(io.streamrec.schemas.Topics.EVENTS).size(), log);
            }
            Profiler profiler = profile ? new Profiler(out.resolve("bench-" + runId + "-topology.jfr")) : null;
            try {
                topologyRun = ThroughputBench.run(ThroughputBench.App.TOPOLOGY, stack.bootstrap(), "bench-topology",
                        stateRoot.resolve("topology"), streamThreads, gatewaySettings, settings, kafka, maxRunSeconds, brokerCpu, log);
            } finally {
                if (profiler != null) {
                    profiler.close();
                    // the stream threads themselves, not their producers' network threads ("...-StreamThread-1-producer")
                    profileSummary = Profiler.summarize(profiler.file(), ".*-StreamThread-\\d+", 25);
                }
            }
            passThrough2 = ThroughputBench.run(ThroughputBench.App.PASSTHROUGH, stack.bootstrap(), "bench-passthrough-2",
                    stateRoot.resolve("passthrough-2"), streamThreads, gatewaySettings, Map.of(), kafka, passThroughSeconds, brokerCpu, log);
        } finally {
            stack.close();
        }
        t.put("events", total);
        t.put("repetitions", reps);
        t.put("directProducer", replayWritten);
        t.put("passThroughBefore", withoutSamples(passThrough1));
        if (topologyWarmUp != null) {
            t.put("topologyWarmUp", withoutSamples(topologyWarmUp));
        }
        t.put("topology", withoutSamples(topologyRun));
        t.put("passThroughAfter", withoutSamples(passThrough2));
        t.put("passThroughEventsPerSecond", passThroughRate());
        t.put("ratio", topologyRun.steadyEventsPerSecond() / passThroughRate());
        // the same comparison in CPU per event: what the topology costs, nearly independent of other load on the machine
        Double passCpu = minCpu(passThrough1, passThrough2);
        if (passCpu != null && topologyRun.cpuMicrosPerEvent() != null) {
            t.put("cpuRatio", passCpu / topologyRun.cpuMicrosPerEvent());
        }
        t.put("samples", Map.of("passThroughBefore", passThrough1.samples(), "topology", topologyRun.samples(),
                "passThroughAfter", passThrough2.samples()));
        if (profileSummary != null) {
            t.put("profile", profileSummary);
        }
        results.put("throughput", t);
        // the in-process topology's stores, closed and flushed: state at the replay's scale
        Map<String, Long> stores = Footprint.storeBytes(stateRoot.resolve("topology").resolve("bench-topology"));
        footprint.put("replayTopologyStores", storeFootprint(stores, replay.distinctKeysOfFirst(topologyRun.events()), replay.distinctItems()));
    }

    /**
     * The baseline is the faster of the two pass-through runs (the first usually runs with a cold JIT and a broker still
     * busy with the input): the conservative choice for the ratio.
     */
    private double passThroughRate() {
        return Math.max(passThrough1.steadyEventsPerSecond(), passThrough2.steadyEventsPerSecond());
    }

    static Double minCpu(GroupProgress.Run a, GroupProgress.Run b) {
        Double x = a.cpuMicrosPerEvent();
        Double y = b.cpuMicrosPerEvent();
        return x == null ? y : y == null ? x : Math.min(x, y);
    }

    private static Map<String, Object> withoutSamples(GroupProgress.Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", r.events());
        m.put("target", r.target());
        m.put("complete", r.complete());
        m.put("wallSeconds", r.wallSeconds());
        m.put("steadySeconds", r.steadySeconds());
        m.put("steadyEventsPerSecond", r.steadyEventsPerSecond());
        m.put("wallEventsPerSecond", r.wallEventsPerSecond());
        if (!r.threadMetrics().isEmpty()) {
            m.put("cpuMicrosPerEvent", r.cpuMicrosPerEvent());
            m.put("threadMetrics", r.threadMetrics());
        }
        return m;
    }

    private static Map<String, Object> storeFootprint(Map<String, Long> stores, long users, long items) {
        long userBytes = 0;
        long itemBytes = 0;
        for (Map.Entry<String, Long> e : stores.entrySet()) {
            if (Footprint.isUserStore(e.getKey())) {
                userBytes += e.getValue();
            } else if (Footprint.isItemStore(e.getKey())) {
                itemBytes += e.getValue();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("storeBytes", stores);
        m.put("totalBytes", stores.values().stream().mapToLong(Long::longValue).sum());
        m.put("users", users);
        m.put("items", items);
        m.put("userStoreBytes", userBytes);
        m.put("itemStoreBytes", itemBytes);
        m.put("bytesPerUser", users > 0 ? (double) userBytes / users : null);
        m.put("bytesPerItem", items > 0 ? (double) itemBytes / items : null);
        return m;
    }

    // ------------------------------------------------------------------------------------------------ serving

    private void servingPhase(ReplayData all, int instances, String runId, Path work) throws Exception {
        ReplayData replay = all.lastPart(Duration.ofDays(serveDays));
        Stack stack = stack("serve-" + instances, instances);
        stack.start();
        MiniHttp.useApiKey(stack.adminKey());
        Gateways gw = new Gateways(stack.urls());
        Map<String, Object> phase = new LinkedHashMap<>();
        Map<String, Long> rssIdle = Footprint.rss(stack.pids());
        long extraUsers = 0;
        try (GroupProgress kafka = new GroupProgress(stack.bootstrap())) {
            // the data set once, ending a minute ago, straight to Kafka; the gateways' own topology processes it
            InputWriter.writeCatalog(stack.bootstrap(), replay.catalog());
            long shift = replay.shiftMillis(1, System.currentTimeMillis() - 60_000);
            if (serveWarmupCopies > 0) {
                // JIT warm-up, as a long-running gateway has behind it: other users' copies of the same days, processed
                // by the gateways first and not measured (a fresh JVM compiles the topology's code for minutes)
                Map<org.apache.kafka.common.TopicPartition, Long> warmFrom = kafka.committed(GATEWAY_APP_ID);
                InputWriter.writeEvents(stack.bootstrap(), replay, 1, serveWarmupCopies, shift, true, log,
                        "warm-up: " + serveWarmupCopies + " other users' copies of the last " + serveDays + " days");
                GroupProgress.Run warm = awaitGateways(kafka, warmFrom, instances + " gateway(s), warm-up");
                log.printf("  warm-up: %d gateway(s) processed %,d events in %.1f s: %,.0f events/s steady (JIT-cold, not the measured rate)%n",
                        instances, warm.events(), warm.wallSeconds(), warm.steadyEventsPerSecond());
                phase.put("gatewayWarmUp", withoutSamples(warm));
            }
            Map<org.apache.kafka.common.TopicPartition, Long> before = kafka.committed(GATEWAY_APP_ID);
            Map<String, Double> cpuBefore = Footprint.cpuSeconds(stack.pids());
            InputWriter.writeEvents(stack.bootstrap(), replay, 1, shift, log,
                    "last " + serveDays + " days of the data set");
            GroupProgress.Run run = awaitGateways(kafka, before, instances + " gateway(s)");
            log.printf("  %d gateway(s) processed %,d events in %.1f s: %,.0f events/s steady%s%n", instances, run.events(),
                    run.wallSeconds(), run.steadyEventsPerSecond(), run.complete() ? "" : " (NOT caught up: what follows runs with a backlog)");
            gatewayRuns.put(instances, run);
            phase.put("gatewayThroughput", withoutSamples(run));
            Map<String, Double> cpuAfter = Footprint.cpuSeconds(stack.pids());
            Map<String, Double> cpuUsed = new LinkedHashMap<>();
            cpuAfter.forEach((name, c) -> cpuUsed.put(name, c - cpuBefore.getOrDefault(name, Double.NaN)));
            log.printf("  CPU seconds used while processing them, per process: %s%n", cpuUsed);
            phase.put("processingCpuSeconds", cpuUsed);

            // query targets: users active in the last 25 days of the data (their history is within the retention)
            Random random = new Random(7);
            List<String> users = new ArrayList<>(replay.activeUsers(Duration.ofDays(25), 3));
            Collections.shuffle(users, random);
            users = users.subList(0, Math.min(2000, users.size()));
            List<String> items = replay.itemsByFrequency();
            items = items.subList(0, Math.min(2000, items.size()));
            String[] itemArray = items.toArray(new String[0]);
            String probeUser = users.get(0);
            int recStatus = gw.status("/recommendations/" + probeUser + "?count=10");
            recommendationsAvailable = recStatus == 200;
            recommendationsNote = recommendationsAvailable ? "available" : recStatus == 404
                    ? "not available (GET /recommendations answers 404: not built yet)"
                    : "not available (GET /recommendations answered " + recStatus + ")";
            log.printf("  GET /recommendations: %s%n", recommendationsNote);
            phase.put("recommendations", recommendationsNote);

            // freshness under background load
            List<FreshnessBench.Result> fresh = new ArrayList<>();
            int probes = instances == 1 ? freshnessProbes : Math.max(50, freshnessProbes / 4);
            long budget = Duration.ofSeconds(quick ? 15 : 40).toNanos();
            // the gateways' maximum for live traffic, as the background posts it (views by random known users of
            // random items, over REST, batches of 100) but closed loop from 4 clients: ingest and processing on the
            // same cores, from the first POST until the last event is processed
            Map<org.apache.kafka.common.TopicPartition, Long> liveFrom = kafka.committed(GATEWAY_APP_ID);
            long liveStart = System.nanoTime();
            IngestBench.Result burst = IngestBench.run(stack.urls(), 100, 4, quick ? 2 : 6, itemArray, users, runId + "-max-" + instances, log);
            GroupProgress.Run liveRun = awaitGateways(kafka, liveFrom, instances + " gateway(s), live-traffic maximum");
            double liveSeconds = (System.nanoTime() - liveStart) / 1e9;
            double liveMax = burst.events() / liveSeconds;
            log.printf("  live-traffic maximum: %,d events posted (%,.0f events/s accepted) and processed in %.1f s: %,.0f events/s%s%n",
                    burst.events(), burst.eventsPerSecond(), liveSeconds, liveMax, liveRun.complete() ? "" : " (NOT all processed in time)");
            Map<String, Object> live = new LinkedHashMap<>();
            live.put("eventsPosted", burst.events());
            live.put("postedEventsPerSecond", burst.eventsPerSecond());
            live.put("secondsUntilProcessed", liveSeconds);
            live.put("eventsPerSecond", liveMax);
            live.put("complete", liveRun.complete());
            phase.put("liveTrafficMaximum", live);
            // the rate they keep up with when it comes steadily, not in a burst: open loop at rising rates
            List<Double> tried = new ArrayList<>();
            for (double r : SUSTAINED_RATES) {
                if (r <= liveMax * 1.25 && (!quick || tried.size() < 2)) {
                    tried.add(r);
                }
            }
            SustainedRate.Result sustained = SustainedRate.search(stack.urls(), users, itemArray,
                    tried.stream().mapToDouble(Double::doubleValue).toArray(), runId + "-" + instances,
                    () -> eventsOnly(kafka.committed(GATEWAY_APP_ID)),
                    (from, seconds) -> awaitGateways(kafka, from, seconds, instances + " gateway(s), sustained step").complete(),
                    () -> LagMonitor.backlog(kafka, GATEWAY_APP_ID, Topics.EVENTS), log);
            awaitGateways(kafka, kafka.committed(GATEWAY_APP_ID), instances + " gateway(s), after the sustained steps");
            log.printf("  sustained live-traffic maximum: %,.0f events/s%n", sustained.eventsPerSecond());
            phase.put("sustainedLiveTraffic", sustained);
            // background traffic at half the measured maximum throughput, so freshness is measured under real load,
            // not a trickle: half of what these gateways keep up with as steady live traffic, and never more than
            // half the in-process topology's rate
            double max = sustained.eventsPerSecond() > 0 ? sustained.eventsPerSecond() : liveMax;
            if (topologyRun != null && topologyRun.steadyEventsPerSecond() > 0) {
                max = Math.min(max, topologyRun.steadyEventsPerSecond());
            }
            double bgEvents = Math.max(20, Math.floor(max / 2 / 100) * 100);
            try (BackgroundLoad bg = new BackgroundLoad(stack.urls(), users, itemArray, bgEvents, 100, runId + "-" + instances);
                 LagMonitor lag = new LagMonitor(kafka, GATEWAY_APP_ID, Topics.EVENTS)) {
                // the probes measure the steady state under this load, not the gateways' recovery from the steps above
                // nor the first seconds of the background: at least SETTLE_MILLIS, then until the user side's backlog
                // has stayed within 1.5 s of the load for 5 s (it commits once a second)
                long settle = quick ? 3000 : SETTLE_MILLIS;
                GroupProgress.sleep(settle);
                long maxLag = (long) (bgEvents * 1.5);
                boolean steady = lag.awaitSteady(maxLag, 5000, quick ? 10_000 : 90_000);
                log.printf("  background load running for %.0f s before the probes: %,d events accepted (%,.0f events/s of %,.0f offered), %d errors; "
                                + "user side backlog %,d events (%s)%n",
                        lag.elapsedMillis() / 1000.0, bg.eventsAccepted(), bg.eventsAccepted() / Math.max(1.0, lag.elapsedMillis() / 1000.0),
                        bgEvents, bg.errors(), lag.latest(), steady ? "steady: within 1.5 s of the load for 5 s" : "NOT steady after 90 s");
                long probesFrom = lag.elapsedMillis();
                fresh.add(FreshnessBench.kafkaBaseline(stack.bootstrap(), kafka.admin(), probes, log));
                fresh.add(FreshnessBench.history(stack.urls(), itemArray, probes, 2, runId + "-" + instances, budget, log));
                extraUsers += probes;
                if (recommendationsAvailable) {
                    List<FreshnessBench.Pair> pairs = impliedPairs(gw, items.subList(0, Math.min(100, items.size())));
                    if (pairs.isEmpty()) {
                        fresh.add(FreshnessBench.Result.unavailable("POST /events 202 -> GET /recommendations/{id} changes",
                                "no item with a similar item to imply"));
                    } else {
                        fresh.add(FreshnessBench.recommendations(stack.urls(), pairs, probes, 2, runId + "-" + instances, budget, log));
                        extraUsers += probes;
                    }
                } else {
                    fresh.add(FreshnessBench.Result.unavailable("POST /events 202 -> GET /recommendations/{id} changes", recommendationsNote));
                }
                long[] backlog = lag.medianAndMax(probesFrom);
                log.printf("  user side backlog while the probes ran: median %,d events, max %,d (%.1f s and %.1f s of the load)%n",
                        backlog[0], backlog[1], backlog[0] / bgEvents, backlog[1] / bgEvents);
                Map<String, Object> load = new LinkedHashMap<>();
                load.put("steadyBeforeProbes", steady);
                load.put("backlogMedianEvents", backlog[0]);
                load.put("backlogMaxEvents", backlog[1]);
                load.put("eventsPerSecond", bg.eventsPerSecond);
                load.put("historyQueriesPerSecond", bg.queriesPerSecond);
                load.put("eventsAccepted", bg.eventsAccepted());
                load.put("queries", bg.queries());
                load.put("errors", bg.errors());
                phase.put("backgroundLoad", load);
            }
            freshness.put(instances, fresh);
            phase.put("freshness", fresh);

            // query latency, open loop, separate JVM
            List<LoadSpec.Endpoint> endpoints = endpoints(gw, users, items);
            String target = recommendationsAvailable ? "recommendations" : "history";
            double[] rateArray = rates.stream().mapToDouble(Double::doubleValue).toArray();
            // with event processing going on meanwhile, as in a shop: 1,000 events/s posted in the background
            QueryLatencyBench.Result q;
            try (BackgroundLoad bg = new BackgroundLoad(stack.urls(), users, itemArray, QUERY_BACKGROUND_EVENTS, 0, runId + "-q-" + instances)) {
                q = QueryLatencyBench.run(gw, endpoints, target, rateArray, Math.max(1, stepSeconds / 4), stepSeconds, work, log);
                log.printf("  background during the query steps: %,d events accepted (%,.0f events/s offered)%n",
                        bg.eventsAccepted(), QUERY_BACKGROUND_EVENTS);
            }
            latency.add(q);
            phase.put("queryLatency", q);

            // ingest path
            List<IngestBench.Result> ing = new ArrayList<>();
            for (int batch : new int[]{1, 10, 100}) {
                ing.add(IngestBench.run(stack.urls(), batch, ingestClients, ingestSeconds, itemArray, runId + "-" + instances, log));
            }
            extraUsers += ingestClients * 100L;
            ingest.put(instances, ing);
            phase.put("ingest", ing);

            Map<String, Object> fp = new LinkedHashMap<>();
            fp.put("rssIdleBytes", rssIdle);
            fp.put("rssLoadedBytes", Footprint.rss(stack.pids()));
            fp.put("benchRssBytes", Footprint.selfRssBytes());
            footprint.put("serve-" + instances, fp);
            // stores are measured after the stack stops: RocksDB then has flushed its memtables
            stack.close();
            Map<String, Long> stores = new java.util.TreeMap<>();
            for (int i = 0; i < instances; i++) {
                Footprint.storeBytes(stack.home().resolve("gateway-" + i).resolve("state"))
                        .forEach((k, v) -> stores.merge(k, v, Long::sum));
            }
            fp.put("stores", storeFootprint(stores, replay.distinctKeysOfFirst(run.events()) + extraUsers, replay.distinctItems()));
            fp.put("changelogBytes", Footprint.changelogBytes(stack.home().resolve("kafka").resolve("data"), GATEWAY_APP_ID));
        } finally {
            stack.close();
        }
        results.put("serve-" + instances, phase);
    }

    /** Offered rates of the sustained live-traffic search (events/s), up to a quarter above the burst's rate. */
    static final double[] SUSTAINED_RATES = {500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000};

    private static Map<org.apache.kafka.common.TopicPartition, Long> eventsOnly(Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
        Map<org.apache.kafka.common.TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (tp.topic().equals(Topics.EVENTS)) {
                out.put(tp, o);
            }
        });
        return out;
    }

    /** How long the freshness probes' background load runs before the first probe. */
    static final long SETTLE_MILLIS = 15_000;

    /**
     * Waits (at most {@code --catch-up-seconds}) until the gateways' user side has committed everything written to
     * {@code streamrec.events} so far beyond {@code from}, and their item side has drained {@code streamrec.item-updates}.
     */
    private GroupProgress.Run awaitGateways(GroupProgress kafka, Map<org.apache.kafka.common.TopicPartition, Long> from, String label) {
        return awaitGateways(kafka, from, catchUpSeconds, label);
    }

    /** As above, waiting at most {@code seconds}. */
    private GroupProgress.Run awaitGateways(GroupProgress kafka, Map<org.apache.kafka.common.TopicPartition, Long> from, long seconds,
                                            String label) {
        return kafka.await(GATEWAY_APP_ID, Topics.EVENTS,
                () -> Map.of(StreamrecTopology.itemApplicationId(GATEWAY_APP_ID), java.util.Set.of(Topics.ITEM_UPDATES)), from,
                seconds, log, label);
    }

    /** Items with a first similar item ("similar", not the popular fallback): the implied next item of a probe. */
    private List<FreshnessBench.Pair> impliedPairs(Gateways gw, List<String> items) {
        List<FreshnessBench.Pair> out = new ArrayList<>();
        for (String item : items) {
            try {
                MiniHttp.Response r = gw.get("/items/" + item + "/similar?count=1");
                if (r.status() != 200) {
                    continue;
                }
                var node = gw.json().readTree(r.body());
                var first = node.path("items").path(0);
                if ("similar".equals(first.path("reason").asText()) && first.hasNonNull("itemId")) {
                    out.add(new FreshnessBench.Pair(item, first.get("itemId").asText()));
                }
            } catch (IOException ignored) {
                // skip this item
            }
        }
        return out;
    }

    /** The measured endpoints with their targets; ownership from GET /instances when there are several gateways. */
    private List<LoadSpec.Endpoint> endpoints(Gateways gw, List<String> users, List<String> items) throws IOException {
        int partitions = 6;
        boolean several = gw.urls().size() > 1;
        int[] userOwner = several ? gw.owners(Topics.EVENTS, partitions) : null;
        // every instance answers similar items from its global profiles: no owner to pick
        int[] itemOwner = null;
        List<LoadSpec.Endpoint> out = new ArrayList<>();
        if (recommendationsAvailable) {
            out.add(new LoadSpec.Endpoint("recommendations", targets(users, "/recommendations/%s?count=10", userOwner, partitions)));
        }
        out.add(new LoadSpec.Endpoint("history", targets(users, "/users/%s/history?limit=20", userOwner, partitions)));
        out.add(new LoadSpec.Endpoint("similar", targets(items, "/items/%s/similar?count=10", itemOwner, partitions)));
        out.add(new LoadSpec.Endpoint("health", List.of(new LoadSpec.Target("/q/health/live", -1))));
        return out;
    }

    private static List<LoadSpec.Target> targets(List<String> keys, String pattern, int[] owners, int partitions) {
        List<LoadSpec.Target> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            int owner = owners == null ? -1 : owners[Gateways.partitionOf(k, partitions)];
            out.add(new LoadSpec.Target(String.format(Locale.ROOT, pattern, java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8)), owner));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ output

    private void writeOutputs(String runId) throws IOException {
        results.put("footprint", footprint);
        BenchSummary summary = new BenchSummary(this::figures);
        results.put("summaryLines", summary.lines());
        Path jsonFile = out.resolve("bench-" + runId + ".json");
        Files.write(jsonFile, json.writeValueAsBytes(results));
        List<String> plots = new ArrayList<>();
        try {
            System.setProperty("java.awt.headless", "true");
            Path latencyPng = out.resolve("bench-" + runId + "-latency.png");
            Plots.latencyVsRate(latency, latencyPng);
            if (Files.exists(latencyPng)) {
                plots.add(latencyPng.toString());
            }
            Path throughputPng = out.resolve("bench-" + runId + "-throughput.png");
            Plots.throughput(summary.throughputBars(), throughputPng);
            if (Files.exists(throughputPng)) {
                plots.add(throughputPng.toString());
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            log.println("  plots not written: " + e);
        }
        PrintStream stdout = System.out;
        stdout.print(summary.table());
        stdout.println();
        stdout.println("results: " + jsonFile + (plots.isEmpty() ? "" : " (plots: " + String.join(", ", plots) + ")"));
        stdout.println();
        for (String line : summary.lines()) {
            stdout.println(line);
        }
        stdout.flush();
    }

    /** What {@link BenchSummary} needs, gathered in one value. */
    BenchSummary.Figures figures() {
        return new BenchSummary.Figures(results, replayWritten, passThrough1, passThrough2, topologyRun, topologyWarmUp, gatewayRuns,
                freshness, latency, ingest, footprint, profileSummary, recommendationsAvailable, recommendationsNote);
    }
}
