package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.UserFeatures;
import io.streamrec.schemas.EventRules;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Keeps each user's engagement features (see {@link UserFeaturesUpdate} for the rules). Item categories and catalog
 * prices come from the global catalog store. Every event counts, even one older than the history retention: counts
 * and spend are all-time facts, and an old event's decayed contributions are already small.
 */
final class UserFeaturesProcessor implements Processor<String, ClickEvent, Void, Void> {
    private final FeatureSettings settings;
    private final EventRules rules;
    private KeyValueStore<String, UserFeatures> store;
    private ReadOnlyKeyValueStore<String, Item> catalog;

    UserFeaturesProcessor(ProcessorConfig config) {
        this.settings = config.features();
        this.rules = config.rules();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.USER_FEATURES);
        catalog = context.getStateStore(StoreNames.ITEMS);
    }

    @Override
    public void process(Record<String, ClickEvent> record) {
        ClickEvent e = record.value();
        boolean itemEvent = rules.isItemEvent(e.getEventType()) && e.getItemId() != null;
        Item item = itemEvent ? CatalogProcessor.lookup(catalog, e.getItemId()) : null;
        store.put(record.key(), UserFeaturesUpdate.apply(store.get(record.key()), e, item, itemEvent, settings));
    }
}
