package io.streamrec.processor;

import io.streamrec.avro.Item;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.RankEntry;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Keeps this partition's popular and trending lists, so a reader merges a few hundred entries per partition instead of
 * scanning every item. The store is the truth; an in-memory index of it (rebuilt in {@link #init}) finds the entry to
 * evict, and every change is written through at once.
 *
 * <ul>
 *   <li>Popular (global and per catalog category): the exact top {@code rankingSize} items by decayed popularity.
 *       Decay shrinks every item by the same factor, so the order only changes when an item gets an event: ranking by
 *       the time-free key {@link ItemFormulas#popularityKey} and updating that one item keeps the top-k exact.</li>
 *   <li>Trending per window: a candidate buffer of {@code 2 * rankingSize} items with the most recent activity
 *       relative to their baseline. An item is considered on each of its events once its recent weighted activity
 *       reaches the minimum support; when the buffer is full it replaces the lowest-scoring candidate (scored at
 *       stream time) if it scores higher. Idle items only lose score over time, so items that rise are the ones
 *       getting events, and each event re-considers them.</li>
 * </ul>
 */
final class RankingsProcessor implements Processor<String, ItemStats, Void, Void> {
    private final FeatureSettings settings;
    private KeyValueStore<String, RankEntry> store;
    private ReadOnlyKeyValueStore<String, Item> catalog;
    private ProcessorContext<Void, Void> context;
    private final Map<String, PopularList> popular = new HashMap<>();
    private final Map<String, TrendingList> trending = new HashMap<>();
    private int categoryLists;

    RankingsProcessor(ProcessorConfig config) {
        this.settings = config.features();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(StoreNames.ITEM_RANKINGS);
        this.catalog = context.getStateStore(StoreNames.ITEMS);
        popular.clear();
        trending.clear();
        categoryLists = 0;
        try (KeyValueIterator<String, RankEntry> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, RankEntry> kv = it.next();
                String list = Rankings.listOf(kv.key);
                if (Rankings.isTrending(list)) {
                    trendingList(list).entries.put(kv.value.getItemId(), kv.value);
                } else {
                    popularList(list).index(kv.value);
                }
            }
        }
    }

    @Override
    public void process(Record<String, ItemStats> record) {
        String itemId = record.key();
        ItemStats s = record.value();
        long ref = s.getLastEvent();
        double popularity = Decay.value(s.getDecayed(), settings.popularityHalfLife());
        if (popularity > 0) {
            RankEntry entry = new RankEntry(itemId, ref, popularity, 0.0);
            popularList(Rankings.POPULAR).upsert(entry);
            Item item = CatalogProcessor.lookup(catalog, itemId);
            String category = item == null ? null : item.getCategory();
            if (category != null && !category.isBlank()) {
                PopularList list = popular.get(Rankings.popularIn(category));
                if (list == null && categoryLists < settings.rankingMaxCategories()) {
                    list = popularList(Rankings.popularIn(category));
                }
                if (list != null) {
                    list.upsert(entry);
                }
            }
        }
        long now = Math.max(context.currentStreamTimeMs(), ref);
        for (Map.Entry<String, Duration> w : FeatureSettings.TRENDING_WINDOWS.entrySet()) {
            double recent = Decay.value(s.getDecayed(), w.getValue());
            double baseline = Decay.value(s.getDecayed(), settings.trendingBaselines().get(w.getKey()));
            trendingList(Rankings.trending(w.getKey())).upsert(new RankEntry(itemId, ref, recent, baseline), now);
        }
    }

    private PopularList popularList(String list) {
        return popular.computeIfAbsent(list, name -> {
            if (Rankings.isCategoryList(name)) {
                categoryLists++;
            }
            return new PopularList(name);
        });
    }

    private TrendingList trendingList(String list) {
        return trending.computeIfAbsent(list, name -> new TrendingList(name, FeatureSettings.TRENDING_WINDOWS.get(name.substring(name.indexOf(':') + 1))));
    }

    private record Ranked(double key, String itemId) implements Comparable<Ranked> {
        @Override
        public int compareTo(Ranked o) {
            int c = Double.compare(key, o.key);
            return c != 0 ? c : o.itemId.compareTo(itemId);
        }
    }

    /** The exact top items of one popular list, lowest first in {@link #order}. */
    private final class PopularList {
        private final String name;
        private final Map<String, Double> keys = new HashMap<>();
        private final TreeSet<Ranked> order = new TreeSet<>();

        PopularList(String name) {
            this.name = name;
        }

        void index(RankEntry e) {
            double key = ItemFormulas.popularityKey(e.getRecent(), e.getRef(), settings.popularityHalfLife());
            keys.put(e.getItemId(), key);
            order.add(new Ranked(key, e.getItemId()));
        }

        void upsert(RankEntry e) {
            double key = ItemFormulas.popularityKey(e.getRecent(), e.getRef(), settings.popularityHalfLife());
            Double old = keys.get(e.getItemId());
            if (old != null) {
                order.remove(new Ranked(old, e.getItemId()));
            } else if (keys.size() >= settings.rankingSize()) {
                Ranked lowest = order.first();
                if (key <= lowest.key()) {
                    return;
                }
                order.pollFirst();
                keys.remove(lowest.itemId());
                store.delete(Rankings.key(name, lowest.itemId()));
            }
            keys.put(e.getItemId(), key);
            order.add(new Ranked(key, e.getItemId()));
            store.put(Rankings.key(name, e.getItemId()), e);
        }
    }

    /** The trending candidates of one window. */
    private final class TrendingList {
        private final String name;
        private final Duration window;
        private final Duration baseline;
        private final Map<String, RankEntry> entries = new HashMap<>();
        /** The lowest score at the last full evaluation: newcomers below it are not worth a re-evaluation. */
        private double threshold = Double.NEGATIVE_INFINITY;
        private long thresholdAt;

        TrendingList(String name, Duration window) {
            this.name = name;
            this.window = window;
            this.baseline = settings.trendingBaselines().get(name.substring(name.indexOf(':') + 1));
        }

        double score(RankEntry e, long now) {
            return ItemFormulas.trending(Decay.at(e.getRecent(), e.getRef(), now, window),
                    Decay.at(e.getBaseline(), e.getRef(), now, baseline), window, baseline, settings.trendingPrior());
        }

        void upsert(RankEntry e, long now) {
            if (entries.containsKey(e.getItemId())) {
                entries.put(e.getItemId(), e);
                store.put(Rankings.key(name, e.getItemId()), e);
                return;
            }
            if (e.getRecent() < settings.trendingMinSupport()) {
                return;
            }
            if (entries.size() >= 2 * settings.rankingSize()) {
                double score = score(e, now);
                // scores fall as time passes, so an old threshold is too strict: forget it after a quarter window
                if (now - thresholdAt > window.toMillis() / 4) {
                    threshold = Double.NEGATIVE_INFINITY;
                }
                if (score <= threshold) {
                    return;
                }
                RankEntry lowest = null;
                double lowestScore = Double.POSITIVE_INFINITY;
                for (RankEntry c : entries.values()) {
                    double cs = score(c, now);
                    if (cs < lowestScore || (cs == lowestScore && c.getItemId().compareTo(lowest.getItemId()) > 0)) {
                        lowest = c;
                        lowestScore = cs;
                    }
                }
                threshold = lowestScore;
                thresholdAt = now;
                if (score <= lowestScore) {
                    return;
                }
                entries.remove(lowest.getItemId());
                store.delete(Rankings.key(name, lowest.getItemId()));
            }
            entries.put(e.getItemId(), e);
            store.put(Rankings.key(name, e.getItemId()), e);
        }
    }
}
