package io.streamrec.gateway;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.gateway.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import io.streamrec.gateway.personalize.PersonalizeRecommendations;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Personalized recommendations and re-ranking. The user's state comes from the instance that owns the user's key
 * (locally, or in one internal hop); candidates, features and scores are computed here from the global item side.
 * An anonymous session is linked by passing its {@code sessionId}: its items count as the user's most recent ones.
 * With {@code streamrec.recommender=personalize} the items come from Amazon Personalize ({@link PersonalizeBackend}),
 * streamrec's own ranking answering whenever Personalize cannot.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.QUERY)
public class RecommendationsResource {
    static final int DEFAULT_COUNT = 10;
    static final int MAX_COUNT = 500;
    /** How many more items Personalize is asked for when streamrec's filters will drop some of its answer. */
    static final int FILTER_OVERFETCH = 3;
    static final String CONTEXT_PREFIX = "context.";
    private static final Pattern CONTEXT_NAME = Pattern.compile("[A-Za-z0-9_]{1,150}");
    private static final Logger LOG = Logger.getLogger(RecommendationsResource.class);

    @Inject
    UserStates states;

    @Inject
    Recommender recommender;

    @Inject
    PersonalizeBackend backend;

    /** An item of the answer with its catalog metadata (null when the catalog does not know it). */
    public record Item(String itemId, double score, String reason, String similarTo, boolean backfill, String title,
                       String category, Double price) {
    }

    public record Recommendations(String userId, String recommendationId, String ranker, String modelVersion, long asOf,
                                  int candidates, int count, List<Item> items) {
    }

    public record RankRequest(List<String> itemIds) {
    }

    @GET
    @Path("recommendations/{userId}")
    @Operation(summary = "Personalized recommendations: each item with score, reason (personalized, similar-to, trending, "
            + "popular, repurchase, session, personalize) and catalog metadata; filters back-filled from trending, then "
            + "popular. context.NAME=value parameters are passed to Amazon Personalize as context when it is the recommender")
    public Uni<Response> recommend(@PathParam("userId") String userId,
                                   @QueryParam("count") String countText,
                                   @QueryParam("category") String category,
                                   @QueryParam("excludePurchased") String excludePurchased,
                                   @QueryParam("excludeSeen") String excludeSeen,
                                   @QueryParam("minPrice") String minPriceText,
                                   @QueryParam("maxPrice") String maxPriceText,
                                   @QueryParam("sessionId") String sessionId,
                                   @Context UriInfo uri) {
        Params.id("userId", userId);
        int count = Params.count("count", countText, DEFAULT_COUNT, MAX_COUNT);
        Params.optionalId("category", category);
        Params.optionalId("sessionId", sessionId);
        Double minPrice = price("minPrice", minPriceText);
        Double maxPrice = price("maxPrice", maxPriceText);
        if (minPrice != null && maxPrice != null && minPrice > maxPrice) {
            throw new Params.BadParameter("maxPrice", "must not be below minPrice (" + minPrice + ")");
        }
        Recommender.Filters filters = new Recommender.Filters(category, bool("excludePurchased", excludePurchased),
                bool("excludeSeen", excludeSeen), minPrice, maxPrice);
        Map<String, String> context = context(uri == null ? null : uri.getQueryParameters());
        Uni<List<HistoryEntry>> session = sessionId == null || sessionId.equals(userId)
                ? Uni.createFrom().item(List.of())
                : states.get(sessionId).map(s -> s.history() == null ? List.of() : s.history().getEntries());
        return Uni.combine().all().unis(states.get(userId), session).asTuple()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(t -> {
                    Optional<PersonalizeRecommendations> personalize = backend.personalize();
                    if (personalize.isPresent()) {
                        return Response.ok(viaPersonalize(personalize.get(), userId, t.getItem1(), t.getItem2(), filters,
                                count, context)).build();
                    }
                    Recommender.Result r = recommender.recommend(userId, t.getItem1(), t.getItem2(), filters, count);
                    return Response.ok(toJson(userId, UUID.randomUUID().toString(), r)).build();
                });
    }

    @POST
    @Path("recommendations/{userId}/rank")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Re-rank the given item ids for the user with the same features and model")
    public Uni<Response> rank(@PathParam("userId") String userId, RankRequest body) {
        Params.id("userId", userId);
        if (body == null || body.itemIds() == null || body.itemIds().isEmpty()) {
            throw new Params.BadParameter("itemIds", "must be a non-empty array of item ids");
        }
        if (body.itemIds().size() > MAX_COUNT) {
            throw new Params.BadParameter("itemIds", "at most " + MAX_COUNT + " item ids, got " + body.itemIds().size());
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < body.itemIds().size(); i++) {
            unique.add(Params.id("itemIds[" + i + "]", body.itemIds().get(i)));
        }
        List<String> ids = new ArrayList<>(unique);
        return states.get(userId)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(s -> Response.ok(toJson(userId, null, recommender.rank(userId, s, ids))).build());
    }

    /**
     * Personalize's answer through streamrec's filters and back-fill, its recommendationId passed through; streamrec's
     * own answer when Personalize is unavailable, its {@code ranker} then saying
     * "&lt;own ranker&gt; (personalize fallback: &lt;reason&gt;)".
     */
    private Recommendations viaPersonalize(PersonalizeRecommendations personalize, String userId, UserStates.UserState state,
                                           List<HistoryEntry> session, Recommender.Filters filters, int count,
                                           Map<String, String> context) {
        boolean filtered = filters.category() != null || filters.minPrice() != null || filters.maxPrice() != null
                || filters.excludePurchased() || filters.excludeSeen();
        int numResults = Math.min(PersonalizeRecommendations.MAX_RESULTS, filtered ? count * FILTER_OVERFETCH : count);
        PersonalizeRecommendations.Query query = new PersonalizeRecommendations.Query(userId, numResults,
                PersonalizeRecommendations.filterValues(filters.category(), filters.minPrice(), filters.maxPrice()), context);
        try {
            PersonalizeRecommendations.Answer answer = personalize.recommend(query);
            List<Recommender.Scored> ranked = new ArrayList<>(answer.items().size());
            int n = answer.items().size();
            for (int i = 0; i < n; i++) {
                PersonalizeRecommendations.Recommended item = answer.items().get(i);
                // recommenders and some recipes give no score: the rank, as a descending score in (0, 1]
                double score = item.score() != null ? item.score() : (double) (n - i) / n;
                ranked.add(new Recommender.Scored(item.itemId(), score, PERSONALIZE_REASON, null, false));
            }
            Recommender.Result r = recommender.external(userId, state, session, filters, count, personalize.name(), ranked);
            backend.countAnswer();
            String id = answer.recommendationId() != null ? answer.recommendationId() : UUID.randomUUID().toString();
            return toJson(userId, id, r);
        } catch (PersonalizeRecommendations.Unavailable e) {
            backend.countFallback(e.reason());
            LOG.debugf("Personalize unavailable, streamrec's ranking answers: %s", e.getMessage());
            Recommender.Result own = recommender.recommend(userId, state, session, filters, count);
            Recommender.Result r = new Recommender.Result(own.ranker() + " (personalize fallback: " + e.reason() + ")",
                    own.modelVersion(), own.asOf(), own.candidates(), own.items());
            return toJson(userId, UUID.randomUUID().toString(), r);
        }
    }

    static final String PERSONALIZE_REASON = "personalize";

    /** The {@code context.NAME=value} query parameters (Personalize's limits: 150 entries, values up to 1,000 characters). */
    static Map<String, String> context(MultivaluedMap<String, String> query) {
        Map<String, String> context = new LinkedHashMap<>();
        if (query == null) {
            return context;
        }
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!e.getKey().startsWith(CONTEXT_PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(CONTEXT_PREFIX.length());
            if (!CONTEXT_NAME.matcher(name).matches()) {
                throw new Params.BadParameter(e.getKey(), "a context name is 1-150 letters, digits or '_'");
            }
            if (e.getValue().size() != 1 || e.getValue().get(0).isEmpty() || e.getValue().get(0).length() > 1000) {
                throw new Params.BadParameter(e.getKey(), "must be given once, 1-1000 characters");
            }
            context.put(name, e.getValue().get(0));
        }
        if (context.size() > PersonalizeRecommendations.MAX_CONTEXT_ENTRIES) {
            throw new Params.BadParameter("context", "at most " + PersonalizeRecommendations.MAX_CONTEXT_ENTRIES
                    + " context.NAME parameters, got " + context.size());
        }
        return context;
    }

    private Recommendations toJson(String userId, String recommendationId, Recommender.Result r) {
        List<Item> items = new ArrayList<>(r.items().size());
        for (Recommender.Scored s : r.items()) {
            io.streamrec.avro.Item meta = recommender.catalogItem(s.itemId());
            items.add(new Item(s.itemId(), s.score(), s.reason(), s.similarTo(), s.backfill(),
                    meta == null ? null : meta.getTitle(), meta == null ? null : meta.getCategory(),
                    meta == null ? null : meta.getPrice()));
        }
        return new Recommendations(userId, recommendationId, r.ranker(), r.modelVersion(), r.asOf(), r.candidates(),
                items.size(), items);
    }

    static boolean bool(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return false;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Params.BadParameter(name, "must be true or false, got '" + raw + "'");
        };
    }

    static Double price(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        double v;
        try {
            v = Double.parseDouble(raw.strip());
        } catch (NumberFormatException e) {
            throw new Params.BadParameter(name, "must be a number, got '" + raw + "'");
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new Params.BadParameter(name, "must be a finite number >= 0, got " + raw);
        }
        return v;
    }
}
