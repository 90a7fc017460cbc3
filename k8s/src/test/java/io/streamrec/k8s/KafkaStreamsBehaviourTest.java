package io.streamrec.k8s;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the manifests rely on in Kafka Streams itself (the version the gateway runs), checked against its own config
 * code rather than assumed.
 */
class KafkaStreamsBehaviourTest {
    private static StreamsConfig config(Properties deployment) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "streamrec");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "streamrec-kafka-bootstrap:9093");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        deployment.stringPropertyNames().stream().filter(k -> k.startsWith("kafka-streams."))
                .forEach(k -> p.put(k.substring("kafka-streams.".length()), deployment.getProperty(k)));
        return new StreamsConfig(p);
    }

    /** One group.instance.id per pod is enough: Kafka Streams makes it unique per stream thread. */
    @Test
    void staticMembershipGetsOneIdPerStreamThread() {
        Properties deployment = Rendered.overlay("prod").deploymentProperties();
        assertEquals("${POD_NAME}", deployment.getProperty("kafka-streams.group.instance.id"));
        deployment.setProperty("kafka-streams.group.instance.id", "streamrec-gateway-0");
        StreamsConfig c = config(deployment);
        Map<String, Object> thread1 = c.getMainConsumerConfigs("streamrec", "streamrec-gateway-0-StreamThread-1", 1);
        Map<String, Object> thread2 = c.getMainConsumerConfigs("streamrec", "streamrec-gateway-0-StreamThread-2", 2);
        assertEquals("streamrec-gateway-0-1", thread1.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals("streamrec-gateway-0-2", thread2.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals("60000", String.valueOf(thread1.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
    }

    /** The transaction timeout the termination grace period is measured against (Checks.podShape). */
    @Test
    void exactlyOnceTransactionsTimeOutAfterTenSecondsByDefault() {
        StreamsConfig c = config(new Properties());
        Map<String, Object> producer = c.getProducerConfigs("streamrec-gateway-0-StreamThread-1-producer");
        assertEquals("10000", String.valueOf(producer.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)));
    }
}
