package io.streamrec.gateway;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which Kafka Streams states count as dead for liveness (README, "Broker outage"). */
class StreamsLivenessCheckTest {
    @Test
    void onlyAClientStoppedForGoodIsDead() {
        assertEquals(Set.of(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.PENDING_SHUTDOWN,
                KafkaStreams.State.NOT_RUNNING), StreamsLivenessCheck.DEAD);
        // starting (which may wait for the topics), rebalancing and running are alive, also while the broker is away
        assertEquals(EnumSet.of(KafkaStreams.State.CREATED, KafkaStreams.State.REBALANCING, KafkaStreams.State.RUNNING),
                EnumSet.complementOf(EnumSet.copyOf(StreamsLivenessCheck.DEAD)));
    }
}
