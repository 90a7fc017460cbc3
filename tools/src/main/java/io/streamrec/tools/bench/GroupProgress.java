package io.streamrec.tools.bench;

import io.streamrec.tools.ToolException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * How far a Kafka Streams application (its consumer group) has committed through its source topics: the one clock
 * that means the same for the bench's in-process applications and for the gateways. An input partition is done when
 * the committed offset reaches its end; an internal (repartition) partition when it is at most one short, the one
 * being the commit marker of the application's own last transaction on it.
 */
final class GroupProgress implements AutoCloseable {
    /**
     * One sample: seconds since the start, events committed on the input topic, and CPU seconds the application had
     * used by then (NaN when not measured).
     */
    record Sample(double seconds, long committed, double cpuSeconds) {
        Sample(double seconds, long committed) {
            this(seconds, committed, Double.NaN);
        }
    }

    /**
     * What a run measured: {@code events} committed of {@code target} ({@code complete} when all of them, and the
     * internal topics drained, before the time bound).
     */
    record Run(long events, long target, boolean complete, double wallSeconds, double steadySeconds,
               double steadyEventsPerSecond, double wallEventsPerSecond, Double steadyCpuMicrosPerEvent,
               List<Sample> samples, Map<String, Double> threadMetrics) {
        /**
         * CPU microseconds of the application's threads per event committed in the steady part of the run (start-up
         * left out, as for the rate); null when not measured (the gateways run in other processes).
         */
        Double cpuMicrosPerEvent() {
            return steadyCpuMicrosPerEvent;
        }

        Run withThreadMetrics(Map<String, Double> metrics) {
            return new Run(events, target, complete, wallSeconds, steadySeconds, steadyEventsPerSecond, wallEventsPerSecond,
                    steadyCpuMicrosPerEvent, samples, metrics);
        }
    }

    private final Admin admin;

    GroupProgress(String bootstrap) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-bench-progress"));
    }

    Map<TopicPartition, Long> endOffsets(String topic) {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r = admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            r.forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new ToolException("cannot read the end offsets of " + topic + ": " + e);
        }
    }

    Map<TopicPartition, Long> committed(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> r = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            r.forEach((tp, om) -> {
                if (om != null) {
                    out.put(tp, om.offset());
                }
            });
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new ToolException("cannot read the committed offsets of " + group + ": " + e);
        }
    }

    /**
     * Samples the group every 200 ms from now until it has committed everything written to {@code inputTopic} so far
     * (and its internal topics are drained), or {@code maxSeconds} have passed: then the run is reported as incomplete,
     * its rate measured over what was committed. {@code baseline} are the committed offsets before the run (empty for a
     * new group): only what is committed beyond them counts.
     *
     * @param internalTopics topics downstream of the input that must be drained too, by consumer group (the item side's
     *                       group and streamrec.item-updates): asked for each sample
     */
    Run await(String group, String inputTopic, Supplier<Map<String, Set<String>>> internalTopics, Map<TopicPartition, Long> baseline,
              long maxSeconds, PrintStream log, String label) {
        return await(group, inputTopic, internalTopics, baseline, () -> Double.NaN, maxSeconds, log, label);
    }

    /** As above, sampling the application's CPU seconds with each progress sample. */
    Run await(String group, String inputTopic, Supplier<Map<String, Set<String>>> internalTopics, Map<TopicPartition, Long> baseline,
              java.util.function.DoubleSupplier cpuSeconds, long maxSeconds, PrintStream log, String label) {
        Map<TopicPartition, Long> inputEnd = endOffsets(inputTopic);
        long target = 0;
        for (Map.Entry<TopicPartition, Long> e : inputEnd.entrySet()) {
            target += e.getValue() - baseline.getOrDefault(e.getKey(), 0L);
        }
        long t0 = System.nanoTime();
        long deadline = t0 + maxSeconds * 1_000_000_000L;
        long lastLog = t0;
        List<Sample> samples = new ArrayList<>();
        samples.add(new Sample(0, 0, cpuSeconds.getAsDouble()));
        // the user side sends item updates once per combine interval: drained must hold longer than that to be true
        double drainedSince = -1;
        int drainedAt = -1;
        while (true) {
            sleep(200);
            long now = System.nanoTime();
            Map<TopicPartition, Long> committed = committed(group);
            long done = 0;
            for (Map.Entry<TopicPartition, Long> e : inputEnd.entrySet()) {
                long c = committed.getOrDefault(e.getKey(), baseline.getOrDefault(e.getKey(), 0L));
                done += Math.min(e.getValue(), c) - baseline.getOrDefault(e.getKey(), 0L);
            }
            double secs = (now - t0) / 1e9;
            samples.add(new Sample(secs, done, cpuSeconds.getAsDouble()));
            boolean inputDone = done >= target;
            if (inputDone && internalDrained(committed, internalTopics.get())) {
                if (drainedSince < 0) {
                    drainedSince = secs;
                    drainedAt = samples.size();
                } else if (secs - drainedSince >= DRAINED_FOR_SECONDS) {
                    return summarize(target, target, true, drainedSince, samples.subList(0, drainedAt));
                }
            } else {
                drainedSince = -1;
            }
            if (now - lastLog > 5_000_000_000L) {
                lastLog = now;
                log.printf("  %s: %,d / %,d events committed (%.0f%%), %,.0f events/s so far%s%n", label, done, target,
                        100.0 * done / Math.max(1, target), done / secs, inputDone ? ", the item side catching up" : "");
            }
            if (now > deadline) {
                log.printf("  %s: time bound of %d s reached at %,d of %,d events: rate measured over those%n", label,
                        maxSeconds, done, target);
                return summarize(done, target, false, secs, samples);
            }
        }
    }

    /** How long everything must stay drained to count: longer than the combine interval plus a commit (1 s each). */
    static final double DRAINED_FOR_SECONDS = 2.5;

    private boolean internalDrained(Map<TopicPartition, Long> userCommitted, Map<String, Set<String>> internalTopics) {
        for (Map.Entry<String, Set<String>> g : internalTopics.entrySet()) {
            Map<TopicPartition, Long> committed = committed(g.getKey());
            for (String topic : g.getValue()) {
                for (Map.Entry<TopicPartition, Long> e : endOffsets(topic).entrySet()) {
                    long c = committed.getOrDefault(e.getKey(), 0L);
                    if (e.getValue() - c > 1) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * The steady rate leaves out the start (group join, task creation, the global catalog restore): it runs from the
     * first sample with at least 2% committed to the end.
     */
    static Run summarize(long events, long target, boolean complete, double wallSeconds, List<Sample> samples) {
        Sample from = samples.get(0);
        for (Sample s : samples) {
            if (s.committed() >= target * 0.02) {
                from = s;
                break;
            }
        }
        boolean coarse = from.committed() > target * 0.25;
        double steadySeconds = wallSeconds - from.seconds();
        double steadyRate = steadySeconds > 0 ? (events - from.committed()) / steadySeconds : events / wallSeconds;
        if (coarse) {
            // commits too far apart for the samples to tell the start from the steady part (a pass-through commits
            // every 10 s: the first sample past 2% may hold 90%, and the rest then looks instantaneous): the whole run
            steadySeconds = wallSeconds;
            steadyRate = events / wallSeconds;
        }
        Sample last = samples.get(samples.size() - 1);
        Double cpu = null;
        if (!coarse && !Double.isNaN(last.cpuSeconds()) && !Double.isNaN(from.cpuSeconds()) && last.committed() > from.committed()) {
            cpu = (last.cpuSeconds() - from.cpuSeconds()) * 1e6 / (last.committed() - from.committed());
        } else if (!Double.isNaN(last.cpuSeconds()) && last.committed() > 0) {
            cpu = last.cpuSeconds() * 1e6 / last.committed();
        }
        return new Run(events, target, complete, wallSeconds, steadySeconds, steadyRate, events / wallSeconds, cpu, samples, Map.of());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted");
        }
    }

    Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close();
    }
}
