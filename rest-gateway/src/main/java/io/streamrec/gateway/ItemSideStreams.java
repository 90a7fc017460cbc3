package io.streamrec.gateway;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.StreamrecTopology;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The item side: a second Kafka Streams application in this process ({@code <application-id>-items}), with its own
 * stream threads ({@code streamrec.items.stream-threads}, 1) and commit interval ({@code streamrec.items.commit-interval},
 * 10s; it commits at every publication of the changed profiles, {@code streamrec.items.publish-interval}), so the user
 * side's threads never wait on item-side work or its commits. It takes the user side's
 * {@code kafka-streams.*} settings (exactly-once, state directory, cache size, ...) and its own application id; no
 * application server, since nothing queries its stores (every item answer comes from the global profiles).
 */
@ApplicationScoped
public class ItemSideStreams {
    private static final Logger LOG = Logger.getLogger(ItemSideStreams.class);

    @ConfigProperty(name = "quarkus.kafka-streams.application-id")
    String applicationId;

    @ConfigProperty(name = "quarkus.kafka-streams.bootstrap-servers")
    String bootstrap;

    @ConfigProperty(name = "streamrec.items.stream-threads", defaultValue = "1")
    int threads;

    @ConfigProperty(name = "streamrec.items.commit-interval", defaultValue = "10s")
    String commitIntervalText;

    @Inject
    StreamThreadFailures failures;

    private volatile KafkaStreams streams;

    void start(@Observes StartupEvent ev, Config config, ProcessorConfig processor) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("streamrec.items.stream-threads must be between 1 and 64, got " + threads);
        }
        Duration commit = ProcessorConfig.parseDuration("streamrec.items.commit-interval", commitIntervalText);
        Map<String, Object> user = new HashMap<>(StreamrecTopology.requiredStreamsConfig());
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kafka-streams.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> user.put(name.substring("kafka-streams.".length()), v));
            }
        }
        user.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        user.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Map<String, Object> props = StreamrecTopology.itemSideStreamsConfig(user, threads, commit);
        KafkaStreams s = new KafkaStreams(StreamrecTopology.buildItemSide(processor), StreamrecTopology.toProperties(props));
        // a failed stream thread is replaced (bounded; the global thread cannot be): README, "Broker outage"
        s.setUncaughtExceptionHandler(failures.handler("item"));
        s.start();
        streams = s;
        LOG.infof("item side started: application id %s, %d stream thread(s), commit interval %d ms",
                props.get(StreamsConfig.APPLICATION_ID_CONFIG), threads, commit.toMillis());
    }

    void stop(@Observes ShutdownEvent ev) {
        KafkaStreams s = streams;
        if (s != null) {
            s.close(Duration.ofSeconds(30));
        }
    }

    /** The item side's state, or null before it started. */
    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? null : s.state();
    }
}
