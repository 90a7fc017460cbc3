package io.streamrec.tools.bench;

import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.StreamrecTopology;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import io.streamrec.tools.ToolException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes.ByteArraySerde;
import org.apache.kafka.common.serialization.Serdes.StringSerde;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Kafka Streams application in this JVM over the replay already in {@code streamrec.events} and times it until
 * its committed offsets reach the end: the full streamrec topology, or the pass-through baseline (read, deserialize
 * the ClickEvent, write it again). Both with a fresh application id, exactly-once v2 and the gateway's commit interval,
 * so that the difference between them is what the topology itself costs.
 */
final class ThroughputBench {
    static final String PASSTHROUGH_OUT = "bench.passthrough";

    enum App { PASSTHROUGH, TOPOLOGY }

    private ThroughputBench() {
    }

    /** The baseline: what any exactly-once Kafka Streams application reading these events pays at least. */
    static Topology passThrough() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Topics.EVENTS, Consumed.with(new StringSerde(), new ByteArraySerde()))
                .mapValues(v -> Serdes.CLICK_EVENT.deserialize(Topics.EVENTS, v))
                .to(PASSTHROUGH_OUT, Produced.with(new StringSerde(), Serdes.CLICK_EVENT));
        return b.build();
    }

    /**
     * The Kafka Streams settings of both applications: the gateway's own ({@code kafka-streams.*} in its
     * application.properties: exactly-once v2, commit interval, record cache size, ...), so that the in-process run
     * is the gateway's topology as configured, plus this run's application id, state directory and thread count.
     */
    static Properties streamsConfig(String bootstrap, String applicationId, Path stateDir, int threads, Map<String, String> gateway) {
        Map<String, Object> p = new HashMap<>(StreamrecTopology.requiredStreamsConfig());
        p.putAll(gateway);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return StreamrecTopology.toProperties(p);
    }

    /**
     * The {@code kafka-streams.*} settings of the gateway's application.properties (default profile), without the
     * prefix; those naming this instance (state directory, application server) and unresolved {@code ${...}} values are
     * left out. Empty when the file is not there.
     */
    static Map<String, String> gatewayStreamsSettings(Path applicationProperties) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isReadable(applicationProperties)) {
            return out;
        }
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(applicationProperties)) {
            props.load(in);
        } catch (IOException e) {
            return out;
        }
        for (String name : props.stringPropertyNames()) {
            String value = props.getProperty(name).strip();
            if (!name.startsWith("kafka-streams.") || value.contains("${")) {
                continue;
            }
            String key = name.substring("kafka-streams.".length());
            if (key.equals(StreamsConfig.STATE_DIR_CONFIG) || key.equals(StreamsConfig.APPLICATION_SERVER_CONFIG)) {
                continue;
            }
            out.put(key, value);
        }
        return out;
    }

    static void createPassThroughTopic(GroupProgress kafka, int partitions) {
        try {
            kafka.admin().createTopics(List.of(new NewTopic(PASSTHROUGH_OUT, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!String.valueOf(e.getMessage()).contains("already exists")) {
                throw new ToolException("cannot create " + PASSTHROUGH_OUT + ": " + e);
            }
        }
    }

    /**
     * Empties what a full-topology run writes and reads back (item updates, item profiles, training examples, the dead
     * letters) by deleting and re-creating those topics, so that a run after the warm-up starts from the same empty state
     * as the first would; the input stays.
     */
    static void resetOutputs(GroupProgress kafka, int partitions, PrintStream log) {
        Map<String, Map<String, String>> configs = io.streamrec.tools.CreateTopicsCommand.topicConfigs();
        List<String> names = List.of(Topics.ITEM_UPDATES, Topics.ITEM_PROFILES, Topics.TRAINING_EXAMPLES, Topics.EVENTS_DLQ);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            kafka.admin().deleteTopics(names).all().get(30, TimeUnit.SECONDS);
            while (true) {
                Set<String> left = new java.util.HashSet<>(kafka.admin().listTopics().names().get(10, TimeUnit.SECONDS));
                left.retainAll(names);
                if (left.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new ToolException("topics not deleted within 60 s: " + left);
                }
                Thread.sleep(200);
            }
            for (String n : names) {
                NewTopic topic = new NewTopic(n, partitions, (short) 1).configs(configs.get(n));
                while (true) {
                    try {
                        kafka.admin().createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                        break;
                    } catch (java.util.concurrent.ExecutionException e) {
                        // no longer listed, but possibly still on its way out for a moment
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) || System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(200);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while resetting the output topics");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ToolException("cannot reset the output topics " + names + ": " + e);
        }
        log.printf("  output topics emptied for the measured run: %s%n", names);
    }

    /**
     * Runs one application over the input until it has committed all of it or {@code maxSeconds} have passed; the state
     * directory is kept for the footprint.
     */
    static GroupProgress.Run run(App app, String bootstrap, String applicationId, Path stateDir, int threads,
                                 Map<String, String> gatewaySettings, Map<String, String> settings, GroupProgress kafka,
                                 long maxSeconds, java.util.function.DoubleSupplier brokerCpu, PrintStream log) {
        double brokerBefore = brokerCpu.getAsDouble();
        double processBefore = processCpuSeconds();
        double jitBefore = jitSeconds();
        boolean full = app == App.TOPOLOGY;
        ProcessorConfig processor = ProcessorConfig.from(settings);
        int partitions = kafka.endOffsets(Topics.EVENTS).size();
        Topology topology = full ? StreamrecTopology.build(processor, partitions) : passThrough();
        Properties props = streamsConfig(bootstrap, applicationId, stateDir, threads, gatewaySettings);
        String label = full ? "full topology" : "pass-through";
        List<KafkaStreams> apps = new ArrayList<>();
        apps.add(new KafkaStreams(topology, props));
        String itemAppId = StreamrecTopology.itemApplicationId(applicationId);
        if (full) {
            // the item side as the gateway runs it: its own application, threads and commit interval
            Map<String, Object> user = new HashMap<>();
            props.forEach((k, v) -> user.put(String.valueOf(k), v));
            apps.add(new KafkaStreams(StreamrecTopology.buildItemSide(processor), StreamrecTopology.toProperties(
                    StreamrecTopology.itemSideStreamsConfig(user, StreamrecTopology.ITEM_SIDE_THREADS, StreamrecTopology.ITEM_SIDE_COMMIT_INTERVAL))));
        }
        Throwable[] failure = new Throwable[1];
        for (KafkaStreams s : apps) {
            s.setUncaughtExceptionHandler(e -> {
                failure[0] = e;
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
        }
        try {
            apps.forEach(KafkaStreams::start);
            Map<String, Set<String>> drained = full ? Map.of(itemAppId, Set.of(Topics.ITEM_UPDATES)) : Map.of();
            GroupProgress.Run run = kafka.await(applicationId, Topics.EVENTS, () -> {
                if (failure[0] != null) {
                    throw new ToolException(label + " failed: " + failure[0]);
                }
                return drained;
            }, Map.of(), () -> cpuSeconds(applicationId).get("cpu:all"), maxSeconds, log, label);
            log.printf("  %s: %,d events in %.1f s: %,.0f events/s steady (%,.0f events/s including start-up)%s%n", label,
                    run.events(), run.wallSeconds(), run.steadyEventsPerSecond(), run.wallEventsPerSecond(),
                    run.complete() ? "" : " (stopped by the time bound)");
            Map<String, Double> m = new TreeMap<>();
            for (KafkaStreams s : apps) {
                threadMetrics(s).forEach((k, v) -> m.merge(k, v, Double::sum));
            }
            m.putAll(cpuSeconds(applicationId));
            if (full) {
                m.put("cpu:item-side", cpuSeconds(itemAppId).get("cpu:all"));
            }
            log.printf("  %s: CPU of the application's threads %.1f s in all (stream threads %.1f s%s); %s us per event in the steady part%n",
                    label, m.get("cpu:all"), m.get("cpu:stream-threads"),
                    full ? String.format(java.util.Locale.ROOT, ", item side %.1f s", m.get("cpu:item-side")) : "",
                    Report.num(run.cpuMicrosPerEvent(), 1));
            double process = processCpuSeconds() - processBefore;
            double jit = jitSeconds() - jitBefore;
            m.put("cpu:process", process);
            m.put("cpu:jit", jit);
            log.printf("  %s: CPU of this whole JVM in the same time %.1f s, of which its JIT compilers took %.1f s "
                    + "(not in the per-event figure: a long-running process compiled its code long ago)%n", label, process, jit);
            double broker = brokerCpu.getAsDouble() - brokerBefore;
            m.put("cpu:broker", broker);
            log.printf("  %s: CPU of the broker process in the same time %.1f s, %s us per event committed%n", label, broker,
                    Report.num(broker * 1e6 / Math.max(1, run.events()), 1));
            log.printf("  %s: records written to Kafka (sinks, repartition, changelogs) %s per event, %s bytes per event%n", label,
                    Report.num(m.getOrDefault("producer-metrics:record-send-total", 0.0) / Math.max(1, run.events()), 2),
                    Report.num(m.getOrDefault("producer-metrics:outgoing-byte-total", 0.0) / Math.max(1, run.events()), 0));
            log.printf("  %s: stream thread: process %s%%, commit %s%%, punctuate %s%%, poll %s%% of the loop; %s commits/s of %s ms; "
                            + "transaction commits took %s s, producer flushes %s s, thread blocked %s s in all%n", label,
                    pct(m.get("stream-thread-metrics:process-ratio")), pct(m.get("stream-thread-metrics:commit-ratio")),
                    pct(m.get("stream-thread-metrics:punctuate-ratio")), pct(m.get("stream-thread-metrics:poll-ratio")),
                    Report.num(m.get("stream-thread-metrics:commit-rate"), 1), Report.num(m.get("stream-thread-metrics:commit-latency-avg"), 1),
                    Report.num(nanosToSeconds(m.get("producer-metrics:txn-commit-time-ns-total")), 1),
                    Report.num(nanosToSeconds(m.get("producer-metrics:flush-time-ns-total")), 1),
                    Report.num(nanosToSeconds(m.get("stream-thread-metrics:blocked-time-ns-total")), 1));
            return run.withThreadMetrics(m);
        } finally {
            apps.forEach(s -> s.close(Duration.ofSeconds(60)));
        }
    }

    /** Where the stream thread's time went: loop ratios, commit rate and latency, time-ns totals of the thread producer. */
    static Map<String, Double> threadMetrics(KafkaStreams streams) {
        Map<String, Double> out = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName n = e.getKey();
            boolean thread = n.group().equals("stream-thread-metrics") && (n.name().endsWith("-ratio")
                    || n.name().startsWith("commit-") || n.name().startsWith("process-") || n.name().startsWith("punctuate-")
                    || n.name().equals("blocked-time-ns-total"));
            boolean producer = n.group().equals("producer-metrics") && (n.name().endsWith("-time-ns-total")
                    || n.name().equals("record-send-total") || n.name().equals("outgoing-byte-total"));
            if (!thread && !producer) {
                continue;
            }
            Object v = e.getValue().metricValue();
            if (v instanceof Number num && !Double.isNaN(num.doubleValue())) {
                // one stream thread by default; with more, the totals add up and the ratios are averaged by the reader
                out.merge(n.group() + ":" + n.name(), num.doubleValue(), Double::sum);
            }
        }
        return out;
    }

    /**
     * CPU time used so far by the threads of one Kafka Streams application in this JVM (stream threads, their producers'
     * network threads, the global thread, heartbeat and cleanup threads: every thread named after the application id).
     * All of them start with the application, so their totals are this run's. Unlike events/s, CPU per event barely
     * moves when other programs compete for the cores: the figure to compare versions by on a shared machine.
     */
    /** CPU seconds of this JVM so far (every thread: the application's, JIT, GC, the bench's own). */
    static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    /** Seconds this JVM's JIT compilers spent compiling so far (their threads are busy that long). */
    static double jitSeconds() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() / 1e3 : Double.NaN;
    }

    static Map<String, Double> cpuSeconds(String applicationId) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double all = 0;
        double stream = 0;
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null || !info.getThreadName().contains(applicationId)) {
                continue;
            }
            long cpu = mx.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            all += cpu / 1e9;
            if (info.getThreadName().matches(".*-StreamThread-\\d+")) {
                stream += cpu / 1e9;
            }
        }
        Map<String, Double> out = new TreeMap<>();
        out.put("cpu:all", all);
        out.put("cpu:stream-threads", stream);
        return out;
    }

    private static String pct(Double ratio) {
        return ratio == null ? "n/a" : Report.num(ratio * 100, 0);
    }

    private static Double nanosToSeconds(Double nanos) {
        return nanos == null ? null : nanos / 1e9;
    }
}
