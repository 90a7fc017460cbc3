package io.streamrec.connectors.s3;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PartitionWriterTest {
    private static final Schema SCHEMA = SchemaBuilder.struct().field("eventId", Schema.STRING_SCHEMA)
            .field("timestamp", Schema.INT64_SCHEMA).build();
    private static final TopicPartition TP = new TopicPartition("ev", 3);

    private static SinkRecord record(long offset, long time) {
        return new SinkRecord(TP.topic(), TP.partition(), null, null, SCHEMA,
                new Struct(SCHEMA).put("eventId", "e" + offset).put("timestamp", time), offset);
    }

    @Test
    void aFailedUploadIsRetriedAndRecordsAlreadyTakenAreNotWrittenTwice() {
        Map<String, String> store = new LinkedHashMap<>();
        List<Boolean> fail = new ArrayList<>(List.of(true));
        PartitionWriter w = new PartitionWriter(TP, "", 2, false, "timestamp", (key, body) -> {
            if (!fail.isEmpty() && fail.remove(0)) {
                throw new IllegalStateException("S3 down");
            }
            store.put(key, new String(body));
        });
        w.write(record(0, 0));
        assertThrows(IllegalStateException.class, () -> w.write(record(1, 0)));
        assertEquals(0, w.firstBufferedOffset(), "nothing uploaded: commit stays at 0");
        // the worker delivers the batch again
        w.write(record(0, 0));
        w.write(record(1, 0));
        w.write(record(2, 3_600_000));
        assertEquals(List.of("topic=ev/date=1970-01-01/hour=00/ev+3+00000000000000000000.jsonl"), List.copyOf(store.keySet()));
        assertEquals(2, store.values().iterator().next().lines().count());
        assertEquals(2, w.firstBufferedOffset());
        w.write(new SinkRecord(TP.topic(), TP.partition(), null, null, null, null, 3)); // tombstone
        w.write(record(4, 0)); // earlier hour again: the open object is finished
        assertEquals(4, w.firstBufferedOffset());
        assertEquals("{\"eventId\":\"e2\",\"timestamp\":3600000,\"_kafka\":{\"topic\":\"ev\",\"partition\":3,\"offset\":2}}",
                store.get("topic=ev/date=1970-01-01/hour=01/ev+3+00000000000000000002.jsonl").strip());
    }
}
