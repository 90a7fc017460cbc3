package io.streamrec.processor;

import io.streamrec.avro.ItemEventDelta;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.ItemUpdate;
import io.streamrec.avro.ItemUpdates;
import io.streamrec.avro.WeightedKey;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The item side: one {@link ItemState} per item (statistics, directed co-occurrence counters, attributed events) on
 * the item's partition of {@code streamrec.item-updates}, and the changed items' {@link ItemProfile}s to the
 * compacted {@code streamrec.item-profiles}, which every instance reads back as a global store: the one item model
 * behind similar items, popular and trending lists and recommendation candidates.
 *
 * <p>An update (one per item per user-side task and combine interval) carries what the item's events of the interval
 * add to its statistics, combined by the user side into one fixed-size delta ({@link ItemStatsUpdate}: the same result
 * as the events one by one, a late event's weight included already decayed), the events' distinct users (for the
 * unique-user sketch), and its pair weights summed per neighbor and direction, added to the Space-Saving counters
 * ({@link SpaceSaving}).
 * Undirected similarity is the merge of the two directions (each pair is counted once in the later item's backward
 * and once in the earlier item's forward summary).
 *
 * <p>Profiles are published once per publish interval for every item changed since (a wall-clock punctuation, then a
 * commit), not once per update. The store is a {@link WriteBehindStore} of {@link ItemCounters}: the counters stay
 * decoded in memory between updates, and an item's state is encoded once per commit, not once per update.
 */
final class ItemStateProcessor implements Processor<Integer, ItemUpdates, String, ItemProfile> {
    private final FeatureSettings features;
    private final RecommendSettings settings;
    private KeyValueStore<String, ItemCounters> store;
    private ProcessorContext<String, ItemProfile> context;

    ItemStateProcessor(ProcessorConfig config) {
        this.features = config.features();
        this.settings = config.recommend();
    }

    /** Items changed since their profile was last published (also marked in their state, for a restart). */
    private final Set<String> unpublished = new LinkedHashSet<>();

    @Override
    public void init(ProcessorContext<String, ItemProfile> context) {
        this.context = context;
        // the item side may lag by seconds, the user side not by tens of milliseconds: on a busy machine this stream
        // thread yields the CPU to the user side's (the OS applies it with the gateway's -XX:ThreadPriorityPolicy=1)
        Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
        this.store = context.getStateStore(StoreNames.ITEM_STATE);
        unpublished.clear(); // a re-initialised task may have restored other contents
        try (KeyValueIterator<String, ItemCounters> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ItemCounters> kv = it.next();
                if (kv.value.unpublished) {
                    unpublished.add(kv.key);
                }
            }
        }
        IntervalBoundary publication = new IntervalBoundary(settings.publishInterval());
        context.schedule(IntervalBoundary.tick(settings.publishInterval()), PunctuationType.WALL_CLOCK_TIME, now -> {
            // every task publishes at the same boundaries, then one commit: a state is written once per interval
            if (publication.passed(now) && publish()) {
                context.commit();
            }
        });
    }

    /**
     * Sends the profile of every item changed since the last publication, at most one per item per interval however
     * many updates it had; false when none changed. The marks are cleared in the states too, so after a crash the
     * restored states tell which profiles are still due.
     */
    boolean publish() {
        if (unpublished.isEmpty()) {
            return false;
        }
        for (String itemId : unpublished) {
            ItemCounters c = store.get(itemId);
            if (c == null) {
                continue;
            }
            ItemProfile p = profile(itemId, c, features, settings.profileNeighbors());
            if (p != null) {
                context.forward(new Record<>(itemId, p, p.getAsOf()));
            }
            c.unpublished = false;
            store.put(itemId, c);
        }
        unpublished.clear();
        return true;
    }

    @Override
    public void process(Record<Integer, ItemUpdates> record) {
        for (ItemUpdate u : record.value().getItems()) {
            apply(u);
        }
    }

    private void apply(ItemUpdate u) {
        String itemId = u.getItemId();
        ItemCounters c = store.get(itemId);
        if (c == null) {
            c = new ItemCounters(features.neighborCapacity());
        }
        if (u.getStats() != null) {
            c.stats = ItemStatsUpdate.apply(c.stats, u.getStats(), features);
            c.attributed += u.getStats().getAttributed();
        }
        if (!u.getEvents().isEmpty()) {
            // an update written before v2 (events one by one), still in the topic after an upgrade
            ItemStats stats = c.stats;
            for (ItemEventDelta e : u.getEvents()) {
                stats = ItemStatsUpdate.apply(stats, e.getEventType(), e.getTimestamp(), features);
                if (e.getAttributed()) {
                    c.attributed++;
                }
            }
            c.stats = stats;
            c.addUsers(u.getEvents().stream().map(ItemEventDelta::getUserKey).toList(), features.sketchLgK());
        }
        if (!u.getUsers().isEmpty() && c.stats != null) {
            c.addUsers(u.getUsers(), features.sketchLgK());
        }
        add(c.forward, itemId, u.getForward());
        add(c.backward, itemId, u.getBackward());
        // changed in place (nothing but this processor reads this store), put again so the store writes it at the commit
        c.unpublished = true;
        store.put(itemId, c);
        unpublished.add(itemId);
    }

    private static void add(SpaceSaving counters, String itemId, List<WeightedKey> pairs) {
        for (WeightedKey pair : pairs) {
            if (!pair.getKey().equals(itemId) && pair.getWeight() > 0) {
                counters.add(pair.getKey(), pair.getWeight());
            }
        }
    }

    /** The published profile of an item; null when it has no statistics yet (pairs arrived before its first event). */
    static ItemProfile profile(String itemId, ItemCounters c, FeatureSettings f, int neighbors) {
        ItemStats s = c.stats;
        if (s == null) {
            return null;
        }
        Duration trendWindow = FeatureSettings.TRENDING_WINDOWS.get("24h");
        return ItemProfile.newBuilder()
                .setItemId(itemId)
                .setAsOf(s.getLastEvent())
                .setFirstEvent(s.getFirstEvent())
                .setEvents(s.getEvents())
                .setViews(s.getViews())
                .setClicks(s.getClicks())
                .setCarts(s.getCarts())
                .setPurchases(s.getPurchases())
                .setWeightedEvents(s.getWeightedEvents())
                .setUniqueUsers(c.uniqueUsers())
                .setPopularity(Decay.value(s.getDecayed(), f.popularityHalfLife()))
                .setTrendRecent(Decay.value(s.getDecayed(), trendWindow))
                .setTrendBaseline(Decay.value(s.getDecayed(), f.trendingBaselines().get("24h")))
                .setCtr(ItemFormulas.ctr(s, f))
                .setConversion(ItemFormulas.conversion(s, f))
                .setAttributedEvents(c.attributed)
                .setDecayed(s.getDecayed())
                .setForward(c.forward.top(neighbors))
                .setBackward(c.backward.top(neighbors))
                .build();
    }
}
