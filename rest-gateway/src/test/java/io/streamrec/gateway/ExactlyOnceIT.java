package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.avro.ClickEvent;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import io.streamrec.testsupport.EmbeddedKafka;
import io.streamrec.testsupport.Wait;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counting verifier (after Kafka's exactly-once system tests): 12,000 events, a tenth of them sent twice with the
 * same eventId, are written straight to {@code streamrec.events}; the gateway is killed with SIGKILL twice while it
 * processes them (once while the user side is part way through, once while the item side catches up), restarted each
 * time, and at the end every item's event count ({@code /items/{id}/stats}) and every user's count of views
 * ({@code /users/{id}/features}) equal the counts of distinct events in the input exactly: no update lost with the
 * in-memory state of the killed process, none counted twice after the replay of uncommitted input.
 */
class ExactlyOnceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 12_000;
    private static final int USERS = 300;
    private static final int ITEMS = 40;

    private static EmbeddedKafka kafka;
    private static GatewayProcess gw;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createStreamrecTopics(6);
        Path work = Files.createDirectories(Path.of("target", "it-work", "eos-" + System.currentTimeMillis()));
        gw = new GatewayProcess(kafka.bootstrapServers(), work, "eos").start();
        awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void countsAreExactAfterKillsMidProcessing() throws Exception {
        Map<String, Integer> perItem = new TreeMap<>();
        Map<String, Integer> perUser = new TreeMap<>();
        Random random = new Random(11);
        long t0 = Instant.now().minus(Duration.ofHours(2)).toEpochMilli();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < EVENTS; i++) {
                String user = "u" + random.nextInt(USERS);
                String item = "i" + Math.min(ITEMS - 1, (int) Math.abs(random.nextGaussian() * ITEMS / 3));
                ClickEvent e = ClickEvent.newBuilder().setEventId("ev-" + i).setUserId(user).setItemId(item)
                        .setEventType("view").setTimestamp(t0 + i * 100L).build();
                byte[] value = Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e);
                producer.send(new ProducerRecord<>(Topics.EVENTS, EventRules.keyOf(e), value));
                if (i % 10 == 3) { // a resend: the same event again, counted once
                    producer.send(new ProducerRecord<>(Topics.EVENTS, EventRules.keyOf(e), value));
                }
                perItem.merge(item, 1, Integer::sum);
                perUser.merge(user, 1, Integer::sum);
            }
            producer.flush();
        }

        // first kill: while the user side is part way through the input
        awaitCommitted("streamrec", Topics.EVENTS, EVENTS / 10);
        gw.kill();
        gw.start();
        awaitReady();
        // second kill: once the user side is through, while the item side may still be catching up
        awaitCommitted("streamrec", Topics.EVENTS, EVENTS * 11 / 10 - 60);
        gw.kill();
        gw.start();
        awaitReady();

        Wait.until("every item counts its events", Duration.ofSeconds(180), () -> totalItemEvents() == EVENTS);
        Thread.sleep(3000); // then nothing more arrives: a double count would show now
        for (Map.Entry<String, Integer> e : perItem.entrySet()) {
            JsonNode s = json("/items/" + e.getKey() + "/stats");
            assertEquals(e.getValue().longValue(), s.get("events").asLong(), "events of " + e.getKey());
            assertEquals(e.getValue().longValue(), s.get("views").asLong(), "views of " + e.getKey());
        }
        for (Map.Entry<String, Integer> e : perUser.entrySet()) {
            JsonNode f = json("/users/" + e.getKey() + "/features");
            assertEquals(e.getValue().longValue(), f.get("counts").get("view").asLong(), "views of " + e.getKey());
        }
        assertTrue(perItem.size() > 10);
    }

    private static long totalItemEvents() {
        long total = 0;
        for (int i = 0; i < ITEMS; i++) {
            try {
                HttpResponse<String> r = gw.get("/items/i" + i + "/stats");
                if (r.statusCode() == 200) {
                    total += JSON.readTree(r.body()).get("events").asLong();
                }
            } catch (Exception e) {
                return -1;
            }
        }
        return total;
    }

    /** Waits until the group has committed at least {@code records} offsets of the topic (the input has 13,200). */
    private static void awaitCommitted(String group, String topic, long records) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Wait.until(group + " committed " + records + " of " + topic, Duration.ofSeconds(120), () -> {
                try {
                    Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                    long sum = 0;
                    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : c.entrySet()) {
                        if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                            sum += e.getValue().offset();
                        }
                    }
                    return sum >= records;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static void awaitReady() {
        gw.awaitReady(Duration.ofSeconds(120));
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = gw.get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }
}
