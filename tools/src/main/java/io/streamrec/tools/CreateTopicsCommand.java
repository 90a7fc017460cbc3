package io.streamrec.tools;

import io.streamrec.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the streamrec topics that are missing; existing topics are kept as they are (a partition count that differs
 * from the requested one is reported, never changed: that would move keys between partitions).
 */
@Command(name = "create-topics", mixinStandardHelpOptions = true,
        description = "Create the streamrec topics if missing (idempotent); waits for the broker up to --timeout.")
public final class CreateTopicsCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--partitions", defaultValue = "6", description = "partitions of the events topic and of every other topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "1", description = "replication factor (default: ${DEFAULT-VALUE}, one local broker)")
    short replicationFactor;

    @Option(names = "--timeout", defaultValue = "60", description = "seconds to wait for the broker to answer (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--quiet", description = "print only problems")
    boolean quiet;

    /** The topics and their configs, in creation order. */
    public static Map<String, Map<String, String>> topicConfigs() {
        Map<String, Map<String, String>> topics = new LinkedHashMap<>();
        topics.put(Topics.EVENTS, Map.of());
        topics.put(Topics.ITEMS, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        topics.put(Topics.USERS, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        topics.put(Topics.EVENTS_DLQ, Map.of());
        topics.put(Topics.TRAINING_EXAMPLES, Map.of());
        topics.put(Topics.ITEM_PROFILES, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        // the erasure audit log: one record per erased user (by key hash), kept for good
        topics.put(Topics.ERASURES, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        // internal, user side -> item side; read once by the item side, so a day of retention is plenty
        topics.put(Topics.ITEM_UPDATES, Map.of(TopicConfig.RETENTION_MS_CONFIG, "86400000"));
        return topics;
    }

    @Override
    public Integer call() throws Exception {
        if (partitions < 1) {
            throw new ToolException("--partitions must be at least 1", 2);
        }
        if (replicationFactor < 1) {
            throw new ToolException("--replication-factor must be at least 1", 2);
        }
        PrintStream out = System.out;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-create-topics");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = awaitTopicNames(admin, deadline);
            Map<String, Map<String, String>> wanted = topicConfigs();
            List<NewTopic> missing = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> t : wanted.entrySet()) {
                if (!existing.contains(t.getKey())) {
                    missing.add(new NewTopic(t.getKey(), partitions, replicationFactor).configs(t.getValue()));
                }
            }
            for (NewTopic nt : missing) {
                try {
                    admin.createTopics(List.of(nt)).all().get(30, TimeUnit.SECONDS);
                    if (!quiet) {
                        out.printf("created %s (%d partitions, replication %d%s)%n", nt.name(), partitions, replicationFactor,
                                nt.configs().isEmpty() ? "" : ", " + nt.configs());
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new ToolException("could not create " + nt.name() + ": " + e.getCause().getMessage());
                    }
                }
            }
            Map<String, TopicDescription> described = describe(admin, wanted.keySet());
            int eventsPartitions = described.get(Topics.EVENTS).partitions().size();
            for (String name : wanted.keySet()) {
                int n = described.get(name).partitions().size();
                boolean created = missing.stream().anyMatch(nt -> nt.name().equals(name));
                if (!created && !quiet) {
                    out.printf("exists  %s (%d partitions)%n", name, n);
                }
                if (n != partitions) {
                    System.err.printf("warning: %s has %d partitions, %d were asked for; kept as it is%n", name, n, partitions);
                }
                if (name.equals(Topics.ITEM_UPDATES) && n != eventsPartitions) {
                    throw new ToolException(name + " has " + n + " partitions but " + Topics.EVENTS + " has " + eventsPartitions
                            + ": they must be equal (the gateways will not start); delete " + name + " and run create-topics again");
                }
                if ((name.equals(Topics.ITEMS) || name.equals(Topics.USERS)) && n != eventsPartitions) {
                    System.err.printf("warning: %s has %d partitions but %s has %d: not co-partitioned for joins%n",
                            name, n, Topics.EVENTS, eventsPartitions);
                }
            }
        }
        return 0;
    }

    /** Describes the topics, retrying while newly created ones are not yet known to the broker's metadata. */
    private static Map<String, TopicDescription> describe(Admin admin, Set<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                boolean retriable = cause instanceof RetriableException || cause instanceof TimeoutException;
                if (!retriable || System.nanoTime() > deadline) {
                    throw new ToolException("could not describe the topics: " + cause);
                }
            }
            Thread.sleep(200);
        }
    }

    private Set<String> awaitTopicNames(Admin admin, long deadline) throws InterruptedException {
        boolean told = false;
        String last = null;
        while (true) {
            try {
                return admin.listTopics().names().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                last = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            }
            if (System.nanoTime() > deadline) {
                throw new ToolException("Kafka at " + bootstrap + " did not answer within " + timeoutSeconds + " s (last error: " + last + ")");
            }
            if (!told && !quiet) {
                System.err.println("waiting for Kafka at " + bootstrap + " ...");
                told = true;
            }
            Thread.sleep(Duration.ofMillis(500).toMillis());
        }
    }
}
