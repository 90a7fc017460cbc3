package io.streamrec.connectors.s3;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.zip.GZIPOutputStream;

/**
 * The objects of one topic partition. Records are appended to an open object; it is uploaded when it holds
 * {@code flush.size} records or when a record of another event hour arrives (so each record lies under its own
 * {@code date=/hour=}). Both rules depend only on the records, and an object is named by its first offset: starting
 * again from a committed offset writes exactly the same objects. The committable offset is the first record not yet
 * uploaded. Used by the task thread only.
 */
final class PartitionWriter {
    private static final DateTimeFormatter HOUR_DIR =
            DateTimeFormatter.ofPattern("'date='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    private final TopicPartition tp;
    private final String keyPrefix;
    private final int flushSize;
    private final boolean gzip;
    private final String timestampField;
    private final ObjectSink sink;

    /** The offset after the last record taken in; -1 before the first. */
    private long nextOffset = -1;
    private OpenObject open;
    /** A finished object whose upload failed: retried before anything else. */
    private Finished pending;

    private static final class OpenObject {
        final long startOffset;
        final String hourDir;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        final OutputStream out;
        int records;

        OpenObject(long startOffset, String hourDir, boolean gzip) {
            this.startOffset = startOffset;
            this.hourDir = hourDir;
            try {
                this.out = gzip ? new GZIPOutputStream(bytes, 64 * 1024) : bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record Finished(String key, long startOffset, byte[] body) {
    }

    PartitionWriter(TopicPartition tp, S3SinkConfig config, ObjectSink sink) {
        this(tp, config.keyPrefix(), config.flushSize(), config.gzip(), config.timestampField(), sink);
    }

    PartitionWriter(TopicPartition tp, String keyPrefix, int flushSize, boolean gzip, String timestampField,
                    ObjectSink sink) {
        this.tp = tp;
        this.keyPrefix = keyPrefix;
        this.flushSize = flushSize;
        this.gzip = gzip;
        this.timestampField = timestampField;
        this.sink = sink;
    }

    /** Takes one record (in offset order); uploads what it completes. A record already taken is ignored. */
    void write(SinkRecord record) {
        long offset = record.originalKafkaOffset();
        if (nextOffset >= 0 && offset < nextOffset) {
            return; // redelivered after a failed upload: already in an object
        }
        retryPending();
        if (record.value() == null) {
            nextOffset = offset + 1; // a tombstone has nothing to store
            return;
        }
        String hourDir = HOUR_DIR.format(Instant.ofEpochMilli(eventTime(record)));
        if (open != null && !open.hourDir.equals(hourDir)) {
            finishOpen();
        }
        byte[] line = JsonLines.line(record);
        if (open == null) {
            open = new OpenObject(offset, hourDir, gzip);
        }
        try {
            open.out.write(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        open.records++;
        nextOffset = offset + 1;
        if (open.records >= flushSize) {
            finishOpen();
        }
    }

    /** Uploads the object whose upload failed before, if any. */
    void retryPending() {
        if (pending != null) {
            sink.put(pending.key(), pending.body());
            pending = null;
        }
    }

    private void finishOpen() {
        OpenObject o = open;
        open = null;
        try {
            o.out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pending = new Finished(key(o.hourDir, o.startOffset), o.startOffset, o.bytes.toByteArray());
        retryPending();
    }

    String key(String hourDir, long startOffset) {
        return keyPrefix + "topic=" + tp.topic() + "/" + hourDir + "/" + tp.topic() + "+" + tp.partition() + "+"
                + String.format("%020d", startOffset) + (gzip ? ".jsonl.gz" : ".jsonl");
    }

    long eventTime(SinkRecord record) {
        if (!timestampField.isEmpty() && record.value() instanceof Struct s) {
            Field f = s.schema().field(timestampField);
            if (f != null && s.get(f) instanceof Long t) {
                return t;
            }
        }
        Long ts = record.timestamp();
        return ts == null ? 0L : ts;
    }

    /** The first offset that is taken in but not yet in an uploaded object; -1 when there is none. */
    long firstBufferedOffset() {
        if (pending != null) {
            return pending.startOffset();
        }
        return open != null ? open.startOffset : -1;
    }
}
