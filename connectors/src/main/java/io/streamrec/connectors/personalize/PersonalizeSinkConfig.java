package io.streamrec.connectors.personalize;

import io.streamrec.connectors.common.AwsSettings;
import io.streamrec.schemas.Topics;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings of the Personalize sink. Quotas and limits are Amazon Personalize's documented ones: PutEvents 1,000
 * requests/s per dataset group, PutItems and PutUsers 10 requests/s, at most 10 records per call.
 */
public final class PersonalizeSinkConfig extends AbstractConfig {
    static final String PREFIX = "personalize.";
    public static final String TRACKING_ID = PREFIX + "tracking.id";
    public static final String EVENTS_TOPIC = PREFIX + "events.topic";
    public static final String ITEMS_TOPIC = PREFIX + "items.topic";
    public static final String USERS_TOPIC = PREFIX + "users.topic";
    public static final String ITEMS_DATASET_ARN = PREFIX + "items.dataset.arn";
    public static final String USERS_DATASET_ARN = PREFIX + "users.dataset.arn";
    public static final String EVENTS_RATE = PREFIX + "events.max.requests.per.second";
    public static final String ITEMS_RATE = PREFIX + "items.max.requests.per.second";
    public static final String USERS_RATE = PREFIX + "users.max.requests.per.second";
    public static final String BATCH_SIZE = PREFIX + "batch.size";
    public static final String MAX_RETRIES = PREFIX + "max.retries";
    public static final String RETRY_BACKOFF_MS = PREFIX + "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = PREFIX + "retry.backoff.max.ms";
    public static final String MAX_IN_FLIGHT = PREFIX + "max.in.flight.requests";
    public static final String ITEMS_FIELDS = PREFIX + "items.fields";
    /** Set by the connector on each task: the task's share of the connector-wide rate limits. */
    static final String TASK_RATE_SHARE = PREFIX + "task.rate.share";

    public static final int MAX_BATCH = 10;
    public static final double PUT_EVENTS_QUOTA = 1000;
    public static final double PUT_ITEMS_USERS_QUOTA = 10;

    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:personalize:[a-z0-9-]+:\\d{12}:dataset/.+");

    private static final String GROUP_AWS = "Personalize";
    private static final String GROUP_TOPICS = "Topics";
    private static final String GROUP_DELIVERY = "Delivery";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
                .define(TRACKING_ID, Type.STRING, "", Importance.HIGH,
                        "Tracking id of the Personalize event tracker (PutEvents trackingId). Required when the "
                                + "connector reads the events topic.", GROUP_AWS, 0, Width.MEDIUM, "Tracking id")
                .define(ITEMS_DATASET_ARN, Type.STRING, "", new ArnValidator(), Importance.HIGH,
                        "ARN of the Items dataset for PutItems (arn:aws:personalize:REGION:ACCOUNT:dataset/GROUP/ITEMS). "
                                + "Required when the connector reads the items topic.", GROUP_AWS, 4, Width.LONG,
                        "Items dataset ARN")
                .define(USERS_DATASET_ARN, Type.STRING, "", new ArnValidator(), Importance.HIGH,
                        "ARN of the Users dataset for PutUsers. Required when the connector reads the users topic.",
                        GROUP_AWS, 5, Width.LONG, "Users dataset ARN")
                .define(EVENTS_TOPIC, Type.STRING, Topics.EVENTS, new AwsSettings.NonBlank(), Importance.MEDIUM,
                        "Topic of ClickEvent records, sent with PutEvents.", GROUP_TOPICS, 0, Width.MEDIUM,
                        "Events topic")
                .define(ITEMS_TOPIC, Type.STRING, Topics.ITEMS, new AwsSettings.NonBlank(), Importance.MEDIUM,
                        "Topic of Item records, sent with PutItems.", GROUP_TOPICS, 1, Width.MEDIUM, "Items topic")
                .define(USERS_TOPIC, Type.STRING, Topics.USERS, new AwsSettings.NonBlank(), Importance.MEDIUM,
                        "Topic of User records, sent with PutUsers.", GROUP_TOPICS, 2, Width.MEDIUM, "Users topic")
                .define(EVENTS_RATE, Type.DOUBLE, 800.0, Range.between(0.1, PUT_EVENTS_QUOTA), Importance.MEDIUM,
                        "Most PutEvents requests per second for the whole connector (split evenly over its tasks). "
                                + "The documented quota is 1,000 per dataset group.", GROUP_DELIVERY, 0, Width.SHORT,
                        "PutEvents rate")
                .define(ITEMS_RATE, Type.DOUBLE, 8.0, Range.between(0.1, PUT_ITEMS_USERS_QUOTA), Importance.LOW,
                        "Most PutItems requests per second for the whole connector (quota: 10).", GROUP_DELIVERY, 1,
                        Width.SHORT, "PutItems rate")
                .define(USERS_RATE, Type.DOUBLE, 8.0, Range.between(0.1, PUT_ITEMS_USERS_QUOTA), Importance.LOW,
                        "Most PutUsers requests per second for the whole connector (quota: 10).", GROUP_DELIVERY, 2,
                        Width.SHORT, "PutUsers rate")
                .define(BATCH_SIZE, Type.INT, MAX_BATCH, Range.between(1, MAX_BATCH), Importance.LOW,
                        "Most records per PutEvents, PutItems or PutUsers call (the API allows 10). Events of one "
                                + "call share a user and session.", GROUP_DELIVERY, 3, Width.SHORT, "Batch size")
                .define(MAX_IN_FLIGHT, Type.INT, 4, Range.between(1, 64), Importance.LOW,
                        "Requests a task keeps in flight at once (each to a different user and session).",
                        GROUP_DELIVERY, 4, Width.SHORT, "Requests in flight")
                .define(MAX_RETRIES, Type.INT, 6, Range.between(0, 100), Importance.LOW,
                        "Retries of a throttled (429, ThrottlingException), failed (5xx) or unreachable request before "
                                + "the task gives the batch back to Connect with a RetriableException (nothing is lost: "
                                + "Connect delivers it again).", GROUP_DELIVERY, 5, Width.SHORT, "Retries")
                .define(RETRY_BACKOFF_MS, Type.LONG, 100L, Range.between(0, 60_000), Importance.LOW,
                        "First back-off before a retry, in milliseconds; doubled each retry, with jitter.",
                        GROUP_DELIVERY, 6, Width.SHORT, "Back-off")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 10_000L, Range.between(0, 600_000), Importance.LOW,
                        "Longest back-off between two retries, in milliseconds; also how long Connect waits before "
                                + "delivering a batch again after a RetriableException.", GROUP_DELIVERY, 7,
                        Width.SHORT, "Longest back-off")
                .define(ITEMS_FIELDS, Type.LIST, "title,category,price,description,creationTimestamp",
                        Importance.LOW, "Item fields sent as PutItems properties, when the record has them; must match "
                                + "the Items dataset schema. creationTimestamp is the item's created time in epoch "
                                + "seconds.", GROUP_TOPICS, 3, Width.LONG, "Item properties")
                .defineInternal(TASK_RATE_SHARE, Type.DOUBLE, 1.0, Importance.LOW);
        return AwsSettings.define(def, PREFIX, GROUP_AWS, "Amazon Personalize Events");
    }

    public PersonalizeSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        Map<String, List<String>> problems = crossFieldProblems(props);
        if (!problems.isEmpty()) {
            Map.Entry<String, List<String>> first = problems.entrySet().iterator().next();
            throw new ConfigException(first.getKey(), props.get(first.getKey()), first.getValue().get(0));
        }
    }

    /**
     * Problems that involve more than one setting, by the setting to blame: which topics the connector reads decides
     * which ids and ARNs it needs, and every topic it reads must be one it knows how to send.
     */
    static Map<String, List<String>> crossFieldProblems(Map<?, ?> props) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        // read one by one, so that an invalid value elsewhere (reported by its validator) does not hide these
        List<String> topics = topics(props);
        String events = stringOrDefault(props, EVENTS_TOPIC);
        String items = stringOrDefault(props, ITEMS_TOPIC);
        String users = stringOrDefault(props, USERS_TOPIC);
        if (topics.contains(events) && stringOrDefault(props, TRACKING_ID).isBlank()) {
            add(problems, TRACKING_ID, "must be set: the connector reads " + events + " and PutEvents needs the event "
                    + "tracker's tracking id");
        }
        if (topics.contains(items) && stringOrDefault(props, ITEMS_DATASET_ARN).isBlank()) {
            add(problems, ITEMS_DATASET_ARN, "must be set: the connector reads " + items + " and PutItems needs the "
                    + "Items dataset ARN");
        }
        if (topics.contains(users) && stringOrDefault(props, USERS_DATASET_ARN).isBlank()) {
            add(problems, USERS_DATASET_ARN, "must be set: the connector reads " + users + " and PutUsers needs the "
                    + "Users dataset ARN");
        }
        for (String topic : topics) {
            if (!topic.equals(events) && !topic.equals(items) && !topic.equals(users)) {
                add(problems, SinkConnector.TOPICS_CONFIG, "topic '" + topic + "' is none of " + EVENTS_TOPIC + " ("
                        + events + "), " + ITEMS_TOPIC + " (" + items + ") or " + USERS_TOPIC + " (" + users + ")");
            }
        }
        return problems;
    }

    private static String stringOrDefault(Map<?, ?> props, String name) {
        Object v = props.get(name);
        if (v == null) {
            v = CONFIG_DEF.configKeys().get(name).defaultValue;
        }
        return v == null ? "" : v.toString().strip();
    }

    private static void add(Map<String, List<String>> problems, String name, String message) {
        problems.computeIfAbsent(name, k -> new ArrayList<>()).add(message);
    }

    static List<String> topics(Map<?, ?> props) {
        Object value = props.get(SinkConnector.TOPICS_CONFIG);
        if (value == null || value.toString().isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String t : value.toString().split(",")) {
            if (!t.isBlank()) {
                out.add(t.strip());
            }
        }
        return out;
    }

    public String trackingId() {
        return getString(TRACKING_ID).strip();
    }

    public String eventsTopic() {
        return getString(EVENTS_TOPIC);
    }

    public String itemsTopic() {
        return getString(ITEMS_TOPIC);
    }

    public String usersTopic() {
        return getString(USERS_TOPIC);
    }

    public String itemsDatasetArn() {
        return getString(ITEMS_DATASET_ARN).strip();
    }

    public String usersDatasetArn() {
        return getString(USERS_DATASET_ARN).strip();
    }

    private double share() {
        return getDouble(TASK_RATE_SHARE);
    }

    public double eventsRatePerTask() {
        return getDouble(EVENTS_RATE) * share();
    }

    public double itemsRatePerTask() {
        return getDouble(ITEMS_RATE) * share();
    }

    public double usersRatePerTask() {
        return getDouble(USERS_RATE) * share();
    }

    public List<String> itemsFields() {
        return getList(ITEMS_FIELDS);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    public int maxRetries() {
        return getInt(MAX_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public long retryBackoffMaxMs() {
        return Math.max(getLong(RETRY_BACKOFF_MAX_MS), getLong(RETRY_BACKOFF_MS));
    }

    /** Empty, or an ARN of a Personalize dataset. */
    static final class ArnValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString().strip();
            if (!s.isEmpty() && !ARN.matcher(s).matches()) {
                throw new ConfigException(name, value, "not a Personalize dataset ARN (arn:aws:personalize:REGION:"
                        + "ACCOUNT:dataset/DATASET_GROUP/ITEMS or .../USERS)");
            }
        }

        @Override
        public String toString() {
            return "empty, or arn:aws:personalize:REGION:ACCOUNT:dataset/...";
        }
    }
}
