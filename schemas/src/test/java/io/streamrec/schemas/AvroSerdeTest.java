package io.streamrec.schemas;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.ItemNeighbors;
import io.streamrec.avro.NeighborCounter;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The serde's buffered fast path writes and reads exactly Avro's single-object encoding. */
class AvroSerdeTest {

    static ClickEvent event(int i) {
        return ClickEvent.newBuilder().setEventId("or-536365-" + i).setUserId("17850").setSessionId("invoice-536365")
                .setItemId("85123A").setEventType("purchase").setTimestamp(1291191960000L + i).setPrice(2.55).setQuantity(6)
                .setProperties(Map.of("country", "United Kingdom", "invoiceNo", "536365")).build();
    }

    static ItemNeighbors neighbors(int n) {
        List<NeighborCounter> counters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            counters.add(new NeighborCounter("item-" + i, i * 1.5, i * 0.25));
        }
        return new ItemNeighbors(counters, 1234.5);
    }

    static <T extends SpecificRecord> byte[] avroMessageEncoding(T value) throws Exception {
        ByteBuffer b = new BinaryMessageEncoder<T>(new SpecificData(), value.getSchema()).encode(value);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    @Test
    void writesTheSameBytesAsAvrosMessageEncoder() throws Exception {
        assertArrayEquals(avroMessageEncoding(event(1)), Serdes.CLICK_EVENT.serialize("t", event(1)));
        assertArrayEquals(avroMessageEncoding(neighbors(200)), Serdes.ITEM_NEIGHBORS.serialize("t", neighbors(200)));
        assertArrayEquals(avroMessageEncoding(neighbors(0)), Serdes.ITEM_NEIGHBORS.serialize("t", neighbors(0)));
    }

    @Test
    void readsWhatAvrosMessageEncoderWrote() throws Exception {
        assertEquals(event(2), Serdes.CLICK_EVENT.deserialize("t", avroMessageEncoding(event(2))));
        assertEquals(neighbors(150), Serdes.ITEM_NEIGHBORS.deserialize("t", avroMessageEncoding(neighbors(150))));
    }

    @Test
    void consecutiveValuesOfDifferentSizesDoNotLeakIntoEachOther() {
        byte[] big = Serdes.ITEM_NEIGHBORS.serialize("t", neighbors(300));
        byte[] small = Serdes.ITEM_NEIGHBORS.serialize("t", neighbors(1));
        assertEquals(neighbors(1), Serdes.ITEM_NEIGHBORS.deserialize("t", small));
        assertEquals(neighbors(300), Serdes.ITEM_NEIGHBORS.deserialize("t", big));
    }

    @Test
    void aTruncatedRecordIsASerializationError() {
        byte[] whole = Serdes.CLICK_EVENT.serialize("t", event(3));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 20);
        assertThrows(SerializationException.class, () -> Serdes.CLICK_EVENT.deserialize("t", truncated));
        assertThrows(SerializationException.class, () -> Serdes.CLICK_EVENT.deserialize("t", Arrays.copyOf(whole, 5)));
    }

    @Test
    void threadsDoNotShareBuffers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        ItemNeighbors n = neighbors((seed * 37 + i) % 60);
                        if (!n.equals(Serdes.ITEM_NEIGHBORS.deserialize("t", Serdes.ITEM_NEIGHBORS.serialize("t", n)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertEquals(true, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
