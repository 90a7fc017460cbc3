package io.streamrec.processor;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a global store from its compacted topic, so every task and every gateway instance can read any key locally.
 * A tombstone removes the key; a record that cannot be decoded is skipped with a warning (these topics have no DLQ:
 * their writers validate before writing).
 */
class GlobalStoreProcessor<V> implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalStoreProcessor.class);
    private final String storeName;
    private final String topic;
    private final Deserializer<V> deserializer;
    private KeyValueStore<String, V> store;

    GlobalStoreProcessor(String storeName, String topic, Deserializer<V> deserializer) {
        this.storeName = storeName;
        this.topic = topic;
        this.deserializer = deserializer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
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
            store.put(record.key(), deserializer.deserialize(topic, record.value()));
        } catch (RuntimeException e) {
            LOG.warn("skipping record {} of {}: {}", record.key(), topic, e.getMessage());
        }
    }
}
