package io.streamrec.testsupport;

import io.streamrec.schemas.Topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A real, single-node Kafka cluster running inside this JVM: one combined broker + KRaft
 * controller started with Kafka's own {@link KafkaClusterTestKit}, configured so that
 * exactly-once Kafka Streams applications and transactional producers work on one broker.
 *
 * <p>Topics are never auto-created: create them with {@link #createTopics},
 * {@link #createCompactedTopics} or {@link #createStreamrecTopics}.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createStreamrecTopics(3);
 *     ... new KafkaProducer<>(kafka.producerProps()) ...
 *     List<ConsumerRecord<byte[], byte[]>> out = kafka.readAll(Topics.EVENTS, 10, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** How long topic creation may take before {@link #createTopics} gives up. */
    public static final Duration TOPIC_CREATION_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Broker settings on top of the test kit's own: everything internal is replicated once (there
     * is one broker), no topic appears unless created, and consumer groups do not wait for more
     * members before their first rebalance.
     */
    static Map<String, String> brokerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("auto.create.topics.enable", "false");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "3");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // Behave like a released broker, not like Kafka's own development builds.
        config.put("unstable.api.versions.enable", "false");
        config.put("unstable.feature.versions.enable", "false");
        return config;
    }

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Admin admin;
    private final Duration startupTime;
    private volatile boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Duration startupTime) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers();
        this.startupTime = startupTime;
        Map<String, Object> adminProps = new HashMap<>();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-test-support-admin");
        this.admin = Admin.create(adminProps);
    }

    /**
     * Formats and starts a new single-node cluster and waits until its broker is ready.
     *
     * @throws IllegalStateException if the cluster cannot be started
     */
    public static EmbeddedKafka start() {
        long begin = System.nanoTime();
        KafkaClusterTestKit cluster = null;
        try {
            MetadataVersion version = MetadataVersion.latestProduction();
            Map<String, Short> features = Feature.PRODUCTION_FEATURES.stream()
                    .collect(Collectors.toMap(Feature::featureName, f -> f.defaultLevel(version),
                            (a, b) -> a, TreeMap::new));
            TestKitNodes nodes = new TestKitNodes.Builder(
                    BootstrapMetadata.fromVersions(version, features, "streamrec-test-support"))
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            brokerConfig().forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, took);
            LOG.info("Embedded Kafka ready at {} after {} ms", kafka.bootstrapServers, took.toMillis());
            return kafka;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("Could not start the embedded Kafka cluster", e);
        }
    }

    /** The broker's {@code host:port} list, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** How long {@link #start()} took, from building the cluster to a ready broker. */
    public Duration startupTime() {
        return startupTime;
    }

    /** An admin client for this cluster, shared, closed by {@link #close()}: do not close it yourself. */
    public Admin admin() {
        return admin;
    }

    /**
     * Creates topics with {@code partitions} partitions and replication factor 1, and waits until
     * every partition has a leader. A topic that already exists is left as it is.
     */
    public void createTopics(int partitions, String... names) {
        create(partitions, Map.of(), names);
    }

    /** Like {@link #createTopics}, with {@code cleanup.policy=compact}. */
    public void createCompactedTopics(int partitions, String... names) {
        create(partitions, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), names);
    }

    /**
     * Creates every streamrec topic: {@link Topics#EVENTS}, {@link Topics#EVENTS_DLQ} and
     * {@link Topics#TRAINING_EXAMPLES} as plain topics, {@link Topics#ITEMS}, {@link Topics#USERS} and
     * {@link Topics#ITEM_PROFILES} and {@link Topics#ERASURES} compacted, all with {@code partitions} partitions.
     */
    public void createStreamrecTopics(int partitions) {
        TopicCreation.createStreamrecTopics(admin, partitions);
    }

    private void create(int partitions, Map<String, String> configs, String... names) {
        TopicCreation.create(admin, partitions, configs, names);
    }

    /**
     * Consumer settings for this cluster: the given group (may be null for a consumer that only
     * uses {@code assign}), {@code read_committed}, start from the earliest offset, no auto-commit,
     * byte-array deserializers. The map is a fresh, mutable copy: override what you need.
     */
    public Map<String, Object> consumerProps(String group) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /**
     * Producer settings for this cluster: idempotent, {@code acks=all}, byte-array serializers.
     * The map is a fresh, mutable copy: override what you need.
     */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** {@link #producerProps()} plus a {@code transactional.id}. */
    public Map<String, Object> transactionalProducerProps(String transactionalId) {
        Map<String, Object> props = producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return props;
    }

    /**
     * Reads {@code topic} from the beginning of every partition, {@code read_committed} and without a
     * consumer group, polling until at least {@code expected} records have arrived.
     *
     * @return every record read, in arrival order (in offset order within each partition); may hold
     *         more than {@code expected} when the last poll brought more
     * @throws AssertionError if fewer than {@code expected} records arrived within {@code timeout}
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout) {
        return readAll(topic, expected, timeout, IsolationLevel.READ_COMMITTED);
    }

    /** Like {@link #readAll(String, int, Duration)}, with a chosen isolation level. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout,
                                                         IsolationLevel isolation) {
        return TopicReader.readAtLeast(bootstrapServers, topic, expected, timeout, isolation);
    }

    /** Stops the broker and controller and deletes their data. Safe to call more than once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long begin = System.nanoTime();
        try {
            admin.close(Duration.ofSeconds(10));
        } finally {
            try {
                cluster.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("Could not stop the embedded Kafka cluster", e);
            }
        }
        LOG.info("Embedded Kafka at {} stopped in {} ms", bootstrapServers,
                Duration.ofNanos(System.nanoTime() - begin).toMillis());
    }
}
