package io.streamrec.gateway;

import io.streamrec.gateway.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

@Path("/instances")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class InstancesResource {
    @Inject
    KafkaStreams streams;

    @Inject
    StateQueries queries;

    public record Instance(String host, int port, boolean self, List<String> stores, List<String> activePartitions,
                           List<String> standbyPartitions) {
    }

    public record Instances(String state, String self, List<Instance> instances) {
    }

    @GET
    @Operation(summary = "Which instance owns which partitions and stores")
    public Instances instances() {
        // the group's metadata is there while the user side runs or rebalances; otherwise (starting, stopped, failed)
        // a 503 with Retry-After, as for any state that is not available right now, never a 500
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw new StateQueries.NotReady("Kafka Streams is " + state);
        }
        List<StreamsMetadata> metadata;
        try {
            metadata = List.copyOf(streams.metadataForAllStreamsClients());
        } catch (IllegalStateException | InvalidStateStoreException e) {
            throw new StateQueries.NotReady("Kafka Streams left " + state + ": " + e.getMessage());
        }
        List<Instance> all = metadata.stream()
                .map(this::toInstance)
                .sorted(Comparator.comparing(Instance::host).thenComparing(Instance::port))
                .toList();
        return new Instances(state.name(), queries.self().host() + ":" + queries.self().port(), all);
    }

    private Instance toInstance(StreamsMetadata m) {
        return new Instance(m.host(), m.port(), m.hostInfo().equals(queries.self()),
                m.stateStoreNames().stream().sorted().toList(), names(m.topicPartitions()), names(m.standbyTopicPartitions()));
    }

    private static List<String> names(Set<TopicPartition> partitions) {
        return partitions.stream().sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .map(tp -> tp.topic() + "-" + tp.partition()).toList();
    }
}
