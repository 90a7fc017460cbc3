package io.streamrec.connectors.personalize;

import io.streamrec.connectors.common.AwsSettings;
import io.streamrec.connectors.common.Backoff;
import io.streamrec.connectors.common.RateLimiter;
import io.streamrec.connectors.common.Sleeper;
import io.streamrec.connectors.common.Version;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.personalizeevents.PersonalizeEventsClient;
import software.amazon.awssdk.services.personalizeevents.model.Event;
import software.amazon.awssdk.services.personalizeevents.model.Item;
import software.amazon.awssdk.services.personalizeevents.model.User;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards ClickEvents to PutEvents (grouped by user and session, at most 10 per call), Items to PutItems and Users to
 * PutUsers. Offsets are committed only up to what Personalize accepted or what went to the dead letter queue.
 */
public class PersonalizeSinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(PersonalizeSinkTask.class);

    private PersonalizeSinkConfig config;
    private PersonalizeEventsClient client;
    private ExecutorService senders;
    private ErrantRecordReporter reporter;
    private final OffsetLedger ledger = new OffsetLedger();
    private final EventMapper eventMapper = new EventMapper();
    private CatalogMapper catalogMapper;
    private Delivery<Event> events;
    private Delivery<Item> items;
    private Delivery<User> users;
    private long acceptedTotal;
    private long callsTotal;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new PersonalizeSinkConfig(props);
        client = AwsSettings.configure(PersonalizeEventsClient.builder(), config, PersonalizeSinkConfig.PREFIX)
                // retries are this task's own: bounded, rate-limited, and ending in a RetriableException
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        AtomicInteger n = new AtomicInteger();
        senders = Executors.newFixedThreadPool(config.maxInFlight(), r -> {
            Thread t = new Thread(r, "personalize-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // a worker older than Kafka 2.6
        }
        catalogMapper = new CatalogMapper(config.itemsFields());
        Backoff backoff = new Backoff(config.retryBackoffMs(), config.retryBackoffMaxMs());
        String trackingId = config.trackingId();
        events = new Delivery<>("PutEvents", PersonalizeSinkConfig.TRACKING_ID,
                new RateLimiter(config.eventsRatePerTask()), backoff, config.maxRetries(), Sleeper.SYSTEM);
        items = new Delivery<>("PutItems", PersonalizeSinkConfig.ITEMS_DATASET_ARN,
                new RateLimiter(config.itemsRatePerTask()), backoff, config.maxRetries(), Sleeper.SYSTEM);
        users = new Delivery<>("PutUsers", PersonalizeSinkConfig.USERS_DATASET_ARN,
                new RateLimiter(config.usersRatePerTask()), backoff, config.maxRetries(), Sleeper.SYSTEM);
        LOG.info("Personalize sink task started: events from {} (tracking id set: {}), items from {}, users from {}; "
                        + "{} PutEvents/s, {} requests in flight", config.eventsTopic(), !trackingId.isEmpty(),
                config.itemsTopic(), config.usersTopic(), config.eventsRatePerTask(), config.maxInFlight());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        Map<EventMapper.Session, List<Delivery.Pending<Event>>> eventGroups = new LinkedHashMap<>();
        List<Delivery.Pending<Item>> itemList = new ArrayList<>();
        List<Delivery.Pending<User>> userList = new ArrayList<>();
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
            if (!ledger.track(tp, record.originalKafkaOffset())) {
                continue; // accepted before this batch was given back for a retry
            }
            if (record.value() == null) {
                ledger.done(tp, record.originalKafkaOffset()); // a tombstone: Personalize has nothing to delete it with
                continue;
            }
            String topic = record.topic();
            if (topic.equals(config.eventsTopic())) {
                Mapped<Event> m = eventMapper.map(record);
                if (m.isValid()) {
                    eventGroups.computeIfAbsent((EventMapper.Session) m.groupKey(), k -> new ArrayList<>())
                            .add(new Delivery.Pending<>(record, m.value()));
                } else {
                    reject(record, m.field() + ": " + m.reason());
                }
            } else if (topic.equals(config.itemsTopic())) {
                Mapped<Item> m = catalogMapper.item(record);
                if (m.isValid()) {
                    itemList.add(new Delivery.Pending<>(record, m.value()));
                } else {
                    reject(record, m.field() + ": " + m.reason());
                }
            } else if (topic.equals(config.usersTopic())) {
                Mapped<User> m = catalogMapper.user(record);
                if (m.isValid()) {
                    userList.add(new Delivery.Pending<>(record, m.value()));
                } else {
                    reject(record, m.field() + ": " + m.reason());
                }
            } else {
                throw new ConnectException("record from topic " + topic + ", which is none of "
                        + PersonalizeSinkConfig.EVENTS_TOPIC + ", " + PersonalizeSinkConfig.ITEMS_TOPIC + " or "
                        + PersonalizeSinkConfig.USERS_TOPIC);
            }
        }

        List<Future<? extends Delivery.Outcome<?>>> futures = new ArrayList<>();
        int size = config.batchSize();
        eventGroups.forEach((session, group) -> {
            for (List<Delivery.Pending<Event>> chunk : chunks(group, size)) {
                futures.add(senders.submit(() -> events.deliver(chunk, batch -> client.putEvents(b -> b
                        .trackingId(config.trackingId()).userId(session.userId()).sessionId(session.sessionId())
                        .eventList(batch)))));
            }
        });
        for (List<Delivery.Pending<Item>> chunk : chunks(itemList, size)) {
            futures.add(senders.submit(() -> items.deliver(chunk,
                    batch -> client.putItems(b -> b.datasetArn(config.itemsDatasetArn()).items(batch)))));
        }
        for (List<Delivery.Pending<User>> chunk : chunks(userList, size)) {
            futures.add(senders.submit(() -> users.deliver(chunk,
                    batch -> client.putUsers(b -> b.datasetArn(config.usersDatasetArn()).users(batch)))));
        }
        collect(futures);
    }

    private void collect(List<Future<? extends Delivery.Outcome<?>>> futures) {
        int unsent = 0;
        Exception lastFailure = null;
        ConnectException fatal = null;
        for (Future<? extends Delivery.Outcome<?>> f : futures) {
            Delivery.Outcome<?> outcome;
            try {
                outcome = f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while sending to Personalize", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ConnectException ce) {
                    fatal = fatal == null ? ce : fatal;
                    continue;
                }
                throw new ConnectException("unexpected failure sending to Personalize: " + e.getCause(), e.getCause());
            }
            callsTotal += outcome.calls();
            for (Delivery.Pending<?> p : outcome.accepted()) {
                ledger.done(tpOf(p.record()), p.record().originalKafkaOffset());
                acceptedTotal++;
            }
            for (Delivery.Rejected r : outcome.rejected()) {
                reject(r.record(), r.reason());
            }
            unsent += outcome.unsent().size();
            if (outcome.failure() != null) {
                lastFailure = outcome.failure();
            }
        }
        if (fatal != null) {
            throw fatal;
        }
        if (unsent > 0) {
            context.timeout(config.retryBackoffMaxMs());
            throw new RetriableException(unsent + " records not accepted by Personalize after " + config.maxRetries()
                    + " retries (Connect delivers them again): " + lastFailure, lastFailure);
        }
    }

    private void reject(SinkRecord record, String reason) {
        if (reporter == null) {
            throw new ConnectException("Personalize cannot take " + Delivery.describe(record) + " (" + reason
                    + ") and no dead letter queue is configured: set errors.tolerance=all and "
                    + "errors.deadletterqueue.topic.name to route such records there");
        }
        // the worker waits for this write before it commits the record's offset
        reporter.report(record, new DataException(reason));
        ledger.done(tpOf(record), record.originalKafkaOffset());
    }

    private static TopicPartition tpOf(SinkRecord r) {
        return new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
    }

    static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            out.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return out;
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return ledger.committable(currentOffsets);
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // every put() returns only once its records were accepted, rejected or given back: nothing is buffered
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        ledger.forget(partitions);
    }

    @Override
    public void stop() {
        LOG.info("Personalize sink task stopping: {} records accepted in {} calls", acceptedTotal, callsTotal);
        if (senders != null) {
            senders.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
    }
}
