package io.streamrec.tools.train;

import io.streamrec.schemas.Erasures;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.HashSet;
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

    /** Reads the whole erasure topic with this (read_committed) consumer; empty when the topic does not exist. */
    public static ErasureList read(KafkaConsumer<byte[], byte[]> consumer) {
        Set<String> hashes = new HashSet<>();
        TopicScan scan = TopicScan.of(consumer, Topics.ERASURES);
        if (scan != null) {
            scan.forEach(r -> {
                if (r.value() != null) {
                    hashes.add(Serdes.ERASURE.deserialize(r.topic(), r.value()).getUserKeyHash());
                }
            }, () -> { }, Duration.ofMinutes(2));
        }
        return new ErasureList(hashes);
    }
}
