package io.streamrec.recommend;

import io.streamrec.avro.ItemProfile;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Item profiles by id, read from the global profiles store through a short-lived cache of decoded records: one
 * recommendation reads several hundred profiles, and decoding each from RocksDB every time would dominate its cost.
 * Thread-safe. A TTL of zero reads the store every time (tests that check state at one instant).
 */
public final class ItemProfiles {
    private static final ItemProfile ABSENT = new ItemProfile();
    /** Past this many cached profiles the cache starts over, so memory stays bounded whatever the catalog size. */
    static final int MAX_CACHED = 200_000;

    private final ReadOnlyKeyValueStore<String, ItemProfile> store;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(ItemProfile profile, long loadedAt) {
    }

    public ItemProfiles(ReadOnlyKeyValueStore<String, ItemProfile> store, Duration ttl) {
        this.store = store;
        this.ttlNanos = ttl.toNanos();
    }

    /** The profile, or null when the item has none (no event yet, or not published yet). */
    public ItemProfile get(String itemId) {
        if (ttlNanos == 0) {
            return store.get(itemId);
        }
        long now = System.nanoTime();
        Cached c = cache.get(itemId);
        if (c == null || now - c.loadedAt() > ttlNanos) {
            ItemProfile p = store.get(itemId);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            c = new Cached(p == null ? ABSENT : p, now);
            cache.put(itemId, c);
        }
        return c.profile() == ABSENT ? null : c.profile();
    }

    public ReadOnlyKeyValueStore<String, ItemProfile> store() {
        return store;
    }
}
