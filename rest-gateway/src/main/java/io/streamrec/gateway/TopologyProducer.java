package io.streamrec.gateway;

import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.StreamrecTopology;
import io.streamrec.schemas.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hands the user side's topology to the Quarkus Kafka Streams extension, which runs it inside this gateway (the item
 * side runs beside it: {@link ItemSideStreams}). The combiner routes item updates by partition, so the topology is
 * built for the partition count of {@code streamrec.item-updates}, which must equal that of {@code streamrec.events}.
 */
@ApplicationScoped
public class TopologyProducer {
    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "streamrec.topics.wait", defaultValue = "120s")
    String waitText;

    @Produces
    public Topology topology(ProcessorConfig config) {
        return StreamrecTopology.build(config, itemPartitions(bootstrap, ProcessorConfig.parseDuration("streamrec.topics.wait", waitText)));
    }

    /** Partitions of the item-updates topic, checked against the events topic; waits for both to exist. */
    static int itemPartitions(String bootstrap, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (true) {
                try {
                    Map<String, TopicDescription> d = admin.describeTopics(List.of(Topics.EVENTS, Topics.ITEM_UPDATES))
                            .allTopicNames().get(10, TimeUnit.SECONDS);
                    int events = d.get(Topics.EVENTS).partitions().size();
                    int updates = d.get(Topics.ITEM_UPDATES).partitions().size();
                    if (events != updates) {
                        throw new IllegalStateException(Topics.ITEM_UPDATES + " has " + updates + " partitions but " + Topics.EVENTS
                                + " has " + events + ": they must be equal (./streamrec up creates both)");
                    }
                    return updates;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("topics " + Topics.EVENTS + " and " + Topics.ITEM_UPDATES + " are not there at "
                                + bootstrap + " after " + wait.toSeconds() + " s (streamrec.topics.wait): " + e.getMessage());
                    }
                    LOG.infof("waiting for topics %s and %s: %s", Topics.EVENTS, Topics.ITEM_UPDATES, e.getMessage());
                    Thread.sleep(500);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topics");
        }
    }
}
