package io.streamrec.gateway;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.streamrec.avro.Item;
import io.streamrec.avro.RankEntry;
import io.streamrec.processor.Decay;
import io.streamrec.processor.FeatureSettings;
import io.streamrec.processor.ItemFormulas;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.Rankings;
import io.streamrec.processor.StoreNames;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Popular and trending lists for any instance to answer: each item partition keeps its own top entries per list
 * (see the topology's rankings processor); this merges the entries of every instance (one request per other
 * instance), scores them at the newest event time among them, and keeps the ranked list for a short time so that a
 * burst of requests costs one fan-out. When an instance does not answer, the last list is served if there is one.
 */
@ApplicationScoped
public class RankingLists {
    static final String INTERNAL_PATH = "/internal/rankings";

    @Inject
    StateQueries queries;

    @Inject
    KafkaStreams streams;

    @Inject
    ObjectMapper mapper;

    @Inject
    ProcessorConfig config;

    @Inject
    Catalog catalog;

    @ConfigProperty(name = "streamrec.rankings.cache-ttl", defaultValue = "2s")
    String cacheTtlText;

    private Duration cacheTtl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** An item of a list with its score, as of the list's newest event time. */
    public record Ranked(String itemId, double score) {
    }

    /** A ranked list and the event time its scores are valid at. */
    public record Ranking(long asOf, List<Ranked> items) {
    }

    /** One partition entry as it travels between instances. */
    public record Entry(String itemId, long ref, double recent, double baseline) {
    }

    private record Cached(Ranking ranking, long expiresAtNanos) {
    }

    @PostConstruct
    void init() {
        cacheTtl = ProcessorConfig.parseDuration("streamrec.rankings.cache-ttl", cacheTtlText);
    }

    /** The list ranked (at most rankings.size items), merged from every instance, from the cache when fresh. */
    public Uni<Ranking> ranking(String list) {
        Cached c = cache.get(list);
        if (c != null && System.nanoTime() < c.expiresAtNanos()) {
            return Uni.createFrom().item(c.ranking());
        }
        return Uni.createFrom().deferred(() -> gather(list))
                .map(entries -> {
                    Ranking r = rank(list, entries);
                    cache.put(list, new Cached(r, System.nanoTime() + cacheTtl.toNanos()));
                    return r;
                })
                .onFailure(StateQueries.NotReady.class).recoverWithUni(e -> c != null
                        ? Uni.createFrom().item(c.ranking())
                        : Uni.createFrom().failure(e));
    }

    /** This instance's own entries of a list, from every partition it hosts. */
    public List<Entry> localEntries(String list) {
        List<Entry> out = new ArrayList<>();
        ReadOnlyKeyValueStore<String, RankEntry> store;
        try {
            store = streams.store(StoreQueryParameters.fromNameAndType(StoreNames.ITEM_RANKINGS, QueryableStoreTypes.<String, RankEntry>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StateQueries.NotReady("store " + StoreNames.ITEM_RANKINGS + " is not available: " + e.getMessage());
        }
        try (KeyValueIterator<String, RankEntry> it = store.prefixScan(Rankings.prefix(list), new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, RankEntry> kv = it.next();
                RankEntry e = kv.value;
                out.add(new Entry(e.getItemId(), e.getRef(), e.getRecent(), e.getBaseline()));
            }
        } catch (InvalidStateStoreException e) {
            throw new StateQueries.NotReady("store " + StoreNames.ITEM_RANKINGS + " is migrating: " + e.getMessage());
        }
        return out;
    }

    private Uni<List<Entry>> gather(String list) {
        List<Uni<List<Entry>>> parts = new ArrayList<>();
        for (HostInfo instance : queries.instancesOf(StoreNames.ITEM_RANKINGS)) {
            if (instance.equals(queries.self())) {
                parts.add(Uni.createFrom().item(() -> localEntries(list)));
            } else {
                parts.add(queries.fetchInternal(instance, INTERNAL_PATH + "?list=" + URLEncoder.encode(list, StandardCharsets.UTF_8))
                        .map(body -> read(body, instance)));
            }
        }
        if (parts.isEmpty()) {
            return Uni.createFrom().failure(new StateQueries.NotReady("no instance hosts the item partitions yet"));
        }
        return Uni.join().all(parts).andFailFast().map(lists -> {
            List<Entry> all = new ArrayList<>();
            lists.forEach(all::addAll);
            return all;
        });
    }

    private List<Entry> read(byte[] body, HostInfo instance) {
        try {
            return mapper.readValue(body, new TypeReference<List<Entry>>() { });
        } catch (IOException e) {
            throw new StateQueries.NotReady("unreadable rankings from " + instance + ": " + e.getMessage());
        }
    }

    /** Scores the merged entries at the newest event time among them and keeps the best rankings.size. */
    Ranking rank(String list, List<Entry> entries) {
        FeatureSettings s = config.features();
        Map<String, Entry> newest = new HashMap<>();
        long asOf = 0;
        for (Entry e : entries) {
            newest.merge(e.itemId(), e, (a, b) -> a.ref() >= b.ref() ? a : b);
            asOf = Math.max(asOf, e.ref());
        }
        String category = Rankings.isCategoryList(list) ? list.substring(list.indexOf(':') + 1) : null;
        List<Ranked> ranked = new ArrayList<>();
        for (Entry e : newest.values()) {
            if (category != null && movedOutOf(e.itemId(), category)) {
                continue;
            }
            if (Rankings.isTrending(list)) {
                String window = list.substring(list.indexOf(':') + 1);
                Duration w = FeatureSettings.TRENDING_WINDOWS.get(window);
                Duration baseline = s.trendingBaselines().get(window);
                double recent = Decay.at(e.recent(), e.ref(), asOf, w);
                if (recent >= s.trendingMinSupport()) {
                    ranked.add(new Ranked(e.itemId(), ItemFormulas.trending(recent, Decay.at(e.baseline(), e.ref(), asOf, baseline),
                            w, baseline, s.trendingPrior())));
                }
            } else {
                ranked.add(new Ranked(e.itemId(), Decay.at(e.recent(), e.ref(), asOf, s.popularityHalfLife())));
            }
        }
        ranked.sort(Comparator.comparingDouble(Ranked::score).reversed().thenComparing(Ranked::itemId));
        return new Ranking(asOf, ranked.size() > s.rankingSize() ? List.copyOf(ranked.subList(0, s.rankingSize())) : List.copyOf(ranked));
    }

    /** A list entry from before the item's category changed in the catalog. */
    private boolean movedOutOf(String itemId, String category) {
        Item item = catalog.get(itemId);
        return item != null && !category.equals(item.getCategory());
    }
}
