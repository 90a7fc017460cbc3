package io.streamrec.connectors.personalize;

import io.streamrec.avro.ClickEvent;
import io.streamrec.connectors.testing.PersonalizeProtocolServer;
import io.streamrec.connectors.testing.TestEvents;
import io.streamrec.schemas.Topics;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Forwarding throughput of the Personalize sink to the local Personalize protocol server: a program that prints
 * numbers, not part of the test suite (its name matches none of Surefire's test patterns). Run with
 * {@code mvn -o -q -pl connectors -am test -Dtest=PersonalizeThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * and {@code -Dbench.events=20000 -Dbench.tasks=1 -Dbench.rate=800 -Dbench.inflight=4}. Writes
 * target/personalize-throughput.json. It checks that every event arrived once; it asserts nothing about time.
 */
class PersonalizeThroughputBenchmark {
    @Test
    void forward() throws Exception {
        int events = Integer.getInteger("bench.events", 20_000);
        int tasks = Integer.getInteger("bench.tasks", 1);
        String rate = System.getProperty("bench.rate", "800");
        String inflight = System.getProperty("bench.inflight", "4");
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name("personalize-bench").numWorkers(1)
                .numBrokers(1).brokerProps(TestEvents.brokerProps())
                .workerProps(new HashMap<>(Map.of("offset.flush.interval.ms", "1000", "plugin.discovery", "service_load")))
                .build();
        connect.start();
        try (PersonalizeProtocolServer server = PersonalizeProtocolServer.start("bench")) {
            connect.kafka().createTopic(Topics.EVENTS, 6);
            List<ClickEvent> list = new ArrayList<>(events);
            long t0 = 1_700_000_000_000L;
            for (int i = 0; i < events; i++) {
                // 10 events per user and session, interleaved as real traffic is
                int user = (i % (events / 10));
                list.add(TestEvents.event("b-" + i, "user-" + user, "item-" + (i % 500), i % 10 == 9 ? "purchase" : "view",
                        t0 + i).setSessionId("s-" + user).setPrice(i % 10 == 9 ? 3.0 : null)
                        .setQuantity(i % 10 == 9 ? 2 : null).build());
            }
            try (KafkaProducer<String, byte[]> producer = TestEvents.producer(connect.kafka().bootstrapServers())) {
                TestEvents.send(producer, Topics.EVENTS, null, list);
            }
            Map<String, String> c = new HashMap<>();
            c.put("connector.class", PersonalizeSinkConnector.class.getName());
            c.put("tasks.max", Integer.toString(tasks));
            c.put("topics", Topics.EVENTS);
            c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
            c.put("value.converter", "io.streamrec.connectors.avro.StreamrecAvroConverter");
            c.put("consumer.override.max.poll.records", "2000");
            c.put(PersonalizeSinkConfig.TRACKING_ID, "bench");
            c.put(PersonalizeSinkConfig.EVENTS_RATE, rate);
            c.put(PersonalizeSinkConfig.MAX_IN_FLIGHT, inflight);
            c.put("personalize.endpoint", server.endpoint());
            long start = System.nanoTime();
            connect.configureConnector("bench", c);
            TestUtils.waitForCondition(() -> server.acceptedEventCounts().size() >= events, 600_000,
                    () -> "accepted " + server.acceptedEventCounts().size() + " of " + events);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(List.of(), server.violations());
            assertEquals(events, server.acceptedEventCounts().values().stream().filter(n -> n == 1).count());
            String json = String.format(java.util.Locale.ROOT, "{\"events\":%d,\"tasks\":%d,\"rateLimitPerSecond\":%s,"
                            + "\"inFlight\":%s,\"seconds\":%.2f,\"eventsPerSecond\":%.0f,\"callsPerSecond\":%.0f,"
                            + "\"calls\":%d,\"maxCallsInOneSecond\":%d}", events, tasks, rate, inflight, seconds,
                    events / seconds, server.acceptedCalls() / seconds, server.acceptedCalls(),
                    server.maxPutEventsPerSecond());
            System.out.println("PERSONALIZE THROUGHPUT " + json);
            Files.writeString(Path.of("target", "personalize-throughput.json"), json + "\n");
        } finally {
            connect.stop();
        }
    }
}
