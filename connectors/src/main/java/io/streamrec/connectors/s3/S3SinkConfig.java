package io.streamrec.connectors.s3;

import io.streamrec.connectors.common.AwsSettings;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.util.Map;
import java.util.regex.Pattern;

/** Settings of the S3 data-lake sink. */
public final class S3SinkConfig extends AbstractConfig {
    static final String PREFIX = "s3.";
    public static final String BUCKET = PREFIX + "bucket.name";
    public static final String KEY_PREFIX = PREFIX + "prefix";
    public static final String PATH_STYLE = PREFIX + "path.style.access";
    public static final String CREATE_BUCKET = PREFIX + "bucket.create";
    public static final String FLUSH_SIZE = PREFIX + "flush.size";
    public static final String COMPRESSION = PREFIX + "compression";
    public static final String TIMESTAMP_FIELD = PREFIX + "timestamp.field";
    public static final String RETRY_BACKOFF_MS = PREFIX + "retry.backoff.ms";

    /** S3 bucket naming rules (general purpose buckets). */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private static final String GROUP_S3 = "S3";
    private static final String GROUP_FILES = "Files";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
                .define(BUCKET, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new BucketValidator(), Importance.HIGH,
                        "Bucket of the data lake.", GROUP_S3, 0, Width.MEDIUM, "Bucket")
                .define(KEY_PREFIX, Type.STRING, "", new PrefixValidator(), Importance.MEDIUM,
                        "Key prefix in front of topic=.../date=.../hour=.../, for example 'raw/' (empty: the bucket "
                                + "root).", GROUP_S3, 4, Width.MEDIUM, "Key prefix")
                .define(PATH_STYLE, Type.BOOLEAN, false, Importance.LOW,
                        "Path-style requests (http://host/bucket/key) instead of virtual-hosted style; needed by most "
                                + "S3-compatible servers such as S3Proxy or MinIO.", GROUP_S3, 5, Width.SHORT,
                        "Path-style access")
                .define(CREATE_BUCKET, Type.BOOLEAN, false, Importance.LOW,
                        "Create the bucket at start when it does not exist (for a local lake; on AWS create it "
                                + "yourself, with its encryption and lifecycle rules).", GROUP_S3, 6, Width.SHORT,
                        "Create bucket")
                .define(FLUSH_SIZE, Type.INT, 1000, Range.between(1, 1_000_000), Importance.HIGH,
                        "Records per object: an object is uploaded when it holds this many records, or when the next "
                                + "record's event hour differs from the object's. Never by wall-clock time, so a "
                                + "redelivery writes the same objects again.", GROUP_FILES, 0, Width.SHORT,
                        "Records per object")
                .define(COMPRESSION, Type.STRING, "gzip", ConfigDef.ValidString.in("gzip", "none"), Importance.MEDIUM,
                        "Compression of the JSON-lines objects: gzip (.jsonl.gz) or none (.jsonl).", GROUP_FILES, 1,
                        Width.SHORT, "Compression")
                .define(TIMESTAMP_FIELD, Type.STRING, "timestamp", Importance.MEDIUM,
                        "Field of the record value holding the event time (epoch milliseconds) that chooses the "
                                + "date=/hour= directory (UTC); empty, or a record without it: the Kafka record "
                                + "timestamp.", GROUP_FILES, 2, Width.SHORT, "Event time field")
                .define(RETRY_BACKOFF_MS, Type.LONG, 1000L, Range.between(0, 600_000), Importance.LOW,
                        "How long Connect waits before delivering again after an upload failed (the SDK has already "
                                + "retried it), in milliseconds.", GROUP_S3, 7, Width.SHORT, "Back-off");
        return AwsSettings.define(def, PREFIX, GROUP_S3, "Amazon S3");
    }

    public S3SinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    public String bucket() {
        return getString(BUCKET).strip();
    }

    public String keyPrefix() {
        return getString(KEY_PREFIX).strip();
    }

    public boolean pathStyle() {
        return getBoolean(PATH_STYLE);
    }

    public boolean createBucket() {
        return getBoolean(CREATE_BUCKET);
    }

    public int flushSize() {
        return getInt(FLUSH_SIZE);
    }

    public boolean gzip() {
        return "gzip".equals(getString(COMPRESSION));
    }

    public String timestampField() {
        return getString(TIMESTAMP_FIELD).strip();
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public boolean hasEndpoint() {
        return !getString(PREFIX + AwsSettings.ENDPOINT).isBlank();
    }

    static final class BucketValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString().strip();
            if (!BUCKET_NAME.matcher(s).matches() || s.contains("..")) {
                throw new ConfigException(name, value, "not a valid S3 bucket name (3-63 characters: lower-case "
                        + "letters, digits, dots and hyphens, starting and ending with a letter or digit)");
            }
        }

        @Override
        public String toString() {
            return "an S3 bucket name";
        }
    }

    static final class PrefixValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString().strip();
            if (s.startsWith("/")) {
                throw new ConfigException(name, value, "must not start with '/' (S3 keys are relative to the bucket)");
            }
            if (!s.isEmpty() && !s.endsWith("/")) {
                throw new ConfigException(name, value, "must end with '/' (it names a folder)");
            }
        }

        @Override
        public String toString() {
            return "empty, or a folder such as raw/";
        }
    }
}
