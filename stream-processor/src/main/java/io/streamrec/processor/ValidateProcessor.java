package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Erasure;
import io.streamrec.schemas.Erasures;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import io.streamrec.schemas.Violation;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First step for every record on {@code streamrec.events}: decode, validate, and check the key. Raw bytes come in so
 * that a record that cannot be decoded is not lost: it goes to the DLQ with headers saying why. A valid event whose
 * key is not its userId (sessionId when anonymous) is written back to the events topic under the right key, so that
 * each user's state lives in exactly one partition whatever the producer did. A command record (header
 * {@code streamrec.command=erase}, an {@code Erasure} as value, keyed by the user's key) goes to the erase step.
 */
final class ValidateProcessor implements Processor<byte[], byte[], Object, Object> {
    static final String TO_DLQ = "dlq-sink";
    static final String TO_REROUTE = "reroute-sink";
    static final String TO_NEXT = StreamrecTopology.USER_STATE;
    static final String TO_ERASE = EraseProcessor.NAME;

    private final EventRules rules;
    private ProcessorContext<Object, Object> context;

    ValidateProcessor(EventRules rules) {
        this.rules = rules;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (Erasures.isCommand(record.headers())) {
            erase(record);
            return;
        }
        ClickEvent event;
        try {
            if (record.value() == null) {
                toDlq(record, "deserialize", "value", "record has no value");
                return;
            }
            event = Serdes.CLICK_EVENT.deserialize(Topics.EVENTS, record.value());
        } catch (RuntimeException e) {
            toDlq(record, "deserialize", "value", String.valueOf(e.getMessage()));
            return;
        }
        List<Violation> violations = rules.validate(event);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            StringBuilder reasons = new StringBuilder();
            for (Violation v : violations) {
                if (reasons.length() > 0) {
                    reasons.append("; ");
                }
                reasons.append(v.field()).append(": ").append(v.reason());
            }
            toDlq(record, "validate", first.field(), reasons.toString());
            return;
        }
        String key = EventRules.keyOf(event);
        String actualKey = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (!key.equals(actualKey)) {
            context.forward(new Record<Object, Object>(key, record.value(), record.timestamp(), record.headers()), TO_REROUTE);
            return;
        }
        // event time drives retention and decay; the record timestamp follows it downstream
        context.forward(new Record<Object, Object>(key, event, event.getTimestamp()), TO_NEXT);
    }

    /** An erasure command: readable, keyed, and for the user of its key (the hash must match), else the DLQ. */
    private void erase(Record<byte[], byte[]> record) {
        Erasure command;
        try {
            if (record.value() == null) {
                toDlq(record, "deserialize", "value", "erasure command has no value");
                return;
            }
            command = Serdes.ERASURE.deserialize(Topics.EVENTS, record.value());
        } catch (RuntimeException e) {
            toDlq(record, "deserialize", "value", "erasure command: " + e.getMessage());
            return;
        }
        if (record.key() == null) {
            toDlq(record, "validate", "key", "erasure command without a key (the user's key)");
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (!Erasures.hash(key).equals(command.getUserKeyHash())) {
            toDlq(record, "validate", "userKeyHash", "is not the SHA-256 of the record's key");
            return;
        }
        context.forward(new Record<Object, Object>(key, command, record.timestamp()), TO_ERASE);
    }

    private void toDlq(Record<byte[], byte[]> record, String stage, String field, String reason) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(Topics.HEADER_ERROR_STAGE, utf8(stage));
        headers.add(Topics.HEADER_ERROR_FIELD, utf8(field));
        headers.add(Topics.HEADER_ERROR_REASON, utf8(reason));
        RecordMetadata meta = context.recordMetadata().orElse(null);
        if (meta != null) {
            headers.add(Topics.HEADER_SOURCE_TOPIC, utf8(meta.topic()));
            headers.add(Topics.HEADER_SOURCE_PARTITION, utf8(Integer.toString(meta.partition())));
            headers.add(Topics.HEADER_SOURCE_OFFSET, utf8(Long.toString(meta.offset())));
        }
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers), TO_DLQ);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
