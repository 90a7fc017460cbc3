package io.streamrec.tools.train;

import io.streamrec.avro.Erasure;
import io.streamrec.schemas.Erasures;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The users erased so far ({@code DELETE /users/{id}}), as the SHA-256 of their keys from {@link Topics#ERASURES}:
 * training skips their examples, which the examples topic still holds until its retention removes them.
 */
public final class ErasureList {
    private final Set<String> hashes;

    public ErasureList(Set<String> hashes) {
        this.hashes = Set.copyOf(hashes);
    }

    /** True when the user of this key was erased. */
    public boolean erased(String userKey) {
        return !hashes.isEmpty() && userKey != null && hashes.contains(Erasures.hash(userKey));
    }

    public int size() {
        return hashes.size();
    }

    /** Reads the whole erasure topic (read_committed props given); empty when the topic does not exist. */
    public static ErasureList read(Map<String, Object> consumerProps) {
        Set<String> hashes = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.ERASURES, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return new ErasureList(Set.of());
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topics.ERASURES + " to its end within 2 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        Erasure e = Serdes.ERASURE.deserialize(r.topic(), r.value());
                        hashes.add(e.getUserKeyHash());
                    }
                }
            }
        }
        return new ErasureList(hashes);
    }
}
