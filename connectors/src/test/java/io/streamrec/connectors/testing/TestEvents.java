package io.streamrec.connectors.testing;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.User;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Building and writing streamrec records as producers do: Avro single-object encoded, keyed by userId/sessionId. */
public final class TestEvents {
    private TestEvents() {
    }

    /**
     * Broker settings for the tests: the test events carry event times in 2023 as record timestamps, which the default
     * 7-day retention would delete at its next check, in the middle of a test.
     */
    public static java.util.Properties brokerProps() {
        java.util.Properties p = new java.util.Properties();
        p.put("log.retention.ms", "-1");
        return p;
    }

    public static ClickEvent.Builder event(String eventId, String userId, String itemId, String type, long timestamp) {
        return ClickEvent.newBuilder().setEventId(eventId).setUserId(userId).setSessionId(null).setItemId(itemId)
                .setEventType(type).setTimestamp(timestamp).setImpression(List.of()).setProperties(Map.of());
    }

    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Writes the events to {@code partition} (null: by key), in order, and waits for every acknowledgement. */
    public static void send(KafkaProducer<String, byte[]> producer, String topic, Integer partition,
                            List<ClickEvent> events) {
        List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>();
        for (ClickEvent e : events) {
            acks.add(producer.send(new ProducerRecord<>(topic, partition, e.getTimestamp(), EventRules.keyOf(e),
                    Serdes.CLICK_EVENT.serialize(topic, e))));
        }
        await(acks);
    }

    public static void sendRaw(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        await(List.of(producer.send(new ProducerRecord<>(topic, key, value))));
    }

    public static void sendItem(KafkaProducer<String, byte[]> producer, Item item) {
        await(List.of(producer.send(new ProducerRecord<>(Topics.ITEMS, item.getItemId(),
                Serdes.ITEM.serialize(Topics.ITEMS, item)))));
    }

    public static void sendUser(KafkaProducer<String, byte[]> producer, User user) {
        await(List.of(producer.send(new ProducerRecord<>(Topics.USERS, user.getUserId(),
                Serdes.USER.serialize(Topics.USERS, user)))));
    }

    private static void await(List<? extends java.util.concurrent.Future<?>> acks) {
        try {
            for (java.util.concurrent.Future<?> f : acks) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("produce failed", e.getCause());
        }
    }
}
