package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Duration;

/**
 * Drops an event whose eventId was already seen within the horizon (event time, either side). Events are keyed by
 * user, so a resent event lands in the same partition and meets its first copy here. The window store is segmented
 * by time, so ids older than the horizon cost nothing to forget.
 */
final class DedupeProcessor implements Processor<String, ClickEvent, String, ClickEvent> {
    private final long horizonMs;
    private WindowStore<String, Long> seen;
    private ProcessorContext<String, ClickEvent> context;

    DedupeProcessor(Duration horizon) {
        this.horizonMs = horizon.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, ClickEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(StoreNames.DEDUPE);
    }

    @Override
    public void process(Record<String, ClickEvent> record) {
        ClickEvent event = record.value();
        long t = event.getTimestamp();
        String id = event.getEventId();
        try (WindowStoreIterator<Long> it = seen.fetch(id, Math.max(0, t - horizonMs), t + horizonMs)) {
            if (it.hasNext()) {
                return;
            }
        }
        seen.put(id, t, t);
        context.forward(record);
    }
}
