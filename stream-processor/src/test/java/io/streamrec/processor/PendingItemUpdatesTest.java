package io.streamrec.processor;

import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemUpdates;
import io.streamrec.avro.WeightedKey;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The combination kept in memory is derived from the log: a combiner initialised again over the same log (a restart,
 * a rolled-back transaction) sends exactly what the one that combined the events as they came would have sent.
 */
class PendingItemUpdatesTest {
    private static final int PARTITIONS = 3;

    private static KeyValueStore<Long, ItemSignal> store(MockProcessorContext<Object, Object> context) {
        KeyValueStore<Long, ItemSignal> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("log"), Serdes.Long(),
                io.streamrec.schemas.Serdes.ITEM_SIGNAL).withLoggingDisabled().build();
        s.init(context.getStateStoreContext(), s);
        return s;
    }

    private static List<ItemSignal> signals(int n, long seed) {
        Random r = new Random(seed);
        List<ItemSignal> out = new ArrayList<>();
        String[] types = {"view", "click", "add_to_cart", "purchase"};
        for (int i = 0; i < n; i++) {
            List<WeightedKey> pairs = new ArrayList<>();
            for (int p = r.nextInt(4); p > 0; p--) {
                pairs.add(new WeightedKey("i" + r.nextInt(30), 0.5 + r.nextInt(3)));
            }
            out.add(new ItemSignal("i" + r.nextInt(30), "u" + r.nextInt(50), types[r.nextInt(types.length)],
                    1_700_000_000_000L + i * 1_000L, pairs, r.nextInt(5) == 0 ? "rec-" + i : null));
        }
        return out;
    }

    private static List<String> drained(MockProcessorContext<Object, Object> context) {
        List<String> out = new ArrayList<>();
        for (MockProcessorContext.CapturedForward<?, ?> f : context.forwarded()) {
            out.add(f.record().key() + " " + f.record().timestamp() + " " + ((ItemUpdates) f.record().value()));
        }
        return out;
    }

    @Test
    void aCombinerInitialisedAgainOverTheSameLogSendsWhatTheFirstWouldHave() {
        List<ItemSignal> events = signals(400, 11);
        FeatureSettings features = FeatureSettings.defaults();

        MockProcessorContext<Object, Object> live = new MockProcessorContext<>();
        KeyValueStore<Long, ItemSignal> liveLog = store(live);
        PendingItemUpdates asTheyCame = new PendingItemUpdates(PARTITIONS, "sink", 50, features);
        asTheyCame.init(live, liveLog);

        MockProcessorContext<Object, Object> restarted = new MockProcessorContext<>();
        KeyValueStore<Long, ItemSignal> restoredLog = store(restarted);
        PendingItemUpdates before = new PendingItemUpdates(PARTITIONS, "sink", 50, features);
        before.init(restarted, restoredLog);
        for (ItemSignal s : events) {
            asTheyCame.add(s);
            before.add(s);
        }
        // the second one's memory is lost (a crash): a new combiner over the log it left
        PendingItemUpdates after = new PendingItemUpdates(PARTITIONS, "sink", 50, features);
        after.init(restarted, restoredLog);

        assertTrue(asTheyCame.drain());
        assertTrue(after.drain());
        List<String> expected = drained(live);
        assertFalse(expected.isEmpty());
        assertEquals(expected, drained(restarted));
        assertEquals(0, liveLog.approximateNumEntries(), "a drain deletes what it sent");
        assertEquals(0, restoredLog.approximateNumEntries());
        assertFalse(after.drain(), "nothing pending after a drain");

        // and it goes on from the log's next key after the restart
        after.add(events.get(0));
        assertEquals(1, restoredLog.approximateNumEntries());
        assertTrue(after.drain());
    }
}
