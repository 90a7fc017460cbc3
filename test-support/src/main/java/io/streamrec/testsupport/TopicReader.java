package io.streamrec.testsupport;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole topic without a consumer group, for tests that check what was written: on any broker
 * ({@link EmbeddedKafka}, {@link ForkedKafka}, a stack's own).
 */
public final class TopicReader {
    private TopicReader() {
    }

    /**
     * Reads every partition of {@code topic} from its beginning, with the given isolation level, polling until at
     * least {@code expected} records have arrived.
     *
     * @throws AssertionError if the topic does not exist or fewer than {@code expected} records arrived within
     *                        {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAtLeast(String bootstrapServers, String topic, int expected,
                                                                   Duration timeout, IsolationLevel isolation) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(bootstrapServers, topic, isolation, timeout)) {
            while (records.size() < expected) {
                long remainingNanos = deadline - System.nanoTime();
                if (remainingNanos <= 0) {
                    throw new AssertionError("Timed out after " + timeout.toMillis() + " ms reading " + topic
                            + ": expected at least " + expected + " records (" + isolation + "), got " + records.size());
                }
                consumer.poll(Duration.ofNanos(Math.min(remainingNanos, Duration.ofMillis(200).toNanos()))).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Every record of {@code topic} up to its end as of the call, {@code read_committed}: up to the last stable offset of
     * each partition, so records of transactions still open are not waited for and those of aborted ones are skipped.
     *
     * @throws AssertionError if the topic does not exist or its end is not reached within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrapServers, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(bootstrapServers, topic, IsolationLevel.READ_COMMITTED, timeout)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("Timed out after " + timeout.toMillis() + " ms reading " + topic
                            + " to its end offsets " + end + " (" + records.size() + " records read)");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static KafkaConsumer<byte[], byte[]> fromBeginning(String bootstrapServers, String topic, IsolationLevel isolation,
                                                               Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-test-support-reader-" + topic);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new AssertionError("Topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return consumer;
        } catch (RuntimeException | Error e) {
            consumer.close();
            throw e;
        }
    }
}
