package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.UserHistory;
import io.streamrec.avro.WeightedKey;
import io.streamrec.schemas.EventRules;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps each user's recent item events, newest first by event time, at most {@code maxEntries}, none older than the
 * retention measured against stream time (the newest event time this task has seen). An out-of-order event is placed
 * where its timestamp belongs; an event already older than the retention when it arrives is not added. Users idle
 * past the retention are removed by a periodic sweep, so the store does not keep dead keys forever.
 *
 * <p>Each item event also leaves here, re-keyed by itemId, as an {@link ItemSignal} for the item's partition, carrying
 * its co-occurrence pairs with the user's previous items ({@link CoOccurrence}); and each paired previous item gets a
 * signal with the reverse pair, so both items learn of each other. An event older than the retention still reaches
 * the item statistics but pairs with nothing.
 */
final class HistoryProcessor implements Processor<String, ClickEvent, String, ItemSignal> {
    private final ProcessorConfig config;
    private final EventRules rules;
    private KeyValueStore<String, UserHistory> store;
    private ProcessorContext<String, ItemSignal> context;

    HistoryProcessor(ProcessorConfig config) {
        this.config = config;
        this.rules = config.rules();
    }

    @Override
    public void init(ProcessorContext<String, ItemSignal> context) {
        this.context = context;
        this.store = context.getStateStore(StoreNames.HISTORY);
        context.schedule(config.retentionSweepInterval(), PunctuationType.WALL_CLOCK_TIME, now -> sweep());
    }

    @Override
    public void process(Record<String, ClickEvent> record) {
        ClickEvent e = record.value();
        if (!rules.isItemEvent(e.getEventType()) || e.getItemId() == null) {
            return;
        }
        long t = e.getTimestamp();
        List<WeightedKey> pairs = List.of();
        long cutoff = cutoff();
        if (t >= cutoff) {
            UserHistory history = store.get(record.key());
            List<HistoryEntry> entries = history == null ? new ArrayList<>() : new ArrayList<>(history.getEntries());
            // entries past the retention (a user idle since before the cutoff, not yet swept) pair with nothing
            prune(entries, cutoff, config.historyMaxEntries());
            pairs = CoOccurrence.pairs(entries, e.getItemId(), e.getEventType(), t, config.features());
            insertNewestFirst(entries, new HistoryEntry(e.getItemId(), e.getEventType(), t, e.getRecommendationId()));
            prune(entries, cutoff, config.historyMaxEntries());
            store.put(record.key(), new UserHistory(entries));
        }
        context.forward(new Record<>(e.getItemId(), new ItemSignal(e.getItemId(), record.key(), e.getEventType(), t, pairs,
                e.getRecommendationId()), t));
        for (WeightedKey pair : pairs) {
            context.forward(new Record<>(pair.getKey(), new ItemSignal(pair.getKey(), record.key(), null, t,
                    List.of(new WeightedKey(e.getItemId(), pair.getWeight())), null), t));
        }
    }

    private long cutoff() {
        long streamTime = context.currentStreamTimeMs();
        return streamTime - config.historyRetention().toMillis();
    }

    /** Newest first; an entry with the same timestamp as existing ones goes before them (it arrived later). */
    static void insertNewestFirst(List<HistoryEntry> entries, HistoryEntry entry) {
        int i = 0;
        while (i < entries.size() && entries.get(i).getTimestamp() > entry.getTimestamp()) {
            i++;
        }
        entries.add(i, entry);
    }

    static void prune(List<HistoryEntry> entries, long cutoff, int maxEntries) {
        while (entries.size() > maxEntries) {
            entries.remove(entries.size() - 1);
        }
        while (!entries.isEmpty() && entries.get(entries.size() - 1).getTimestamp() < cutoff) {
            entries.remove(entries.size() - 1);
        }
    }

    private void sweep() {
        long cutoff = cutoff();
        List<KeyValue<String, UserHistory>> changed = new ArrayList<>();
        try (KeyValueIterator<String, UserHistory> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, UserHistory> kv = it.next();
                List<HistoryEntry> entries = kv.value.getEntries();
                if (!entries.isEmpty() && entries.get(entries.size() - 1).getTimestamp() < cutoff) {
                    List<HistoryEntry> kept = new ArrayList<>(entries);
                    prune(kept, cutoff, config.historyMaxEntries());
                    changed.add(KeyValue.pair(kv.key, kept.isEmpty() ? null : new UserHistory(kept)));
                }
            }
        }
        for (KeyValue<String, UserHistory> kv : changed) {
            if (kv.value == null) {
                store.delete(kv.key);
            } else {
                store.put(kv.key, kv.value);
            }
        }
    }
}
