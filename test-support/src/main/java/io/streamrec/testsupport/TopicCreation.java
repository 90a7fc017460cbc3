package io.streamrec.testsupport;

import io.streamrec.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Topic creation for the test brokers ({@link EmbeddedKafka} in this JVM, {@link ForkedKafka} in its own process). */
final class TopicCreation {
    private TopicCreation() {
    }

    /**
     * Every streamrec topic: {@link Topics#EVENTS}, {@link Topics#EVENTS_DLQ}, {@link Topics#TRAINING_EXAMPLES} and
     * {@link Topics#ITEM_UPDATES} plain, {@link Topics#ITEMS}, {@link Topics#USERS}, {@link Topics#ITEM_PROFILES} and
     * {@link Topics#ERASURES} compacted, all with {@code partitions} partitions.
     */
    static void createStreamrecTopics(Admin admin, int partitions) {
        create(admin, partitions, Map.of(), Topics.EVENTS, Topics.EVENTS_DLQ, Topics.TRAINING_EXAMPLES, Topics.ITEM_UPDATES);
        create(admin, partitions, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                Topics.ITEMS, Topics.USERS, Topics.ITEM_PROFILES, Topics.ERASURES);
    }

    /** Creates the topics (replication factor 1; one that exists is left as it is) and waits until every partition has a leader. */
    static void create(Admin admin, int partitions, Map<String, String> configs, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (names.length == 0) {
            return;
        }
        List<NewTopic> topics = Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1).configs(configs))
                .toList();
        admin.createTopics(topics).values().forEach((name, future) -> {
            try {
                future.get(EmbeddedKafka.TOPIC_CREATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + name, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + name, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Timed out creating topic " + name, e);
            }
        });
        Set<String> wanted = Set.of(names);
        Wait.until("topics " + wanted + " to have a leader for every partition", EmbeddedKafka.TOPIC_CREATION_TIMEOUT,
                () -> allPartitionsLed(admin, wanted));
    }

    private static boolean allPartitionsLed(Admin admin, Collection<String> names) {
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                    .get(10, TimeUnit.SECONDS);
            return descriptions.values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
