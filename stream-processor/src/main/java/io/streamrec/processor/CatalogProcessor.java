package io.streamrec.processor;

import io.streamrec.avro.Item;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the global catalog store from the compacted {@code streamrec.items} topic, so every task and every gateway
 * instance can look any item up locally. A tombstone removes the item; a record that cannot be decoded is skipped
 * with a warning (the catalog topic has no DLQ: the gateway validates items before writing them).
 */
final class CatalogProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogProcessor.class);
    private KeyValueStore<String, Item> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.ITEMS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        try {
            store.put(record.key(), Serdes.ITEM.deserialize(Topics.ITEMS, record.value()));
        } catch (RuntimeException e) {
            LOG.warn("skipping catalog record for item {}: {}", record.key(), e.getMessage());
        }
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
