package io.streamrec.gateway;

import io.smallrye.mutiny.Uni;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.gateway.auth.Roles;
import io.streamrec.processor.Decay;
import io.streamrec.processor.FeatureSettings;
import io.streamrec.processor.ItemFormulas;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.recommend.ItemIndex;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Item statistics, similar items, popular and trending lists. Mounted at the root like the ingestion resource: a
 * class mounted at {@code /items} would capture {@code POST /items} and answer it 404.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.QUERY)
public class ItemsResource {
    static final int DEFAULT_COUNT = 10;
    static final String REASON_SIMILAR = "similar";
    static final String REASON_POPULAR = "popular";
    static final String DEFAULT_WINDOW = "24h";

    @Inject
    ProcessorConfig config;

    @Inject
    Catalog catalog;

    @Inject
    Recommender recommender;

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
    public Uni<Response> stats(@PathParam("id") String itemId) {
        Params.id("id", itemId);
        ItemProfile p = recommender.profile(itemId);
        Item item = catalog.get(itemId);
        if (p == null && item == null) {
            return Uni.createFrom().item(Problems.of(404, "Unknown item", "item '" + itemId + "' is neither in the catalog nor in any event"));
        }
        return Uni.createFrom().item(Response.ok(toStats(itemId, item, p)).build());
    }

    Stats toStats(String itemId, Item item, ItemProfile p) {
        FeatureSettings f = config.features();
        Map<String, Double> trending = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> w : FeatureSettings.TRENDING_WINDOWS.entrySet()) {
            Duration baseline = f.trendingBaselines().get(w.getKey());
            trending.put(w.getKey(), p == null ? 1.0 : ItemFormulas.trending(Decay.value(p.getDecayed(), w.getValue()),
                    Decay.value(p.getDecayed(), baseline), w.getValue(), baseline, f.trendingPrior()));
        }
        return new Stats(itemId, item == null ? null : item.getTitle(), item == null ? null : item.getCategory(),
                item == null ? null : item.getPrice(),
                p == null ? 0 : p.getViews(), p == null ? 0 : p.getClicks(), p == null ? 0 : p.getCarts(),
                p == null ? 0 : p.getPurchases(), p == null ? 0 : p.getEvents(), p == null ? 0 : p.getUniqueUsers(),
                p == null ? ItemFormulas.ctr(null, f) : p.getCtr(), p == null ? ItemFormulas.conversion(null, f) : p.getConversion(),
                p == null ? 0.0 : p.getPopularity(), trending,
                p == null ? null : p.getFirstEvent(), p == null ? null : p.getAsOf(), p == null ? null : Params.iso(p.getAsOf()));
    }

    @GET
    @Path("items/{id}/similar")
    @Operation(summary = "Items often seen or bought with this one; popular items (reason 'popular') fill up the list")
    public Uni<Response> similar(@PathParam("id") String itemId, @QueryParam("count") String countText) {
        Params.id("id", itemId);
        int count = Params.count("count", countText, DEFAULT_COUNT, config.features().rankingSize());
        List<ItemResult> items = similarTo(itemId, recommender.profile(itemId), count);
        return Uni.createFrom().item(Response.ok(new Similar(itemId, items.size(), items)).build());
    }

    /**
     * Undirected co-occurrence from the item's profile: its forward and backward neighbors merged (each pair was counted
     * once in the later item's backward and once in the earlier item's forward summary), cosine-normalised by the
     * items' all-time weighted events.
     */
    private List<ItemResult> similarTo(String itemId, ItemProfile p, int count) {
        Map<String, Double> cooc = new LinkedHashMap<>();
        if (p != null) {
            p.getForward().forEach(w -> cooc.merge(w.getKey(), w.getWeight(), Double::sum));
            p.getBackward().forEach(w -> cooc.merge(w.getKey(), w.getWeight(), Double::sum));
        }
        List<ItemResult> scored = new ArrayList<>();
        double popA = p == null ? 0.0 : p.getWeightedEvents();
        for (Map.Entry<String, Double> c : cooc.entrySet()) {
            if (c.getKey().equals(itemId)) {
                continue;
            }
            ItemProfile b = recommender.profile(c.getKey());
            double score = ItemFormulas.similarity(c.getValue(), popA, b == null ? 0.0 : b.getWeightedEvents());
            scored.add(result(c.getKey(), score, REASON_SIMILAR));
        }
        scored.sort(Comparator.comparingDouble(ItemResult::score).reversed().thenComparing(ItemResult::itemId));
        int keep = Math.min(count, config.features().neighborTopN());
        List<ItemResult> out = new ArrayList<>(scored.subList(0, Math.min(keep, scored.size())));
        return out.size() >= count ? out : withPopular(itemId, out, count);
    }

    /** Fills {@code items} up to {@code count} with popular items other than {@code itemId} and those already there. */
    private List<ItemResult> withPopular(String itemId, List<ItemResult> items, int count) {
        Set<String> taken = new HashSet<>();
        taken.add(itemId);
        items.forEach(i -> taken.add(i.itemId()));
        for (ItemIndex.Ranked r : recommender.index().popular()) {
            if (items.size() >= count) {
                break;
            }
            if (taken.add(r.itemId())) {
                items.add(result(r.itemId(), r.score(), REASON_POPULAR));
            }
        }
        return items;
    }

    @GET
    @Path("items/popular")
    @Operation(summary = "Items by decayed popularity, overall or in one catalog category")
    public Uni<Response> popular(@QueryParam("category") String category, @QueryParam("count") String countText) {
        int count = Params.count("count", countText, DEFAULT_COUNT, config.features().rankingSize());
        if (category != null) {
            Params.id("category", category);
        }
        ItemIndex.Snapshot index = recommender.index();
        List<ItemIndex.Ranked> list = category == null ? index.popular() : index.popularIn(category);
        return Uni.createFrom().item(Response.ok(toList(category, null, index.asOf(), list, count, REASON_POPULAR)).build());
    }

    @GET
    @Path("items/trending")
    @Operation(summary = "Items whose recent activity rises most over their own baseline (window 1h, 24h or 7d)")
    public Uni<Response> trending(@QueryParam("window") String windowText, @QueryParam("count") String countText) {
        int count = Params.count("count", countText, DEFAULT_COUNT, config.features().rankingSize());
        String window = windowText == null || windowText.isBlank() ? DEFAULT_WINDOW : windowText.strip();
        if (!FeatureSettings.TRENDING_WINDOWS.containsKey(window)) {
            throw new Params.BadParameter("window", "must be one of " + String.join(", ", FeatureSettings.TRENDING_WINDOWS.keySet())
                    + ", got '" + windowText + "'");
        }
        ItemIndex.Snapshot index = recommender.index();
        return Uni.createFrom().item(Response.ok(toList(null, window, index.asOf(), index.trendingOver(window), count, "trending")).build());
    }

    private ItemList toList(String category, String window, long asOf, List<ItemIndex.Ranked> list, int count, String reason) {
        List<ItemResult> items = list.stream().limit(count).map(i -> result(i.itemId(), i.score(), reason)).toList();
        return new ItemList(category, window, asOf, asOf == 0 ? null : Params.iso(asOf), items.size(), items);
    }

    private ItemResult result(String itemId, double score, String reason) {
        Item item = catalog.get(itemId);
        return new ItemResult(itemId, item == null ? null : item.getTitle(), item == null ? null : item.getCategory(),
                item == null ? null : item.getPrice(), score, reason);
    }

}
