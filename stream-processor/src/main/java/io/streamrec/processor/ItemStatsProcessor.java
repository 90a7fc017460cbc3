package io.streamrec.processor;

import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemStats;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Item statistics, on the item's partition (signals arrive re-keyed by itemId). Every item event counts, however late;
 * a late event adds its weight already decayed to the item's last event time. The updated statistics go on to the
 * popular/trending lists.
 */
final class ItemStatsProcessor implements Processor<String, ItemSignal, String, ItemStats> {
    private final FeatureSettings settings;
    private KeyValueStore<String, ItemStats> store;
    private ProcessorContext<String, ItemStats> context;

    ItemStatsProcessor(ProcessorConfig config) {
        this.settings = config.features();
    }

    @Override
    public void init(ProcessorContext<String, ItemStats> context) {
        this.context = context;
        this.store = context.getStateStore(StoreNames.ITEM_STATS);
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        ItemSignal signal = record.value();
        if (signal.getEventType() == null) {
            return;
        }
        ItemStats next = ItemStatsUpdate.apply(store.get(record.key()), signal, settings);
        store.put(record.key(), next);
        context.forward(record.withValue(next));
    }
}
