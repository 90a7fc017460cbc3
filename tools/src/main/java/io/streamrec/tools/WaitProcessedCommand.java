package io.streamrec.tools;

import io.streamrec.processor.StreamrecTopology;
import io.streamrec.schemas.Topics;
import io.streamrec.tools.load.Progress;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
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

    /**
     * Waits until the user side (group {@code applicationId}) has committed past the end of streamrec.events as it was
     * when the wait began, and the item side (group {@code applicationId-items}) has read all of streamrec.item-updates,
     * both for longer than a combine interval (item updates are sent once per interval). Shows a progress bar of the
     * events: share done, rate, ETA.
     */
    public static void await(String bootstrap, String applicationId, int waitTimeoutSeconds, PrintStream err) throws Exception {
        Map<String, Object> conf = new HashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        String itemGroup = StreamrecTopology.itemApplicationId(applicationId);
        try (Admin admin = Admin.create(conf)) {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(waitTimeoutSeconds);
            Map<TopicPartition, Long> eventsEnd = ends(admin, Topics.EVENTS);
            Map<TopicPartition, Long> first = committed(admin, applicationId);
            long total = 0;
            for (var e : eventsEnd.entrySet()) {
                total += Math.max(0, e.getValue() - first.getOrDefault(e.getKey(), 0L));
            }
            Progress bar = new Progress(err, Progress.autoMode(), "processing", total, "events", "processed");
            long drainedSince = 0;
            while (true) {
                Map<TopicPartition, Long> user = committed(admin, applicationId);
                long left = 0;
                for (var e : eventsEnd.entrySet()) {
                    // a transactional commit marker follows the last record: one short of the end means all read
                    left += Math.max(0, e.getValue() - user.getOrDefault(e.getKey(), 0L) - 1);
                }
                long itemLag = lag(admin, itemGroup, Topics.ITEM_UPDATES);
                long done = Math.max(0, total - left);
                bar.update(done, done);
                if (left == 0 && itemLag == 0) {
                    if (drainedSince == 0) {
                        drainedSince = System.nanoTime();
                    } else if (System.nanoTime() - drainedSince > TimeUnit.MILLISECONDS.toNanos(2_500)) {
                        bar.finish(total, total);
                        err.println("processing: every event of streamrec.events is processed, by the user and the item side");
                        Thread.sleep(500); // the item profiles' commit reaches every instance's global store
                        return;
                    }
                } else {
                    drainedSince = 0;
                }
                if (System.nanoTime() > deadline) {
                    throw new ToolException("the system has not processed the load after " + waitTimeoutSeconds + " s ("
                            + left + " events and " + itemLag + " item updates to go)");
                }
                Thread.sleep(250);
            }
        }
    }

    private static Map<TopicPartition, Long> ends(Admin admin, String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, om) -> {
                    if (om != null) {
                        out.put(tp, om.offset());
                    }
                });
        return out;
    }

    /** Records of the topic the group has not committed past (a commit marker at the end does not count). */
    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, Long> committed = committed(admin, group);
        long lag = 0;
        for (var e : ends(admin, topic).entrySet()) {
            lag += Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L) - 1);
        }
        return lag;
    }
}
