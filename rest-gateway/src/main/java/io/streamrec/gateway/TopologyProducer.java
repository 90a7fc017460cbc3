package io.streamrec.gateway;

import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.StreamrecTopology;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;

/** Hands the topology to the Quarkus Kafka Streams extension, which runs it inside this gateway. */
@ApplicationScoped
public class TopologyProducer {
    @Produces
    public Topology topology(ProcessorConfig config) {
        return StreamrecTopology.build(config);
    }
}
