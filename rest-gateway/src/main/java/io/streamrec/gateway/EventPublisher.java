package io.streamrec.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.User;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes accepted records to Kafka with an idempotent producer and acks=all, and tells the caller only when the
 * broker acknowledged every one of them. Sending is bounded in time: {@code streamrec.ingest.timeout} caps both the
 * wait for metadata and the delivery.
 */
@ApplicationScoped
public class EventPublisher {
    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "streamrec.ingest.timeout", defaultValue = "10s")
    String timeoutText;

    private KafkaProducer<String, byte[]> producer;
    private Duration timeout;
    private Counter accepted;
    private Counter failed;

    @PostConstruct
    void start() {
        timeout = io.streamrec.processor.ProcessorConfig.parseDuration("streamrec.ingest.timeout", timeoutText);
        int deliveryMs = (int) Math.max(timeout.toMillis(), 2000);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "snappy",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(deliveryMs - 100, 5000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(deliveryMs, 5000),
                ProducerConfig.CLIENT_ID_CONFIG, "streamrec-gateway-ingest"),
                new StringSerializer(), new ByteArraySerializer());
        accepted = registry.counter("streamrec.ingest.events", "outcome", "accepted");
        failed = registry.counter("streamrec.ingest.events", "outcome", "failed");
    }

    void stop(@Observes ShutdownEvent ev) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Blocks until every event is acknowledged; throws {@link PublishException} when Kafka did not take them all in time. */
    public void publishEvents(List<ClickEvent> events) {
        List<CompletableFuture<?>> acks = new ArrayList<>(events.size());
        for (ClickEvent e : events) {
            // the record timestamp is the event time: Kafka Streams' stream time (retention, decay, windows) follows it
            acks.add(send(Topics.EVENTS, EventRules.keyOf(e), e.getTimestamp(), Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e)));
        }
        await(acks, events.size());
        accepted.increment(events.size());
    }

    public void publishItems(List<Item> items) {
        List<CompletableFuture<?>> acks = new ArrayList<>(items.size());
        for (Item i : items) {
            acks.add(send(Topics.ITEMS, i.getItemId(), null, Serdes.ITEM.serialize(Topics.ITEMS, i)));
        }
        await(acks, items.size());
    }

    public void publishUsers(List<User> users) {
        List<CompletableFuture<?>> acks = new ArrayList<>(users.size());
        for (User u : users) {
            acks.add(send(Topics.USERS, u.getUserId(), null, Serdes.USER.serialize(Topics.USERS, u)));
        }
        await(acks, users.size());
    }

    /**
     * Writes an erasure command for a user's key to the events topic (header {@code streamrec.command=erase}): it
     * lands on the user's partition after every event of the user already accepted. Blocks until acknowledged.
     */
    public void publishErasure(String userKey, io.streamrec.avro.Erasure command) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.EVENTS, null, command.getRequestedAt(), userKey,
                Serdes.ERASURE.serialize(Topics.EVENTS, command));
        r.headers().add(Topics.HEADER_COMMAND, Topics.HEADER_COMMAND_ERASE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await(List.of(send(r)), 1);
    }

    private CompletableFuture<?> send(String topic, String key, Long timestamp, byte[] value) {
        return send(new ProducerRecord<>(topic, null, timestamp, key, value));
    }

    private CompletableFuture<?> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        try {
            producer.send(record, (meta, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(meta);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private void await(List<CompletableFuture<?>> acks, int count) {
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.increment(count);
            throw new PublishException("interrupted while waiting for Kafka", e);
        } catch (Exception e) {
            failed.increment(count);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PublishException("Kafka did not acknowledge the records: " + cause.getMessage(), cause);
        }
    }

    public static final class PublishException extends RuntimeException {
        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
