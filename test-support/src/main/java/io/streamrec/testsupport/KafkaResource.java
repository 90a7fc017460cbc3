package io.streamrec.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Quarkus test resource that runs the application's tests against an {@link EmbeddedKafka}:
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(KafkaResource.class)   // or @WithTestResource(KafkaResource.class)
 * class MyTest { ... KafkaResource.kafka().readAll(...) ... }
 * }</pre>
 *
 * <p>One cluster is shared by every user in the JVM: the first {@link #start()} boots it and
 * creates the streamrec topics with {@value #PARTITIONS} partitions, the last {@link #stop()} closes it.
 * Each {@link #start()} hands out a fresh Kafka Streams state directory.
 *
 * <p>Configuration it returns:
 * <ul>
 *   <li>{@code kafka.bootstrap.servers} and {@code quarkus.kafka-streams.bootstrap-servers}: the embedded broker</li>
 *   <li>{@code kafka-streams.state.dir}: a new temporary directory, deleted on {@link #stop()}</li>
 *   <li>{@code quarkus.kafka.devservices.enabled=false}: no Kafka dev services (they need Docker). That
 *       one switch also covers Kafka Streams, whose extension uses the Kafka client's dev services
 *       and has no dev-services setting of its own.</li>
 * </ul>
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    /** Partitions of each streamrec topic on the shared cluster. */
    public static final int PARTITIONS = 3;

    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String KAFKA_STREAMS_BOOTSTRAP_SERVERS = "quarkus.kafka-streams.bootstrap-servers";
    public static final String KAFKA_STREAMS_STATE_DIR = "kafka-streams.state.dir";
    public static final String KAFKA_DEVSERVICES_ENABLED = "quarkus.kafka.devservices.enabled";

    private static final Object LOCK = new Object();
    private static EmbeddedKafka shared;
    private static int users;

    private Path stateDir;
    private boolean started;

    /**
     * The cluster shared in this JVM, for a test that needs to produce, consume or create topics.
     *
     * @throws IllegalStateException if no {@link KafkaResource} is started
     */
    public static EmbeddedKafka kafka() {
        synchronized (LOCK) {
            if (shared == null) {
                throw new IllegalStateException("KafkaResource is not started: annotate the test with "
                        + "@QuarkusTestResource(KafkaResource.class) or @WithTestResource(KafkaResource.class)");
            }
            return shared;
        }
    }

    @Override
    public Map<String, String> start() {
        String bootstrap;
        synchronized (LOCK) {
            if (shared == null) {
                EmbeddedKafka kafka = EmbeddedKafka.start();
                try {
                    kafka.createStreamrecTopics(PARTITIONS);
                } catch (RuntimeException | Error e) {
                    kafka.close();
                    throw e;
                }
                shared = kafka;
            }
            if (!started) {
                users++;
                started = true;
            }
            bootstrap = shared.bootstrapServers();
        }
        try {
            stateDir = Files.createTempDirectory("streamrec-kafka-streams-state-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a Kafka Streams state directory", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put(KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        config.put(KAFKA_STREAMS_BOOTSTRAP_SERVERS, bootstrap);
        config.put(KAFKA_STREAMS_STATE_DIR, stateDir.toString());
        config.put(KAFKA_DEVSERVICES_ENABLED, "false");
        return config;
    }

    @Override
    public void stop() {
        synchronized (LOCK) {
            if (started) {
                started = false;
                users--;
                if (users == 0 && shared != null) {
                    try {
                        shared.close();
                    } finally {
                        shared = null;
                    }
                }
            }
        }
        if (stateDir != null) {
            deleteQuietly(stateDir);
            stateDir = null;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp directory left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
