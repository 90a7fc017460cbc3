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
 * broker acknowledged every one of them. Sending is bounded in time: {@code streamrec.ingest.timeout} caps the wait
 * for metadata (at most 5 s of it), the delivery, and a request's whole send and wait (plus a second), however many
 * records it holds: with the broker away a request is answered 503 within that time.
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
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        for (ClickEvent e : events) {
            // the record timestamp is the event time: Kafka Streams' stream time (retention, decay, windows) follows it
            records.add(new ProducerRecord<>(Topics.EVENTS, null, e.getTimestamp(), EventRules.keyOf(e),
                    Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e)));
        }
        sendAll(records);
        accepted.increment(events.size());
    }

    public void publishItems(List<Item> items) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(items.size());
        for (Item i : items) {
            records.add(new ProducerRecord<>(Topics.ITEMS, i.getItemId(), Serdes.ITEM.serialize(Topics.ITEMS, i)));
        }
        sendAll(records);
    }

    public void publishUsers(List<User> users) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(users.size());
        for (User u : users) {
            records.add(new ProducerRecord<>(Topics.USERS, u.getUserId(), Serdes.USER.serialize(Topics.USERS, u)));
        }
        sendAll(records);
    }

    /**
     * Writes an erasure command for a user's key to the events topic (header {@code streamrec.command=erase}): it
     * lands on the user's partition after every event of the user already accepted. Blocks until acknowledged.
     */
    public void publishErasure(String userKey, io.streamrec.avro.Erasure command) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.EVENTS, null, command.getRequestedAt(), userKey,
                Serdes.ERASURE.serialize(Topics.EVENTS, command));
        r.headers().add(Topics.HEADER_COMMAND, Topics.HEADER_COMMAND_ERASE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sendAll(List.of(r));
    }

    /**
     * Sends the records and waits until every one is acknowledged, all within one deadline ({@code streamrec.ingest.timeout}
     * plus a second). The first record the producer refuses at once (no metadata within {@code max.block.ms}: the broker
     * is away) ends the batch: the rest is not sent, since the answer is a 503 whatever they would do, and sending them
     * would block for {@code max.block.ms} each. Some records of a refused batch may be written; the client's retry is
     * deduplicated by eventId (upserts and erasures may be repeated).
     */
    private void sendAll(List<ProducerRecord<String, byte[]>> records) {
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        List<CompletableFuture<?>> acks = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> r : records) {
            CompletableFuture<?> ack = send(r);
            acks.add(ack);
            if (ack.isCompletedExceptionally()) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                acks.add(CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException(
                        "sending took longer than streamrec.ingest.timeout (" + timeout.toMillis() + " ms)")));
                break;
            }
        }
        try {
            long remaining = Math.max(0, deadline - System.nanoTime());
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(remaining, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.increment(records.size());
            throw new PublishException("interrupted while waiting for Kafka", e);
        } catch (Exception e) {
            failed.increment(records.size());
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PublishException("Kafka did not acknowledge the records: " + cause.getMessage(), cause);
        }
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

    public static final class PublishException extends RuntimeException {
        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
