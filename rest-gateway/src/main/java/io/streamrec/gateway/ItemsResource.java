package io.streamrec.gateway;

import io.smallrye.mutiny.Uni;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.NeighborCounter;
import io.streamrec.processor.CompositeKeys;
import io.streamrec.processor.Decay;
import io.streamrec.processor.FeatureSettings;
import io.streamrec.processor.ItemFormulas;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.Rankings;
import io.streamrec.processor.Sketches;
import io.streamrec.processor.StoreNames;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Item statistics, similar items, popular and trending lists. Mounted at the root like the ingestion resource: a
 * class mounted at {@code /items} would capture {@code POST /items} and answer it 404.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ItemsResource {
    static final int DEFAULT_COUNT = 10;
    static final String REASON_SIMILAR = "similar";
    static final String REASON_POPULAR = "popular";
    static final String DEFAULT_WINDOW = "24h";

    @Inject
    StateQueries queries;

    @Inject
    ProcessorConfig config;

    @Inject
    Catalog catalog;

    @Inject
    ItemLookups lookups;

    @Inject
    RankingLists rankings;

    /** An item in a list: catalog metadata (null when the catalog does not know it), score and why it is there. */
    public record ItemResult(String itemId, String title, String category, Double price, double score, String reason) {
    }

    public record Similar(String itemId, int count, List<ItemResult> items) {
    }

    public record ItemList(String category, String window, long asOf, String asOfTime, int count, List<ItemResult> items) {
    }

    /** Decayed values (popularity, trending) are as of {@code lastEvent}. */
    public record Stats(String itemId, String title, String category, Double price, long views, long clicks, long carts,
                        long purchases, long events, long uniqueUsers, double ctr, double conversionRate, double popularity,
                        Map<String, Double> trending, Long firstEvent, Long lastEvent, String lastEventTime) {
    }

    @GET
    @Path("items/{id}/stats")
    @Operation(summary = "Counts, unique users, smoothed click-through and conversion rates, decayed popularity of an item")
    public Uni<Response> stats(@PathParam("id") String itemId,
                               @HeaderParam(StateQueries.FORWARDED_HEADER) String forwardedBy,
                               @Context UriInfo uri) {
        return guarded(() -> {
            Params.id("id", itemId);
            return queries.<ItemStats>byKeyAsync(StoreNames.ITEM_STATS, itemId, Params.pathAndQuery(uri), forwardedBy != null, s -> {
                Item item = catalog.get(itemId);
                if (s == null && item == null) {
                    return Uni.createFrom().item(Problems.of(404, "Unknown item", "item '" + itemId + "' is neither in the catalog nor in any event"));
                }
                return Uni.createFrom().item(Response.ok(toStats(itemId, item, s)).build());
            });
        });
    }

    Stats toStats(String itemId, Item item, ItemStats s) {
        FeatureSettings f = config.features();
        Map<String, Double> trending = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> w : FeatureSettings.TRENDING_WINDOWS.entrySet()) {
            Duration baseline = f.trendingBaselines().get(w.getKey());
            trending.put(w.getKey(), s == null ? 1.0 : ItemFormulas.trending(Decay.value(s.getDecayed(), w.getValue()),
                    Decay.value(s.getDecayed(), baseline), w.getValue(), baseline, f.trendingPrior()));
        }
        return new Stats(itemId, item == null ? null : item.getTitle(), item == null ? null : item.getCategory(),
                item == null ? null : item.getPrice(),
                s == null ? 0 : s.getViews(), s == null ? 0 : s.getClicks(), s == null ? 0 : s.getCarts(),
                s == null ? 0 : s.getPurchases(), s == null ? 0 : s.getEvents(), s == null ? 0 : Sketches.estimate(s.getUserSketch()),
                ItemFormulas.ctr(s, f), ItemFormulas.conversion(s, f),
                s == null ? 0.0 : Decay.value(s.getDecayed(), f.popularityHalfLife()), trending,
                s == null ? null : s.getFirstEvent(), s == null ? null : s.getLastEvent(), s == null ? null : Params.iso(s.getLastEvent()));
    }

    @GET
    @Path("items/{id}/similar")
    @Operation(summary = "Items often seen or bought with this one; popular items (reason 'popular') fill up the list")
    public Uni<Response> similar(@PathParam("id") String itemId, @QueryParam("count") String countText,
                                 @HeaderParam(StateQueries.FORWARDED_HEADER) String forwardedBy,
                                 @Context UriInfo uri) {
        return guarded(() -> {
            Params.id("id", itemId);
            int count = Params.count("count", countText, DEFAULT_COUNT, config.features().rankingSize());
            return queries.<NeighborCounter>byOwnerAsync(StoreNames.ITEM_NEIGHBORS, itemId, Params.pathAndQuery(uri), forwardedBy != null,
                    store -> similarTo(itemId, counters(store, itemId), count)
                            .map(items -> Response.ok(new Similar(itemId, items.size(), items)).build()));
        });
    }

    /** The item's co-occurrence counters: one entry per neighbor, keys {@code item U+001F neighbor}. */
    private static List<NeighborCounter> counters(ReadOnlyKeyValueStore<String, NeighborCounter> store, String itemId) {
        List<NeighborCounter> out = new ArrayList<>();
        try (KeyValueIterator<String, NeighborCounter> it = store.prefixScan(CompositeKeys.prefix(itemId), new StringSerializer())) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    private Uni<List<ItemResult>> similarTo(String itemId, List<NeighborCounter> counters, int count) {
        if (counters.isEmpty()) {
            return withPopular(itemId, new ArrayList<>(), count);
        }
        List<String> ids = new ArrayList<>(counters.size() + 1);
        ids.add(itemId);
        counters.forEach(c -> ids.add(c.getItemId()));
        return lookups.weightedEvents(ids).flatMap(popularity -> {
            double popA = popularity.getOrDefault(itemId, 0.0);
            List<ItemResult> scored = new ArrayList<>();
            for (NeighborCounter c : counters) {
                // Space-Saving: weight - error is what the pair certainly accumulated
                double score = ItemFormulas.similarity(c.getWeight() - c.getError(), popA, popularity.getOrDefault(c.getItemId(), 0.0));
                scored.add(result(c.getItemId(), score, REASON_SIMILAR));
            }
            scored.sort(Comparator.comparingDouble(ItemResult::score).reversed().thenComparing(ItemResult::itemId));
            int keep = Math.min(count, config.features().neighborTopN());
            List<ItemResult> out = new ArrayList<>(scored.subList(0, Math.min(keep, scored.size())));
            return out.size() >= count ? Uni.createFrom().item(out) : withPopular(itemId, out, count);
        });
    }

    /** Fills {@code items} up to {@code count} with popular items other than {@code itemId} and those already there. */
    private Uni<List<ItemResult>> withPopular(String itemId, List<ItemResult> items, int count) {
        return rankings.ranking(Rankings.POPULAR).map(popular -> {
            Set<String> taken = new HashSet<>();
            taken.add(itemId);
            items.forEach(i -> taken.add(i.itemId()));
            for (RankingLists.Ranked r : popular.items()) {
                if (items.size() >= count) {
                    break;
                }
                if (taken.add(r.itemId())) {
                    items.add(result(r.itemId(), r.score(), REASON_POPULAR));
                }
            }
            return items;
        });
    }

    @GET
    @Path("items/popular")
    @Operation(summary = "Items by decayed popularity, overall or in one catalog category")
    public Uni<Response> popular(@QueryParam("category") String category, @QueryParam("count") String countText) {
        return guarded(() -> {
            int count = Params.count("count", countText, DEFAULT_COUNT, config.features().rankingSize());
            if (category != null) {
                Params.id("category", category);
            }
            String list = category == null ? Rankings.POPULAR : Rankings.popularIn(category);
            return rankings.ranking(list).map(r -> Response.ok(toList(category, null, r, count, REASON_POPULAR)).build());
        });
    }

    @GET
    @Path("items/trending")
    @Operation(summary = "Items whose recent activity rises most over their own baseline (window 1h, 24h or 7d)")
    public Uni<Response> trending(@QueryParam("window") String windowText, @QueryParam("count") String countText) {
        return guarded(() -> {
            int count = Params.count("count", countText, DEFAULT_COUNT, config.features().rankingSize());
            String window = windowText == null || windowText.isBlank() ? DEFAULT_WINDOW : windowText.strip();
            if (!FeatureSettings.TRENDING_WINDOWS.containsKey(window)) {
                throw new Params.BadParameter("window", "must be one of " + String.join(", ", FeatureSettings.TRENDING_WINDOWS.keySet())
                        + ", got '" + windowText + "'");
            }
            return rankings.ranking(Rankings.trending(window)).map(r -> Response.ok(toList(null, window, r, count, "trending")).build());
        });
    }

    private ItemList toList(String category, String window, RankingLists.Ranking r, int count, String reason) {
        List<ItemResult> items = r.items().stream().limit(count).map(i -> result(i.itemId(), i.score(), reason)).toList();
        return new ItemList(category, window, r.asOf(), r.asOf() == 0 ? null : Params.iso(r.asOf()), items.size(), items);
    }

    private ItemResult result(String itemId, double score, String reason) {
        Item item = catalog.get(itemId);
        return new ItemResult(itemId, item == null ? null : item.getTitle(), item == null ? null : item.getCategory(),
                item == null ? null : item.getPrice(), score, reason);
    }

    /** Bad parameters become 400 problems; state that is not ready (on this instance) becomes 503 with Retry-After. */
    private static Uni<Response> guarded(Supplier<Uni<Response>> answer) {
        try {
            return answer.get().onFailure(StateQueries.NotReady.class)
                    .recoverWithItem(e -> Problems.unavailable("not available right now (" + e.getMessage() + ")", 1));
        } catch (Params.BadParameter e) {
            return Uni.createFrom().item(e.response());
        } catch (StateQueries.NotReady e) {
            return Uni.createFrom().item(Problems.unavailable("not available right now (" + e.getMessage() + ")", 1));
        }
    }
}
