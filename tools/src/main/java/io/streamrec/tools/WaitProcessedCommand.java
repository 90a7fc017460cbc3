package io.streamrec.tools;

import io.streamrec.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Blocks until the running system has processed everything written to streamrec.events so far (user and item side). */
@Command(name = "wait-processed", mixinStandardHelpOptions = true,
        description = "Wait until the gateways' Kafka Streams group has processed every event written so far.")
public final class WaitProcessedCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--application-id", defaultValue = "streamrec", description = "Kafka Streams application id (default: ${DEFAULT-VALUE})")
    String applicationId;

    @Option(names = "--timeout", defaultValue = "900", description = "seconds (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        await(bootstrap, applicationId, timeoutSeconds, System.err);
        return 0;
    }

    /** Waits until the gateways' Kafka Streams group has committed past the end of streamrec.events and its internal topics. */
    public static void await(String bootstrap, String applicationId, int waitTimeoutSeconds, PrintStream err) throws Exception {
        Map<String, Object> conf = new HashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(conf)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitTimeoutSeconds);
            var partitions = admin.describeTopics(List.of(Topics.EVENTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.EVENTS).partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(Topics.EVENTS, p.partition()), OffsetSpec.latest()));
            long lastPrint = 0;
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                // the group's internal topics too (the item side reads the itemId repartition topic)
                committed.keySet().forEach(tp -> latest.putIfAbsent(tp, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                long lag = 0;
                for (var e : ends.entrySet()) {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    // a transactional commit marker follows the last record: lag <= 1 per partition means all read
                    lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()) - 1);
                }
                if (lag == 0) {
                    err.println("processing: every event of streamrec.events is processed, by the user and the item side");
                    Thread.sleep(3000); // item profiles are published on a 1 s wall-clock flush
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new ToolException("the system has not processed the load after " + waitTimeoutSeconds + " s (lag " + lag + ")");
                }
                if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(2)) {
                    err.printf(Locale.ROOT, "processing: %,d events still to process%n", lag);
                    lastPrint = System.nanoTime();
                }
                Thread.sleep(250);
            }
        }
    }
}
