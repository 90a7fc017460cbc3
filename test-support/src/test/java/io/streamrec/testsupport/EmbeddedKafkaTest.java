package io.streamrec.testsupport;

import io.streamrec.schemas.Topics;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedKafkaTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startCluster() {
        kafka = EmbeddedKafka.start();
        // Not asserted: reported so that slow machines show up in the build log.
        System.out.printf("EmbeddedKafka startup took %d ms (bootstrap %s)%n",
                kafka.startupTime().toMillis(), kafka.bootstrapServers());
    }

    @AfterAll
    static void stopCluster() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void createsTheStreamrecTopicsWithTheirCleanupPolicies() throws Exception {
        kafka.createStreamrecTopics(3);
        // A second call finds them there and leaves them alone.
        kafka.createStreamrecTopics(3);

        List<String> all = List.of(Topics.EVENTS, Topics.EVENTS_DLQ, Topics.TRAINING_EXAMPLES, Topics.ITEMS, Topics.USERS);
        Map<String, TopicDescription> described = kafka.admin().describeTopics(all).allTopicNames().get(10, TimeUnit.SECONDS);
        for (String topic : all) {
            assertEquals(3, described.get(topic).partitions().size(), "partitions of " + topic);
        }

        List<ConfigResource> resources = all.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, Config> configs = kafka.admin().describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
        for (ConfigResource resource : resources) {
            String policy = configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            boolean compacted = resource.name().equals(Topics.ITEMS) || resource.name().equals(Topics.USERS);
            assertEquals(compacted ? "compact" : "delete", policy, "cleanup.policy of " + resource.name());
        }
    }

    @Test
    void topicsAreNotCreatedAutomatically() throws Exception {
        Set<String> before = kafka.admin().listTopics().names().get(10, TimeUnit.SECONDS);
        assertThrows(AssertionError.class, () -> kafka.readAll("no-such-topic", 1, Duration.ofSeconds(2)));
        Set<String> after = kafka.admin().listTopics().names().get(10, TimeUnit.SECONDS);
        assertEquals(before, after);
    }

    @Test
    void idempotentProducerAndReadCommittedConsumerSeeEveryRecordOnce() {
        String topic = "test-support.idempotent";
        kafka.createTopics(3, topic);

        Set<String> sent = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            for (int i = 0; i < 100; i++) {
                String value = "value-" + i;
                sent.add(value);
                producer.send(new ProducerRecord<>(topic, bytes("key-" + i), bytes(value)));
            }
            producer.flush();
        }

        List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(topic, 100, TIMEOUT);
        assertEquals(100, records.size());
        List<String> values = records.stream().map(r -> string(r.value())).toList();
        assertEquals(sent, new HashSet<>(values));
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertEquals(string(record.key()).substring(4), string(record.value()).substring(6),
                    "key and value of offset " + record.offset() + " belong together");
        }
        // Exactly 100: nothing else is there to read.
        AssertionError timeout = assertThrows(AssertionError.class,
                () -> kafka.readAll(topic, 101, Duration.ofSeconds(2)));
        assertTrue(timeout.getMessage().contains("got 100"), timeout.getMessage());
    }

    @Test
    void readCommittedSeesOnlyCommittedTransactions() {
        String topic = "test-support.transactions";
        kafka.createTopics(1, topic);

        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(kafka.transactionalProducerProps("test-support-tx"))) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("k"), bytes("committed-1")));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("k"), bytes("aborted")));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("k"), bytes("committed-2")));
            producer.commitTransaction();
        }

        List<String> committed = values(kafka.readAll(topic, 2, TIMEOUT));
        assertEquals(List.of("committed-1", "committed-2"), committed);

        // The aborted record is in the log all the same: read_uncommitted sees it.
        List<String> uncommitted = values(kafka.readAll(topic, 3, TIMEOUT, IsolationLevel.READ_UNCOMMITTED));
        assertEquals(List.of("committed-1", "aborted", "committed-2"), uncommitted);
    }

    @Test
    void propsAreFreshMutableCopies() {
        Map<String, Object> consumer = kafka.consumerProps("g");
        assertEquals("read_committed", consumer.get("isolation.level"));
        assertEquals("g", consumer.get("group.id"));
        consumer.put("group.id", "other");
        assertEquals("g", kafka.consumerProps("g").get("group.id"));

        Map<String, Object> producer = kafka.producerProps();
        assertEquals(true, producer.get("enable.idempotence"));
        assertEquals("all", producer.get("acks"));
        assertEquals(kafka.bootstrapServers(), producer.get("bootstrap.servers"));
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> string(r.value())).collect(Collectors.toCollection(ArrayList::new));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
