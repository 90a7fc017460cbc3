package io.streamrec.processor;

import io.streamrec.avro.Item;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Fills the global catalog store from the compacted {@code streamrec.items} topic, so every task and every gateway
 * instance can look any item up locally. A tombstone removes the item; a record that cannot be decoded is skipped
 * with a warning (the catalog topic has no DLQ: the gateway validates items before writing them).
 */
final class CatalogProcessor extends GlobalStoreProcessor<Item> {

    CatalogProcessor() {
        super(StoreNames.ITEMS, Topics.ITEMS, Serdes.ITEM);
    }

    /** The catalog entry, or null when unknown or unreadable. */
    static Item lookup(ReadOnlyKeyValueStore<String, Item> catalog, String itemId) {
        try {
            return catalog.get(itemId);
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            return null;
        }
    }
}
