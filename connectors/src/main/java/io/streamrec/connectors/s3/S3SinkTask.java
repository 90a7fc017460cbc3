package io.streamrec.connectors.s3;

import io.streamrec.connectors.common.AwsSettings;
import io.streamrec.connectors.common.Version;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes each assigned partition's records to S3 as JSON-lines objects (see {@link PartitionWriter}); offsets are
 * committed only up to the first record that is not yet in an uploaded object.
 */
public class S3SinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(S3SinkTask.class);

    private S3SinkConfig config;
    private S3Client s3;
    private ObjectSink sink;
    private final Map<TopicPartition, PartitionWriter> writers = new HashMap<>();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new S3SinkConfig(props);
        s3 = client(config);
        String bucket = config.bucket();
        ensureBucket(bucket);
        sink = (key, body) -> s3.putObject(b -> b.bucket(bucket).key(key).contentType(
                config.gzip() ? "application/gzip" : "application/x-ndjson"), RequestBody.fromBytes(body));
        LOG.info("S3 sink task started: bucket {}, prefix '{}', {} records per object, {}", bucket,
                config.keyPrefix(), config.flushSize(), config.gzip() ? "gzip" : "uncompressed");
    }

    static S3Client client(S3SinkConfig config) {
        var builder = AwsSettings.configure(S3Client.builder(), config, S3SinkConfig.PREFIX)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
        if (config.hasEndpoint()) {
            // S3-compatible servers differ in which of the newer default checksums they take; send them only where
            // an API requires one
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    private void ensureBucket(String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            if (!config.createBucket()) {
                throw new ConnectException("bucket '" + bucket + "' (" + S3SinkConfig.BUCKET + ") does not exist; "
                        + "create it, or set " + S3SinkConfig.CREATE_BUCKET + "=true", e);
            }
            try {
                s3.createBucket(b -> b.bucket(bucket));
                LOG.info("created bucket {}", bucket);
            } catch (BucketAlreadyOwnedByYouException raced) {
                // another task created it first
            }
        } catch (SdkServiceException e) {
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new ConnectException("no access to bucket '" + bucket + "' (" + S3SinkConfig.BUCKET + ") with "
                        + "the credentials of the default AWS provider chain: " + e.getMessage(), e);
            }
            throw new RetriableException("cannot check bucket '" + bucket + "': " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new RetriableException("cannot reach S3 for bucket '" + bucket + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            writers.put(tp, new PartitionWriter(tp, config, sink));
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            for (PartitionWriter w : writers.values()) {
                w.retryPending();
            }
            for (SinkRecord r : records) {
                TopicPartition tp = new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
                writers.computeIfAbsent(tp, k -> new PartitionWriter(k, config, sink)).write(r);
            }
        } catch (SdkServiceException e) {
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new ConnectException("S3 refused the upload to bucket '" + config.bucket() + "' with the "
                        + "credentials of the default AWS provider chain: " + e.getMessage(), e);
            }
            context.timeout(config.retryBackoffMs());
            throw new RetriableException("upload to S3 failed (Connect delivers the records again): " + e.getMessage(), e);
        } catch (SdkException e) {
            context.timeout(config.retryBackoffMs());
            throw new RetriableException("upload to S3 failed (Connect delivers the records again): " + e.getMessage(), e);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        // currentOffsets: what the worker handed to put() successfully, including records it skipped itself (such as
        // those its converter sent to the dead letter queue); a partition without buffered records commits that
        currentOffsets.forEach((tp, consumed) -> {
            PartitionWriter w = writers.get(tp);
            long firstNotUploaded = w == null ? -1 : w.firstBufferedOffset();
            out.put(tp, firstNotUploaded < 0 ? consumed : new OffsetAndMetadata(firstNotUploaded));
        });
        return out;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // objects are uploaded when complete; preCommit says how far that is
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        // an open object is dropped: its records are read again from the committed offset by the next owner
        partitions.forEach(writers::remove);
    }

    @Override
    public void stop() {
        writers.clear();
        if (s3 != null) {
            s3.close();
        }
    }
}
