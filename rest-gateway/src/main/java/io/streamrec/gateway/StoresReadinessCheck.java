package io.streamrec.gateway;

import io.streamrec.processor.StoreNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the user side's Kafka Streams is RUNNING, the item side's is running or rebalancing, and this
 * instance's stores answer (an instance with no partitions is ready: it forwards).
 */
@Readiness
@ApplicationScoped
public class StoresReadinessCheck implements HealthCheck {
    @Inject
    KafkaStreams streams;

    @Inject
    ItemSideStreams itemSide;

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        KafkaStreams.State items = itemSide.state();
        var builder = HealthCheckResponse.named("streamrec stores").withData("state", state.name())
                .withData("itemSide", items == null ? "NOT_STARTED" : items.name());
        if (state != KafkaStreams.State.RUNNING) {
            return builder.down().build();
        }
        // the item side may rebalance while queries are answered; failed or stopped, item answers would go stale
        if (items == null || !(items == KafkaStreams.State.RUNNING || items == KafkaStreams.State.REBALANCING)) {
            return builder.down().withData("reason", "the item side is not running").build();
        }
        boolean ownsPartitions = streams.metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
        if (ownsPartitions) {
            try {
                long entries = streams.store(StoreQueryParameters.fromNameAndType(StoreNames.USER_STATE,
                        QueryableStoreTypes.keyValueStore())).approximateNumEntries();
                builder.withData("usersApprox", entries);
            } catch (InvalidStateStoreException e) {
                return builder.down().withData("reason", String.valueOf(e.getMessage())).build();
            }
        }
        return builder.withData("ownsPartitions", ownsPartitions).up().build();
    }
}
