package io.streamrec.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.util.EnumSet;
import java.util.Set;

/**
 * Alive unless a Kafka Streams client of this process (user side or item side) has stopped for good: {@code ERROR},
 * {@code PENDING_ERROR}, {@code PENDING_SHUTDOWN} or {@code NOT_RUNNING}. Nothing in the process brings such a client
 * back, so liveness goes DOWN and Kubernetes (or {@code ./streamrec supervise}) restarts the process. Every other state
 * is alive: {@code CREATED} while the gateway starts (it may wait for the topics), {@code REBALANCING} and
 * {@code RUNNING} also while the broker is away (stream threads that fail are replaced, {@link StreamThreadFailures}).
 * It replaces the Kafka Streams extension's own liveness check, which covers the user side only and is DOWN while the
 * client is still {@code CREATED}, so a slow start would count as dead (disabled in application.properties).
 */
@Liveness
@ApplicationScoped
public class StreamsLivenessCheck implements HealthCheck {
    static final Set<KafkaStreams.State> DEAD = EnumSet.of(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING);

    @Inject
    KafkaStreams streams;

    @Inject
    ItemSideStreams itemSide;

    @Inject
    StreamThreadFailures failures;

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State user = streams.state();
        KafkaStreams.State items = itemSide.state();
        boolean alive = !DEAD.contains(user) && (items == null || !DEAD.contains(items));
        var builder = HealthCheckResponse.named("streamrec streams")
                .withData("userSide", user.name())
                .withData("itemSide", items == null ? "NOT_STARTED" : items.name())
                .withData("userSideThreadFailures", (long) failures.failures("user"))
                .withData("itemSideThreadFailures", (long) failures.failures("item"));
        return alive ? builder.up().build()
                : builder.down().withData("reason", "a Kafka Streams client stopped for good; restart the process").build();
    }
}
