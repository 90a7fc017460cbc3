package io.streamrec.tools.train;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads every partition of a topic from its beginning up to the end offsets it had when the scan began (what the
 * trainer reads: the training examples, the erasure list).
 */
public final class TopicScan {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> end;

    private TopicScan(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        this.consumer = consumer;
        this.partitions = partitions;
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.end = consumer.endOffsets(partitions);
    }

    /** A scan of the topic, assigned and at its beginning; null when the topic does not exist. */
    public static TopicScan of(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            return null;
        }
        return new TopicScan(consumer, infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList());
    }

    /** Records between the beginning and the end offsets, over all partitions. */
    public long total() {
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        long total = 0;
        for (TopicPartition tp : partitions) {
            total += end.get(tp) - begin.get(tp);
        }
        return total;
    }

    /**
     * Hands every record below the end offsets to {@code each}, then {@code afterPoll} after each poll, until every
     * partition reached its end.
     *
     * @param maxTime longest the scan may take, null for no bound
     * @throws IllegalStateException when {@code maxTime} passed first
     */
    public void forEach(Consumer<ConsumerRecord<byte[], byte[]>> each, Runnable afterPoll, Duration maxTime) {
        long deadline = maxTime == null ? Long.MAX_VALUE : System.nanoTime() + maxTime.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + partitions.get(0).topic() + " to its end within " + maxTime);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    each.accept(r);
                }
            }
            afterPoll.run();
        }
    }
}
