package io.streamrec.recommend;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values of a (global) store by key through a short-lived cache of decoded records: one recommendation reads several
 * hundred item profiles and catalog entries, and decoding each from RocksDB every time would dominate its cost.
 * Thread-safe. A TTL of zero reads the store every time (tests that check state at one instant).
 */
public final class CachedStore<V> implements Function<String, V> {
    /** Past this many cached values the cache starts over, so memory stays bounded whatever the catalog size. */
    static final int MAX_CACHED = 200_000;
    private static final Object ABSENT = new Object();

    private final Function<String, V> reader;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Object value, long loadedAt) {
    }

    public CachedStore(Function<String, V> reader, Duration ttl) {
        this.reader = reader;
        this.ttlNanos = ttl.toNanos();
    }

    public static <V> CachedStore<V> of(ReadOnlyKeyValueStore<String, V> store, Duration ttl) {
        return new CachedStore<>(store::get, ttl);
    }

    /** The value, or null when the store has none. */
    @Override
    @SuppressWarnings("unchecked")
    public V apply(String key) {
        if (ttlNanos == 0) {
            return reader.apply(key);
        }
        long now = System.nanoTime();
        Cached c = cache.get(key);
        if (c == null || now - c.loadedAt() > ttlNanos) {
            V v = reader.apply(key);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            c = new Cached(v == null ? ABSENT : v, now);
            cache.put(key, c);
        }
        return c.value() == ABSENT ? null : (V) c.value();
    }
}
