package io.streamrec.testsupport;

import io.streamrec.schemas.Topics;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the Quarkus test resource by hand, the way Quarkus' test resource manager does. */
class KafkaResourceTest {
    @Test
    void sharesOneClusterAndHandsOutFreshStateDirectories() throws Exception {
        KafkaResource first = new KafkaResource();
        KafkaResource second = new KafkaResource();
        Map<String, String> a = first.start();
        Map<String, String> b;
        try {
            b = second.start();
            try {
                String bootstrap = KafkaResource.kafka().bootstrapServers();
                assertEquals(bootstrap, a.get("kafka.bootstrap.servers"));
                assertEquals(bootstrap, a.get("quarkus.kafka-streams.bootstrap-servers"));
                assertEquals("false", a.get("quarkus.kafka.devservices.enabled"));
                assertEquals(bootstrap, b.get("kafka.bootstrap.servers"));
                assertNotEquals(a.get("kafka-streams.state.dir"), b.get("kafka-streams.state.dir"));
                assertTrue(Files.isDirectory(Path.of(a.get("kafka-streams.state.dir"))));

                Set<String> topics = KafkaResource.kafka().admin().listTopics().names().get(10, TimeUnit.SECONDS);
                assertTrue(topics.containsAll(Set.of(Topics.EVENTS, Topics.EVENTS_DLQ, Topics.TRAINING_EXAMPLES,
                        Topics.ITEMS, Topics.USERS)), topics.toString());
            } finally {
                second.stop();
            }
            // Still in use by the first resource.
            KafkaResource.kafka();
            assertFalse(Files.exists(Path.of(b.get("kafka-streams.state.dir"))));
        } finally {
            first.stop();
        }
        assertThrows(IllegalStateException.class, KafkaResource::kafka);
    }
}
