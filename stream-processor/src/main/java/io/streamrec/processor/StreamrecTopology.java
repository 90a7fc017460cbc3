package io.streamrec.processor;

import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the streamrec topology. Pure function of its configuration: tests build it with TopologyTestDriver, the
 * gateway hands it to the Quarkus Kafka Streams extension.
 *
 * <pre>
 * streamrec.events (bytes) -> validate --invalid--> streamrec.events.dlq
 *                                      --wrong key--> streamrec.events (re-keyed)
 *                                      -> dedupe -> history
 * </pre>
 */
public final class StreamrecTopology {
    static final String SOURCE = "events-source";
    static final String VALIDATE = "validate";
    static final String HISTORY = "history";

    private StreamrecTopology() {
    }

    public static Topology build(ProcessorConfig config) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.EVENTS);
        topology.addProcessor(VALIDATE, () -> new ValidateProcessor(config.rules()), SOURCE);
        topology.addSink(ValidateProcessor.TO_DLQ, Topics.EVENTS_DLQ, new ByteArraySerializer(), new ByteArraySerializer(), VALIDATE);
        topology.addSink(ValidateProcessor.TO_REROUTE, Topics.EVENTS, new StringSerializer(), new ByteArraySerializer(), VALIDATE);

        topology.addProcessor(ValidateProcessor.TO_NEXT, () -> new DedupeProcessor(config.dedupeHorizon()), VALIDATE);
        Duration horizon = config.dedupeHorizon();
        topology.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.DEDUPE, horizon.multipliedBy(2), horizon, false),
                org.apache.kafka.common.serialization.Serdes.String(),
                org.apache.kafka.common.serialization.Serdes.Long()), ValidateProcessor.TO_NEXT);

        topology.addProcessor(HISTORY, () -> new HistoryProcessor(config), ValidateProcessor.TO_NEXT);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.HISTORY),
                org.apache.kafka.common.serialization.Serdes.String(), Serdes.USER_HISTORY), HISTORY);
        return topology;
    }

    /** The Kafka Streams settings streamrec relies on; callers add bootstrap servers, application id and server. */
    public static Map<String, Object> requiredStreamsConfig() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
        return props;
    }

    public static Properties toProperties(Map<String, Object> map) {
        Properties p = new Properties();
        p.putAll(map);
        return p;
    }
}
