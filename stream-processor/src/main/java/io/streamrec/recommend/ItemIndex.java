package io.streamrec.recommend;

import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.processor.Decay;
import io.streamrec.processor.FeatureSettings;
import io.streamrec.processor.ItemFormulas;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Non-personalized lists built from the global item profiles, for candidates and back-fill: every item by decayed
 * popularity, the most trending items (24h window), and the most popular items of each catalog category. Rebuilt by a
 * scan of the profiles at most once per refresh interval and shared by all callers; training (in the topology) and
 * serving (in the gateway) use this same code, so candidates come from the same lists.
 */
public final class ItemIndex {
    public static final int TRENDING_KEPT = 500;
    public static final int CATEGORY_KEPT = 100;
    static final Duration TREND_WINDOW = FeatureSettings.TRENDING_WINDOWS.get("24h");

    private final Function<String, Item> catalog;
    private final FeatureSettings settings;
    private final long refreshNanos;
    private volatile ReadOnlyKeyValueStore<String, ItemProfile> profiles;
    private volatile Snapshot current;
    private volatile long builtAt;
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private static final Logger LOG = LoggerFactory.getLogger(ItemIndex.class);
    /** One daemon thread rebuilds the lists of every index of the process, in turn. */
    private static final ExecutorService REBUILDS = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "streamrec-item-index");
        t.setDaemon(true);
        return t;
    });

    /** An item with its score in a list. */
    public record Ranked(String itemId, double score) {
    }

    /**
     * The lists at one moment.
     *
     * @param asOf       the newest event time among the profiles; scores are valid at this time
     * @param popular    every item with events, most popular first
     * @param trending   the most trending items, most first (those with enough recent activity)
     * @param byCategory per category, its most popular items
     * @param trendingIn per trending window (1h, 24h, 7d), its most trending items; {@code trending} is the 24h one
     */
    public record Snapshot(long asOf, List<Ranked> popular, List<Ranked> trending, Map<String, List<Ranked>> byCategory,
                           Map<String, Integer> popularRank, Map<String, Integer> trendingRank,
                           Map<String, List<Ranked>> trendingIn) {
        public static final Snapshot EMPTY = new Snapshot(0, List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of());

        /** The most trending items over a window ({@link FeatureSettings#TRENDING_WINDOWS}); empty for an unknown one. */
        public List<Ranked> trendingOver(String window) {
            return trendingIn.getOrDefault(window, List.of());
        }

        public List<Ranked> popularIn(String category) {
            return byCategory.getOrDefault(category, List.of());
        }
    }

    public ItemIndex(Function<String, Item> catalog, FeatureSettings settings, Duration refresh) {
        this.catalog = catalog;
        this.settings = settings;
        this.refreshNanos = refresh.toNanos();
    }

    /** Sets the store to scan (the first caller that has it; the store object is the same for every task). */
    public void attach(ReadOnlyKeyValueStore<String, ItemProfile> store) {
        if (profiles == null) {
            profiles = store;
        }
    }

    /**
     * The current lists. Once they are older than the refresh interval, a rebuild starts on a background thread and
     * callers go on with the current lists until it is done: a scan of every profile takes a few hundred milliseconds
     * with a large catalog, and no stream thread or request waits for it (only the very first call, with no lists yet,
     * and a refresh interval of zero build at once).
     */
    public Snapshot snapshot() {
        Snapshot s = current;
        if (s != null && System.nanoTime() - builtAt < refreshNanos) {
            return s;
        }
        if (s == null || refreshNanos == 0) {
            synchronized (this) {
                if (current != null && current != s && System.nanoTime() - builtAt < refreshNanos) {
                    return current;
                }
                return rebuild();
            }
        }
        if (rebuilding.compareAndSet(false, true)) {
            try {
                REBUILDS.execute(() -> {
                    try {
                        synchronized (this) {
                            rebuild();
                        }
                    } catch (RuntimeException e) {
                        // the store closed or moved (shutdown, rebalance): the current lists stay until the next try
                        LOG.debug("item index rebuild failed, keeping the current lists", e);
                    } finally {
                        rebuilding.set(false);
                    }
                });
            } catch (RuntimeException e) {
                rebuilding.set(false);
                throw e;
            }
        }
        return s;
    }

    private Snapshot rebuild() {
        ReadOnlyKeyValueStore<String, ItemProfile> store = profiles;
        Snapshot built = store == null ? Snapshot.EMPTY : build(store);
        current = built;
        builtAt = System.nanoTime();
        return built;
    }

    Snapshot build(ReadOnlyKeyValueStore<String, ItemProfile> store) {
        List<ItemProfile> all = new ArrayList<>();
        long asOf = 0;
        try (KeyValueIterator<String, ItemProfile> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ItemProfile> kv = it.next();
                if (kv.value != null) {
                    all.add(kv.value);
                    asOf = Math.max(asOf, kv.value.getAsOf());
                }
            }
        }
        return build(all, asOf);
    }

    Snapshot build(List<ItemProfile> all, long asOf) {
        Duration baselineHalfLife = settings.trendingBaselines().get("24h");
        List<Ranked> popular = new ArrayList<>(all.size());
        List<Ranked> trending = new ArrayList<>();
        Map<String, List<Ranked>> byCategory = new HashMap<>();
        Map<String, List<Ranked>> byWindow = new LinkedHashMap<>();
        FeatureSettings.TRENDING_WINDOWS.keySet().forEach(w -> byWindow.put(w, new ArrayList<>()));
        for (ItemProfile p : all) {
            double pop = Decay.at(p.getPopularity(), p.getAsOf(), asOf, settings.popularityHalfLife());
            Ranked r = new Ranked(p.getItemId(), pop);
            popular.add(r);
            double recent = Decay.at(p.getTrendRecent(), p.getAsOf(), asOf, TREND_WINDOW);
            if (recent >= settings.trendingMinSupport()) {
                double baseline = Decay.at(p.getTrendBaseline(), p.getAsOf(), asOf, baselineHalfLife);
                trending.add(new Ranked(p.getItemId(), ItemFormulas.trending(recent, baseline, TREND_WINDOW, baselineHalfLife,
                        settings.trendingPrior())));
            }
            for (Map.Entry<String, Duration> w : FeatureSettings.TRENDING_WINDOWS.entrySet()) {
                Duration window = w.getValue();
                Duration base = settings.trendingBaselines().get(w.getKey());
                double recentW = decayed(p, window, TREND_WINDOW.equals(window) ? p.getTrendRecent() : 0.0);
                double rAt = Decay.at(recentW, p.getAsOf(), asOf, window);
                if (rAt >= settings.trendingMinSupport()) {
                    double b = Decay.at(decayed(p, base, base.equals(baselineHalfLife) ? p.getTrendBaseline() : 0.0), p.getAsOf(), asOf, base);
                    byWindow.get(w.getKey()).add(new Ranked(p.getItemId(), ItemFormulas.trending(rAt, b, window, base, settings.trendingPrior())));
                }
            }
            Item item = catalog.apply(p.getItemId());
            if (item != null && item.getCategory() != null && !item.getCategory().isBlank()) {
                byCategory.computeIfAbsent(item.getCategory(), c -> new ArrayList<>()).add(r);
            }
        }
        Comparator<Ranked> order = Comparator.comparingDouble(Ranked::score).reversed().thenComparing(Ranked::itemId);
        popular.sort(order);
        trending.sort(order);
        Map<String, List<Ranked>> categories = new HashMap<>();
        byCategory.forEach((c, list) -> {
            list.sort(order);
            categories.put(c, List.copyOf(list.subList(0, Math.min(CATEGORY_KEPT, list.size()))));
        });
        List<Ranked> trendingKept = List.copyOf(trending.subList(0, Math.min(TRENDING_KEPT, trending.size())));
        Map<String, List<Ranked>> windows = new LinkedHashMap<>();
        byWindow.forEach((w, list) -> {
            list.sort(order);
            windows.put(w, List.copyOf(list.subList(0, Math.min(TRENDING_KEPT, list.size()))));
        });
        return new Snapshot(asOf, Collections.unmodifiableList(popular), trendingKept, Map.copyOf(categories),
                ranks(popular, TRENDING_KEPT), ranks(trendingKept, TRENDING_KEPT), Collections.unmodifiableMap(windows));
    }

    /** The profile's decayed sum for a half-life; {@code fallback} for a profile written before decayed sums were kept. */
    private static double decayed(ItemProfile p, Duration halfLife, double fallback) {
        return p.getDecayed().isEmpty() ? fallback : Decay.value(p.getDecayed(), halfLife);
    }

    private static Map<String, Integer> ranks(List<Ranked> list, int max) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < Math.min(max, list.size()); i++) {
            out.put(list.get(i).itemId(), i);
        }
        return Map.copyOf(out);
    }
}
