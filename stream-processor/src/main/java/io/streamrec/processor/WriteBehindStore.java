package io.streamrec.processor;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A key-value store that keeps decoded values in memory in front of a Kafka Streams store (changelog, RocksDB; a record
 * cache behind it would only copy the values once more) and writes changed values to it only when Kafka Streams flushes its caches, which it does at every commit
 * before it flushes the producer and commits the transaction ({@code StreamTask.flush}: {@code flushCache()} of every
 * {@link CachedStateStore}, then the record collector). So a value changed by many events between two commits is
 * encoded once, and what is committed is exactly the state after the committed input, as with the record cache itself:
 * under exactly-once a crash before the commit loses the in-memory changes together with the uncommitted input and the
 * task's state is restored from the changelog; nothing is lost or counted twice.
 *
 * <p>Interactive queries call {@link #get} from other threads; every method is synchronized, and callers must treat a
 * value once {@link #put} as immutable (put a new object instead of changing one), so a query never sees a value half
 * changed. {@link #all} merges the memory with the inner store without writing anything. Range and prefix scans are not
 * supported (nothing in streamrec needs them on these stores).
 *
 * <p>Bounded: at most {@code maxClean} unchanged values are kept (least recently used first out) and at most
 * {@code maxDirty} changed ones; past that the changed ones are written to the inner store early.
 *
 * <p>With a {@code writeAfter} age, a value changed that long ago and not since written is written by a later
 * {@link #put} (at most {@value #AGED_PER_PUT} per put, oldest first), so that a commit writes only the values of its
 * last moments: with many distinct keys changed per commit interval (live traffic, every event another user's) the
 * commit otherwise encoded and sent thousands of values at once, a stall of hundreds of milliseconds in which the
 * stream thread processed nothing. A key changed again within the age (an order's lines) is still encoded once.
 */
public final class WriteBehindStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {
    private static final Object DELETED = new Object();

    private final KeyValueStore<K, V> inner;
    private final int maxClean;
    private final int maxDirty;
    private final LinkedHashMap<K, V> clean;
    /** Changed values in the order they were changed; {@link #DELETED} for a delete. */
    private LinkedHashMap<K, Object> dirty = new LinkedHashMap<>();
    /**
     * The changes being written to the inner store by {@link #flushCache} (the stream thread, without this store's
     * lock: encoding a few thousand user states takes tens of milliseconds, and queries must not wait for it); readers
     * find them here until they are written. Empty otherwise.
     */
    private Map<K, Object> flushing = Map.of();
    /** When the caller only ever puts keys the inner store cannot have yet (fresh sequence numbers). */
    private final boolean freshKeys;
    /** Keys put since the last write that the inner store does not have: deleting one needs no inner delete. */
    private final java.util.HashSet<K> notInInner = new java.util.HashSet<>();
    /**
     * For a log ({@link #freshKeys}): how many entries the inner store holds, -1 when not known (after init, until the
     * first {@link #all}). When it holds none, {@link #all} does not open an inner iterator at all: after a burst that
     * spilled entries to RocksDB and deleted them again, a scan there must step over their tombstones until a
     * compaction drops them, and the drain, every second, took seconds doing so while the stream thread processed nothing.
     */
    private long innerEntries = -1;
    /** Values written by a put past this age since they were first changed (ns); 0: only at a flush. */
    private final long writeAfterNanos;
    private final java.util.function.LongSupplier clock;
    /** When each key of {@link #dirty} was first changed since written, oldest first (only with a writeAfter age). */
    private LinkedHashMap<K, Long> dirtySince = new LinkedHashMap<>();
    static final int AGED_PER_PUT = 2;

    WriteBehindStore(KeyValueStore<K, V> inner, int maxClean, int maxDirty, boolean freshKeys) {
        this(inner, maxClean, maxDirty, freshKeys, 0, System::nanoTime);
    }

    WriteBehindStore(KeyValueStore<K, V> inner, int maxClean, int maxDirty, boolean freshKeys, long writeAfterNanos,
                     java.util.function.LongSupplier clock) {
        this.writeAfterNanos = writeAfterNanos;
        this.clock = clock;
        this.inner = inner;
        this.freshKeys = freshKeys;
        this.maxClean = maxClean;
        this.maxDirty = maxDirty;
        this.clean = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > WriteBehindStore.this.maxClean;
            }
        };
    }

    /** A builder of this store in front of what {@code inner} builds (its caching and logging settings apply). */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner, int maxClean, int maxDirty) {
        return new Builder<>(inner, maxClean, maxDirty, false, java.time.Duration.ZERO);
    }

    /** As {@link #builder}, writing a changed value once it is {@code writeAfter} old (see the class comment). */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner, int maxClean, int maxDirty,
                                                                   java.time.Duration writeAfter) {
        return new Builder<>(inner, maxClean, maxDirty, false, writeAfter);
    }

    /**
     * As {@link #builder}, for a log whose writer puts only keys the store never had (increasing sequence numbers
     * continued from the highest key present at start): an entry put and deleted between two commits then never
     * reaches the inner store at all.
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> logBuilder(StoreBuilder<KeyValueStore<K, V>> inner, int maxDirty) {
        return new Builder<>(inner, 0, maxDirty, true, java.time.Duration.ZERO);
    }

    @Override
    public synchronized void init(StateStoreContext context, StateStore root) {
        clean.clear();
        dirty.clear();
        dirtySince.clear();
        notInInner.clear();
        innerEntries = -1;
        inner.init(context, root);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized V get(K key) {
        Object d = dirty.get(key);
        if (d == null) {
            d = flushing.get(key);
        }
        if (d != null) {
            return d == DELETED ? null : (V) d;
        }
        V v = clean.get(key);
        if (v == null) {
            v = inner.get(key);
            if (v != null) {
                clean.put(key, v);
            }
        }
        return v;
    }

    @Override
    public synchronized void put(K key, V value) {
        V wasClean = clean.remove(key);
        if (freshKeys && value != null && wasClean == null && !dirty.containsKey(key)) {
            notInInner.add(key);
        }
        if (value == null && notInInner.remove(key)) {
            dirty.remove(key);
            return;
        }
        dirty.put(key, value == null ? DELETED : value);
        if (dirty.size() > maxDirty) {
            writeDirty();
        } else if (writeAfterNanos > 0) {
            long now = clock.getAsLong();
            dirtySince.putIfAbsent(key, now);
            writeAged(now);
        }
    }

    /** Writes up to {@value #AGED_PER_PUT} values changed at least {@link #writeAfterNanos} ago, oldest first. */
    @SuppressWarnings("unchecked")
    private void writeAged(long now) {
        Iterator<Map.Entry<K, Long>> it = dirtySince.entrySet().iterator();
        for (int n = 0; n < AGED_PER_PUT && it.hasNext(); n++) {
            Map.Entry<K, Long> oldest = it.next();
            if (now - oldest.getValue() < writeAfterNanos) {
                return;
            }
            K key = oldest.getKey();
            it.remove();
            Object v = dirty.remove(key);
            notInInner.remove(key);
            if (v == DELETED) {
                inner.delete(key);
            } else if (v != null) {
                inner.put(key, (V) v);
                clean.put(key, (V) v);
            }
        }
    }

    @Override
    public synchronized V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public synchronized void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> e : entries) {
            put(e.key, e.value);
        }
    }

    /**
     * Deletes the key; returns its value as {@link KeyValueStore#delete} does, except for a log ({@link #logBuilder}),
     * whose writer never needs it: there the value is returned only when it is in memory, and an entry already written
     * to the inner store is deleted there without being read and decoded first (a drain deletes thousands a second).
     */
    @Override
    @SuppressWarnings("unchecked")
    public synchronized V delete(K key) {
        V old;
        if (freshKeys) {
            Object d = dirty.containsKey(key) ? dirty.get(key) : flushing.get(key);
            old = d == null || d == DELETED ? null : (V) d;
        } else {
            old = get(key);
        }
        put(key, null);
        return old;
    }

    /** Writes every changed value to the inner store, oldest change first. */
    @SuppressWarnings("unchecked")
    private void writeDirty() {
        for (Map.Entry<K, Object> e : dirty.entrySet()) {
            if (e.getValue() == DELETED) {
                inner.delete(e.getKey());
                if (innerEntries > 0) {
                    innerEntries--;
                }
            } else {
                V v = (V) e.getValue();
                inner.put(e.getKey(), v);
                clean.put(e.getKey(), v);
                if (innerEntries >= 0) {
                    innerEntries++;
                }
            }
        }
        dirty.clear();
        dirtySince.clear();
        notInInner.clear();
    }

    /**
     * Writes the changes to the inner store (at a commit, on the stream thread, the only writer). The changes are taken
     * out of {@link #dirty} under the lock and written without it, readers finding them in {@link #flushing} meanwhile:
     * a query or another thread reading the store waits for no encoding.
     */
    @Override
    @SuppressWarnings("unchecked")
    public void flushCache() {
        LinkedHashMap<K, Object> batch;
        synchronized (this) {
            batch = dirty;
            if (!batch.isEmpty()) {
                dirty = new LinkedHashMap<>();
                dirtySince = new LinkedHashMap<>();
                flushing = batch;
                notInInner.clear();
            }
        }
        if (!batch.isEmpty()) {
            long added = 0;
            for (Map.Entry<K, Object> e : batch.entrySet()) {
                if (e.getValue() == DELETED) {
                    inner.delete(e.getKey());
                    added--;
                } else {
                    inner.put(e.getKey(), (V) e.getValue());
                    added++;
                }
            }
            synchronized (this) {
                for (Map.Entry<K, Object> e : batch.entrySet()) {
                    // a key changed again meanwhile is in dirty, which get() reads first; clean must not outlive it
                    if (e.getValue() != DELETED && !dirty.containsKey(e.getKey())) {
                        clean.put(e.getKey(), (V) e.getValue());
                    }
                }
                if (innerEntries >= 0) {
                    innerEntries = Math.max(0, innerEntries + added);
                }
                flushing = Map.of();
            }
        }
        if (inner instanceof CachedStateStore<?, ?> c) {
            c.flushCache();
        }
    }

    /**
     * Writes the changed values of {@code store} to its inner store now, as the next commit would ({@link #flushCache}),
     * when it is a write-behind store, seen through the decorators Kafka Streams hands a processor; nothing otherwise.
     */
    static void writeChanged(StateStore store) {
        StateStore s = store;
        while (s instanceof org.apache.kafka.streams.state.internals.WrappedStateStore<?, ?, ?> w && !(s instanceof WriteBehindStore<?, ?>)) {
            s = w.wrapped();
        }
        if (s instanceof WriteBehindStore<?, ?> wb) {
            wb.flushCache();
        }
    }

    @Override
    public synchronized void clearCache() {
        clean.clear();
        dirty.clear();
        dirtySince.clear();
        notInInner.clear();
        innerEntries = -1;
        if (inner instanceof CachedStateStore<?, ?> c) {
            c.clearCache();
        }
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public synchronized void flush() {
        writeDirty();
        inner.flush();
    }

    @Override
    public synchronized void close() {
        clean.clear();
        dirty.clear();
        notInInner.clear();
        inner.close();
    }

    /**
     * Every entry: the inner store's, with the changes in memory applied (new keys last, in the order changed). A
     * write-through store ({@code maxDirty} 0: nothing is ever held back) is scanned without this store's lock: the
     * global item profiles are scanned by the item index's rebuild every few seconds while stream threads and queries
     * read single profiles and the global thread writes; holding the lock for the whole scan stalled them all.
     */
    @Override
    public KeyValueIterator<K, V> all() {
        if (maxDirty == 0) {
            return inner.all();
        }
        return mergedAll();
    }

    @SuppressWarnings("unchecked")
    private synchronized KeyValueIterator<K, V> mergedAll() {
        LinkedHashMap<K, V> merged = new LinkedHashMap<>();
        if (!freshKeys || innerEntries != 0) {
            long n = 0;
            try (KeyValueIterator<K, V> it = inner.all()) {
                while (it.hasNext()) {
                    KeyValue<K, V> kv = it.next();
                    merged.put(kv.key, kv.value);
                    n++;
                }
            }
            if (freshKeys) {
                innerEntries = n;
            }
        }
        for (Map<K, Object> changes : List.of(flushing, dirty)) {
            for (Map.Entry<K, Object> e : changes.entrySet()) {
                if (e.getValue() == DELETED) {
                    merged.remove(e.getKey());
                } else {
                    merged.put(e.getKey(), (V) e.getValue());
                }
            }
        }
        List<KeyValue<K, V>> list = new ArrayList<>(merged.size());
        merged.forEach((k, v) -> list.add(KeyValue.pair(k, v)));
        return new ListIterator<>(list);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        throw new UnsupportedOperationException("range queries are not supported by " + name());
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        throw new UnsupportedOperationException("range queries are not supported by " + name());
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        throw new UnsupportedOperationException("reverse scans are not supported by " + name());
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        throw new UnsupportedOperationException("prefix scans are not supported by " + name());
    }

    @Override
    public synchronized long approximateNumEntries() {
        return inner.approximateNumEntries() + dirty.size();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    private static final class ListIterator<K, V> implements KeyValueIterator<K, V> {
        private final List<KeyValue<K, V>> list;
        private final Iterator<KeyValue<K, V>> it;
        private int next;

        ListIterator(List<KeyValue<K, V>> list) {
            this.list = list;
            this.it = list.iterator();
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public KeyValue<K, V> next() {
            next++;
            return it.next();
        }

        @Override
        public K peekNextKey() {
            return next < list.size() ? list.get(next).key : null;
        }

        @Override
        public void close() {
        }
    }

    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
        private final StoreBuilder<KeyValueStore<K, V>> inner;
        private final int maxClean;
        private final int maxDirty;
        private final boolean freshKeys;
        private final java.time.Duration writeAfter;

        Builder(StoreBuilder<KeyValueStore<K, V>> inner, int maxClean, int maxDirty, boolean freshKeys, java.time.Duration writeAfter) {
            this.writeAfter = writeAfter;
            this.inner = inner;
            this.maxClean = maxClean;
            this.maxDirty = maxDirty;
            this.freshKeys = freshKeys;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            inner.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            inner.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new WriteBehindStore<>(inner.build(), maxClean, maxDirty, freshKeys, writeAfter.toNanos(), System::nanoTime);
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
