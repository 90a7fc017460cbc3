package io.streamrec.connectors.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One record as one JSON line: the value's fields as they are (a ClickEvent keeps its field names, the timestamp in
 * epoch milliseconds), and under {@code _kafka} the record's topic, partition and offset.
 */
final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {
    }

    static byte[] line(SinkRecord record) {
        Object value = toJson(record.value());
        Map<String, Object> out;
        if (value instanceof Map<?, ?> map) {
            out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k.toString(), v));
        } else {
            out = new LinkedHashMap<>();
            out.put("value", value);
        }
        Map<String, Object> kafka = new LinkedHashMap<>();
        kafka.put("topic", record.originalTopic());
        kafka.put("partition", record.originalKafkaPartition());
        kafka.put("offset", record.originalKafkaOffset());
        out.put("_kafka", kafka);
        try {
            byte[] json = JSON.writeValueAsBytes(out);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new org.apache.kafka.connect.errors.DataException("cannot write record as JSON: " + e.getMessage(), e);
        }
    }

    static Object toJson(Object value) {
        if (value instanceof Struct struct) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Field f : struct.schema().fields()) {
                out.put(f.name(), toJson(struct.get(f)));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), toJson(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(toJson(v)));
            return out;
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value;
    }
}
