package io.streamrec.testsupport;

import io.streamrec.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broker in its own process survives SIGKILL and a restart on the same port and log directory with its data. */
class ForkedKafkaTest {
    @Test
    void killedAndRestartedItKeepsItsTopicsAndRecords() throws Exception {
        Path dir = Files.createTempDirectory("forked-kafka-test");
        try (ForkedKafka kafka = ForkedKafka.start(dir)) {
            kafka.createStreamrecTopics(2);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, 0, "k", "before the kill")).get(30, TimeUnit.SECONDS);
            }
            int port = kafka.port();
            kafka.kill();
            assertFalse(kafka.isAlive());
            kafka.restart();
            assertTrue(kafka.isAlive());
            assertEquals(port, kafka.port());
            assertEquals(2, kafka.admin().describeTopics(List.of(Topics.EVENTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.EVENTS).partitions().size());
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
                TopicPartition p0 = new TopicPartition(Topics.EVENTS, 0);
                consumer.assign(List.of(p0));
                consumer.seekToBeginning(List.of(p0));
                List<String> values = new ArrayList<>();
                Wait.until("the record written before the kill", Duration.ofSeconds(60),
                        () -> {
                            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                            return !values.isEmpty();
                        });
                assertEquals(List.of("before the kill"), values);
            }
        }
    }
}
