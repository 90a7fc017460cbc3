package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.UserItem;
import io.streamrec.avro.UserItems;
import io.streamrec.schemas.EventRules;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Remembers the items each user interacted with over the long term (the history keeps only recent entries): per item
 * its events, purchases, summed event weight and first/last time. At most {@code user-items.max} items; when full, a
 * new item replaces the one with the fewest events (the least recent among equals). Event types of weight 0
 * (remove_from_cart) do not count.
 */
final class UserItemsProcessor implements Processor<String, ClickEvent, Void, Void> {
    private final FeatureSettings features;
    private final EventRules rules;
    private final int max;
    private KeyValueStore<String, UserItems> store;

    UserItemsProcessor(ProcessorConfig config) {
        this.features = config.features();
        this.rules = config.rules();
        this.max = config.recommend().userItemsMax();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.USER_ITEMS);
    }

    @Override
    public void process(Record<String, ClickEvent> record) {
        ClickEvent e = record.value();
        if (!rules.isItemEvent(e.getEventType()) || e.getItemId() == null) {
            return;
        }
        double w = features.weight(e.getEventType());
        if (w <= 0) {
            return;
        }
        store.put(record.key(), add(store.get(record.key()), e.getItemId(), "purchase".equals(e.getEventType()), w,
                e.getTimestamp(), max));
    }

    static UserItems add(UserItems before, String itemId, boolean purchase, double weight, long t, int max) {
        List<UserItem> items = before == null ? new ArrayList<>() : new ArrayList<>(before.getItems());
        for (int i = 0; i < items.size(); i++) {
            UserItem u = items.get(i);
            if (u.getItemId().equals(itemId)) {
                items.set(i, new UserItem(itemId, u.getEvents() + 1, u.getPurchases() + (purchase ? 1 : 0),
                        u.getWeight() + weight, Math.min(u.getFirst(), t), Math.max(u.getLast(), t)));
                return new UserItems(items);
            }
        }
        UserItem added = new UserItem(itemId, 1L, purchase ? 1L : 0L, weight, t, t);
        if (items.size() < max) {
            items.add(added);
        } else {
            int evict = 0;
            for (int i = 1; i < items.size(); i++) {
                UserItem u = items.get(i);
                UserItem m = items.get(evict);
                if (u.getEvents() < m.getEvents() || (u.getEvents() == m.getEvents() && u.getLast() < m.getLast())) {
                    evict = i;
                }
            }
            items.set(evict, added);
        }
        return new UserItems(items);
    }
}
