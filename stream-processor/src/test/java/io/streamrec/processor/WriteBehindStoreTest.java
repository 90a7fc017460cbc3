package io.streamrec.processor;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What reaches the inner store, and when: only at a cache flush (a commit), the last value of each changed key. */
class WriteBehindStoreTest {
    /** Calls that changed the inner store: "put k=v" or "delete k". */
    private final List<String> writes = new ArrayList<>();
    private KeyValueStore<String, String> innerView;
    /** Scans of the inner store ({@code all()}). */
    private int scans;
    /** Run at each write to the inner store, before it. */
    private Runnable beforeWrite = () -> { };
    /** Run at each read of the inner store. */
    private Runnable beforeRead = () -> { };

    @SuppressWarnings("unchecked")
    private KeyValueStore<String, String> store(boolean log) {
        KeyValueStore<String, String> real = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        innerView = real;
        InvocationHandler counting = (proxy, method, args) -> {
            if (method.getName().equals("all")) {
                scans++;
            }
            if (method.getName().equals("put") || method.getName().equals("delete")) {
                beforeWrite.run();
            }
            if (method.getName().equals("get")) {
                beforeRead.run();
            }
            if (method.getName().equals("put")) {
                writes.add("put " + args[0] + "=" + args[1]);
            } else if (method.getName().equals("delete")) {
                writes.add("delete " + args[0]);
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        KeyValueStore<String, String> inner = (KeyValueStore<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{KeyValueStore.class}, counting);
        StoreBuilder<KeyValueStore<String, String>> fixed = new FixedBuilder(inner);
        KeyValueStore<String, String> s = log ? WriteBehindStore.logBuilder(fixed, 100).build() : WriteBehindStore.builder(fixed, 2, 100).build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        s.init(context.getStateStoreContext(), s);
        return s;
    }

    private static void flushCache(KeyValueStore<String, String> s) {
        ((org.apache.kafka.streams.state.internals.CachedStateStore<?, ?>) s).flushCache();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aValueChangedLongEnoughAgoIsWrittenByALaterPutNotLeftForTheCommit() {
        store(false);
        KeyValueStore<String, String> inner = (KeyValueStore<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put")) {
                        writes.add("put " + args[0] + "=" + args[1]);
                    }
                    try {
                        return method.invoke(innerView, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        long[] now = {0};
        WriteBehindStore<String, String> s = new WriteBehindStore<>(inner, 10, 100, false, 50, () -> now[0]);
        s.put("u1", "a");
        now[0] = 10;
        s.put("u1", "b"); // the same key within the age: still one pending write
        s.put("u2", "x");
        assertEquals(List.of(), writes);
        now[0] = 60;
        s.put("u3", "y"); // u1 is 60 old: written now, with its last value; u2 (50 old) too
        assertEquals(List.of("put u1=b", "put u2=x"), writes);
        assertEquals("b", s.get("u1"));
        now[0] = 70;
        s.put("u1", "c"); // changed again: a new age
        flushCache(s);
        assertEquals(List.of("put u1=b", "put u2=x", "put u3=y", "put u1=c"), writes);
        assertEquals("c", innerView.get("u1"));
    }

    /**
     * Random puts, deletes, reads and flushes, with a write-after age and a small decoded cache, against a plain map:
     * every read answers the last value put, whatever was written when, and after a flush the inner store holds exactly
     * the map.
     */
    @Test
    void withAWriteAfterAgeEveryReadAnswersTheLastValuePut() {
        for (long seed = 0; seed < 200; seed++) {
            java.util.Random r = new java.util.Random(seed);
            KeyValueStore<String, String> inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.String())
                    .withLoggingDisabled().build();
            inner.init(new MockProcessorContext<>().getStateStoreContext(), inner);
            long[] now = {0};
            WriteBehindStore<String, String> s = new WriteBehindStore<>(inner, 1 + r.nextInt(3), 2 + r.nextInt(20), false,
                    1 + r.nextInt(30), () -> now[0]);
            Map<String, String> model = new java.util.HashMap<>();
            for (int op = 0; op < 2_000; op++) {
                String key = "k" + r.nextInt(12);
                int what = r.nextInt(100);
                now[0] += r.nextInt(4);
                if (what < 45) {
                    String value = "v" + op;
                    s.put(key, value);
                    model.put(key, value);
                } else if (what < 50) {
                    s.delete(key);
                    model.remove(key);
                } else if (what < 53) {
                    s.flushCache();
                } else {
                    assertEquals(model.get(key), s.get(key), "seed " + seed + ", op " + op + ", key " + key);
                }
            }
            for (String key : List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11")) {
                assertEquals(model.get(key), s.get(key), "seed " + seed + ", key " + key);
            }
            s.flushCache();
            for (String key : List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11")) {
                assertEquals(model.get(key), inner.get(key), "inner, seed " + seed + ", key " + key);
            }
        }
    }

    @Test
    void readersOnOtherThreadsSeeTheChangesBeingFlushedWithoutWaitingForTheFlush() throws Exception {
        KeyValueStore<String, String> s = store(false);
        s.put("u1", "a");
        s.put("u2", "x");
        List<String> seen = new ArrayList<>();
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            beforeWrite = () -> {
                if (seen.isEmpty()) {
                    // the flush is under way (u1 not yet written): another thread reads both keys, and must not block
                    try {
                        seen.add(reader.submit(() -> s.get("u1") + "," + s.get("u2") + "," + s.get("u3"))
                                .get(5, java.util.concurrent.TimeUnit.SECONDS));
                    } catch (Exception e) {
                        seen.add("blocked or failed: " + e);
                    }
                }
            };
            flushCache(s);
        } finally {
            reader.shutdownNow();
        }
        assertEquals(List.of("a,x,null"), seen);
        assertEquals(List.of("put u1=a", "put u2=x"), writes);
        assertEquals("a", s.get("u1"));
        assertEquals("x", innerView.get("u2"));
    }

    @Test
    void aLogEntryAlreadyWrittenIsDeletedWithoutBeingReadBack() {
        KeyValueStore<String, String> s = store(true);
        s.put("1", "a");
        s.put("2", "b");
        flushCache(s);
        int[] reads = {0};
        beforeRead = () -> reads[0]++;
        assertNull(s.delete("1"), "a log's delete does not fetch what is only in the inner store");
        s.put("3", "c");
        assertEquals("c", s.delete("3"), "what is in memory is returned");
        flushCache(s);
        assertEquals(0, reads[0]);
        assertNull(innerView.get("1"));
        assertEquals("b", innerView.get("2"));
        assertEquals(List.of("put 1=a", "put 2=b", "delete 1"), writes);
    }

    @Test
    void changesReachTheInnerStoreOnlyAtTheFlushTheLastValueOnce() {
        KeyValueStore<String, String> s = store(false);
        s.put("u1", "a");
        s.put("u1", "b");
        s.put("u2", "x");
        assertEquals("b", s.get("u1"));
        assertEquals(List.of(), writes);
        assertNull(innerView.get("u1"));
        flushCache(s);
        assertEquals(List.of("put u1=b", "put u2=x"), writes);
        assertEquals("b", innerView.get("u1"));
        flushCache(s); // nothing changed since
        assertEquals(2, writes.size());
        s.delete("u2");
        assertNull(s.get("u2"));
        flushCache(s);
        assertEquals("delete u2", writes.get(2));
        assertNull(innerView.get("u2"));
    }

    @Test
    void allMergesTheInnerStoreWithTheChangesInMemory() {
        KeyValueStore<String, String> s = store(false);
        s.put("a", "1");
        s.put("b", "2");
        flushCache(s);
        s.put("b", "3");
        s.delete("a");
        s.put("c", "4");
        List<KeyValue<String, String>> all = new ArrayList<>();
        try (KeyValueIterator<String, String> it = s.all()) {
            it.forEachRemaining(all::add);
        }
        assertEquals(List.of(KeyValue.pair("b", "3"), KeyValue.pair("c", "4")), all);
        assertEquals(2, writes.size(), "all() writes nothing");
    }

    @Test
    void aLogEntryPutAndDeletedBetweenTwoFlushesNeverReachesTheInnerStore() {
        KeyValueStore<String, String> s = store(true);
        s.put("1", "e1");
        s.put("2", "e2");
        s.delete("1");
        flushCache(s);
        assertEquals(List.of("put 2=e2"), writes);
        s.delete("2"); // written before: its delete must reach the inner store
        flushCache(s);
        assertEquals(List.of("put 2=e2", "delete 2"), writes);
    }

    @Test
    void aLogWhoseSpilledEntriesWereAllDeletedIsNotScannedAgain() {
        KeyValueStore<String, String> s = store(true);
        s.put("1", "e1");
        assertEquals(List.of("1"), keys(s)); // the first scan counts what the inner store holds: nothing
        int before = scans;
        s.put("2", "e2");
        s.put("3", "e3");
        flushCache(s); // spilled (a burst bigger than the memory bound, or a commit in between)
        assertEquals(List.of("1", "2", "3"), keys(s));
        assertEquals(before + 1, scans, "entries in the inner store: scanned");
        s.delete("1");
        s.delete("2");
        s.delete("3");
        flushCache(s);
        s.put("4", "e4");
        assertEquals(List.of("4"), keys(s));
        assertEquals(before + 1, scans, "the inner store holds none: its tombstones are not scanned");
    }

    private static List<String> keys(KeyValueStore<String, String> s) {
        List<String> out = new ArrayList<>();
        try (org.apache.kafka.streams.state.KeyValueIterator<String, String> it = s.all()) {
            it.forEachRemaining(kv -> out.add(kv.key));
        }
        return out;
    }

    @Test
    void initialisingAgainForgetsWhatWasNotFlushed() {
        KeyValueStore<String, String> s = store(false);
        s.put("k", "kept");
        flushCache(s);
        s.put("k", "lost");
        // a task closed dirty and revived: its stores are initialised again over the restored state
        s.init(new MockProcessorContext<>().getStateStoreContext(), s);
        assertEquals("kept", s.get("k"));
    }

    /** Hands out one prebuilt store. */
    private record FixedBuilder(KeyValueStore<String, String> store) implements StoreBuilder<KeyValueStore<String, String>> {
        @Override
        public StoreBuilder<KeyValueStore<String, String>> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, String>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, String>> withLoggingEnabled(Map<String, String> config) {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, String>> withLoggingDisabled() {
            return this;
        }

        @Override
        public KeyValueStore<String, String> build() {
            return store;
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return store.name();
        }
    }
}
