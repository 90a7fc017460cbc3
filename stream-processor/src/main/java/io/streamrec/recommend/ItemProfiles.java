package io.streamrec.recommend;

import io.streamrec.avro.ItemProfile;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;

/** Item profiles by id from the global profiles store, through a {@link CachedStore}. Thread-safe. */
public final class ItemProfiles {
    private final ReadOnlyKeyValueStore<String, ItemProfile> store;
    private final CachedStore<ItemProfile> cache;

    public ItemProfiles(ReadOnlyKeyValueStore<String, ItemProfile> store, Duration ttl) {
        this.store = store;
        this.cache = CachedStore.of(store, ttl);
    }

    /** The profile, or null when the item has none (no event yet, or not published yet). */
    public ItemProfile get(String itemId) {
        return cache.apply(itemId);
    }

    public ReadOnlyKeyValueStore<String, ItemProfile> store() {
        return store;
    }
}
