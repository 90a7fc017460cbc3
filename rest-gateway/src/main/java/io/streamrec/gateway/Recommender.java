package io.streamrec.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.UserItem;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.StoreNames;
import io.streamrec.recommend.CachedStore;
import io.streamrec.recommend.Candidate;
import io.streamrec.recommend.CandidateGenerator;
import io.streamrec.recommend.CandidateSet;
import io.streamrec.recommend.ItemIndex;
import io.streamrec.recommend.ItemProfiles;
import io.streamrec.recommend.UserContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Computes recommendations from a user's state and the global item side: candidates and features with the same code
 * the training examples use ({@link CandidateGenerator}), scores from the active model (all candidates in one scorer
 * call) or, without one, the retrieval score; filters; back-fill from trending, then popular.
 */
@ApplicationScoped
public class Recommender {
    private static final Logger LOG = Logger.getLogger(Recommender.class);
    public static final String RETRIEVAL = "retrieval";

    @Inject
    KafkaStreams streams;

    @Inject
    ProcessorConfig config;

    @Inject
    ModelService models;

    @Inject
    MeterRegistry meters;

    private volatile Parts parts;

    private record Parts(CandidateGenerator generator, ItemIndex index, ReadOnlyKeyValueStore<String, Item> catalog) {
    }

    /** Request filters; null fields do not filter. */
    public record Filters(String category, boolean excludePurchased, boolean excludeSeen, Double minPrice, Double maxPrice) {
        static final Filters NONE = new Filters(null, false, false, null, null);
    }

    /** One answered item. {@code similarTo}: the user's item it is similar to, for reason similar-to. */
    public record Scored(String itemId, double score, String reason, String similarTo, boolean backfill) {
    }

    /** @param ranker "model:&lt;version&gt;", "sagemaker:&lt;endpoint&gt;" or "retrieval" */
    public record Result(String ranker, String modelVersion, long asOf, int candidates, List<Scored> items) {
    }

    private Parts parts() {
        Parts p = parts;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (parts == null) {
                try {
                    ReadOnlyKeyValueStore<String, ItemProfile> store = streams.store(StoreQueryParameters.fromNameAndType(
                            StoreNames.ITEM_PROFILES, QueryableStoreTypes.<String, ItemProfile>keyValueStore()));
                    ReadOnlyKeyValueStore<String, Item> catalog = streams.store(StoreQueryParameters.fromNameAndType(
                            StoreNames.ITEMS, QueryableStoreTypes.<String, Item>keyValueStore()));
                    ProcessorConfig c = config;
                    ItemProfiles profiles = new ItemProfiles(store, c.recommend().profileCacheTtl());
                    CachedStore<Item> items = new CachedStore<>(id -> item(catalog, id), c.recommend().profileCacheTtl());
                    ItemIndex index = new ItemIndex(items, c.features(), c.recommend().indexRefresh());
                    index.attach(store);
                    parts = new Parts(new CandidateGenerator(c.recommend(), c.features(), profiles, items), index, catalog);
                } catch (InvalidStateStoreException e) {
                    throw new StateQueries.NotReady("item profiles are not available yet: " + e.getMessage());
                }
            }
            return parts;
        }
    }

    private static Item item(ReadOnlyKeyValueStore<String, Item> catalog, String id) {
        try {
            return catalog.get(id);
        } catch (InvalidStateStoreException | org.apache.kafka.common.errors.SerializationException e) {
            return null;
        }
    }

    /** The popular and trending lists (rebuilt from the global profiles at most once per refresh interval). */
    public ItemIndex.Snapshot index() {
        return parts().index().snapshot();
    }

    /** An item's profile from the global store, read now (not through the cache); null when it has none. */
    public ItemProfile profile(String itemId) {
        try {
            return parts().generator().profiles().store().get(itemId);
        } catch (InvalidStateStoreException e) {
            throw new StateQueries.NotReady("item profiles are not available: " + e.getMessage());
        }
    }

    public Item catalogItem(String itemId) {
        return item(parts().catalog(), itemId);
    }

    public Result recommend(String userKey, UserStates.UserState state, List<HistoryEntry> session, Filters filters, int count) {
        Timer.Sample sample = Timer.start(meters);
        Parts p = parts();
        ItemIndex.Snapshot index = p.index().snapshot();
        UserContext ctx = context(userKey, state, session, index);
        Predicate<String> allowed = allowed(ctx, filters, p);
        CandidateSet set = p.generator().generate(ctx, index, allowed);
        List<Candidate> scoredCandidates = set.scoredCandidates();
        Ranked ranked = score(set);
        List<Scored> out = new ArrayList<>(count);
        Set<String> taken = new HashSet<>();
        for (int i : ranked.order()) {
            if (out.size() == count) {
                break;
            }
            Candidate c = scoredCandidates.get(i);
            String reason = c.reason();
            out.add(new Scored(c.itemId(), ranked.scores()[i], reason,
                    Candidate.REASON_SIMILAR.equals(reason) ? c.relatedItem() : null, false));
            taken.add(c.itemId());
        }
        backfill(out, taken, index.trending(), Candidate.REASON_TRENDING, allowed, count);
        backfill(out, taken, index.popular(), Candidate.REASON_POPULAR, allowed, count);
        sample.stop(meters.timer("streamrec.recommendations", "ranker", ranked.ranker().startsWith("model") ? "model"
                : ranked.ranker().startsWith("sagemaker") ? "sagemaker" : RETRIEVAL));
        return new Result(ranked.ranker(), ranked.modelVersion(), ctx.now(), set.ranked().size(), out);
    }

    /**
     * An answer ranked elsewhere (Amazon Personalize) put through streamrec's filters: items the request's filters
     * exclude are dropped (whatever filter the other service applied), the rest keep its order, and the list is
     * back-filled from trending, then popular, as streamrec's own answers are.
     */
    public Result external(String userKey, UserStates.UserState state, List<HistoryEntry> session, Filters filters,
                           int count, String ranker, List<Scored> ranked) {
        Parts p = parts();
        ItemIndex.Snapshot index = p.index().snapshot();
        UserContext ctx = context(userKey, state, session, index);
        Predicate<String> allowed = allowed(ctx, filters, p);
        List<Scored> out = new ArrayList<>(count);
        Set<String> taken = new HashSet<>();
        for (Scored s : ranked) {
            if (out.size() == count) {
                break;
            }
            if (taken.add(s.itemId()) && allowed.test(s.itemId())) {
                out.add(s);
            }
        }
        backfill(out, taken, index.trending(), Candidate.REASON_TRENDING, allowed, count);
        backfill(out, taken, index.popular(), Candidate.REASON_POPULAR, allowed, count);
        return new Result(ranker, null, ctx.now(), ranked.size(), out);
    }

    /** Re-ranks the given items for the user with the same features and model. */
    public Result rank(String userKey, UserStates.UserState state, List<String> itemIds) {
        Parts p = parts();
        ItemIndex.Snapshot index = p.index().snapshot();
        UserContext ctx = context(userKey, state, List.of(), index);
        CandidateSet set = p.generator().forItems(ctx, index, itemIds);
        Ranked ranked = score(set);
        List<Scored> out = new ArrayList<>(itemIds.size());
        for (int i : ranked.order()) {
            Candidate c = set.ranked().get(i);
            String reason = c.reason();
            out.add(new Scored(c.itemId(), ranked.scores()[i], reason,
                    Candidate.REASON_SIMILAR.equals(reason) ? c.relatedItem() : null, false));
        }
        return new Result(ranked.ranker(), ranked.modelVersion(), ctx.now(), set.ranked().size(), out);
    }

    private record Ranked(String ranker, String modelVersion, double[] scores, List<Integer> order) {
    }

    /** Scores every scored candidate in one call; the retrieval score when there is no model or it fails. */
    private Ranked score(CandidateSet set) {
        List<Candidate> candidates = set.scoredCandidates();
        double[] scores = new double[candidates.size()];
        String ranker = RETRIEVAL;
        String version = null;
        Optional<ModelService.Ranking> ranking = models.ranking();
        boolean scored = false;
        if (ranking.isPresent() && !candidates.isEmpty()) {
            try {
                float[] s = ranking.get().scorer().score(set.features());
                for (int i = 0; i < s.length; i++) {
                    scores[i] = s[i];
                }
                ranker = ranking.get().name();
                version = ranking.get().modelVersion();
                scored = true;
            } catch (RuntimeException e) {
                meters.counter("streamrec.ranker.fallbacks", "ranker", "retrieval", "reason", "error").increment();
                LOG.warnf("scoring failed, ranking by retrieval score: %s", e.getMessage());
            }
        }
        if (!scored) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = candidates.get(i).retrievalScore();
            }
        }
        List<Integer> order = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -scores[i])
                .thenComparingDouble(i -> -candidates.get(i).retrievalScore())
                .thenComparing(i -> candidates.get(i).itemId()));
        return new Ranked(ranker, version, scores, order);
    }

    private static UserContext context(String userKey, UserStates.UserState state, List<HistoryEntry> session,
                                       ItemIndex.Snapshot index) {
        long now = index.asOf();
        List<HistoryEntry> history = state.history() == null ? List.of() : state.history().getEntries();
        if (!history.isEmpty()) {
            now = Math.max(now, history.get(0).getTimestamp());
        }
        if (!session.isEmpty()) {
            now = Math.max(now, session.get(0).getTimestamp());
        }
        if (state.items() != null) {
            for (UserItem u : state.items().getItems()) {
                now = Math.max(now, u.getLast());
            }
        }
        return new UserContext(userKey, history, state.features(), state.items(), session, Long.MAX_VALUE, now);
    }

    private static Predicate<String> allowed(UserContext ctx, Filters f, Parts p) {
        Set<String> seen = new HashSet<>();
        Set<String> purchased = new HashSet<>();
        for (HistoryEntry e : ctx.mergedHistory()) {
            seen.add(e.getItemId());
            if ("purchase".equals(e.getEventType())) {
                purchased.add(e.getItemId());
            }
        }
        for (UserItem u : ctx.knownItems()) {
            seen.add(u.getItemId());
            if (u.getPurchases() > 0) {
                purchased.add(u.getItemId());
            }
        }
        boolean needsCatalog = f.category() != null || f.minPrice() != null || f.maxPrice() != null;
        return id -> {
            if (f.excludeSeen() && seen.contains(id)) {
                return false;
            }
            if (f.excludePurchased() && purchased.contains(id)) {
                return false;
            }
            if (!needsCatalog) {
                return true;
            }
            Item item = item(p.catalog(), id);
            if (f.category() != null && (item == null || !f.category().equals(item.getCategory()))) {
                return false;
            }
            if (f.minPrice() != null || f.maxPrice() != null) {
                Double price = item == null ? null : item.getPrice();
                if (price == null || (f.minPrice() != null && price < f.minPrice()) || (f.maxPrice() != null && price > f.maxPrice())) {
                    return false;
                }
            }
            return true;
        };
    }

    private static void backfill(List<Scored> out, Set<String> taken, List<ItemIndex.Ranked> list, String reason,
                                 Predicate<String> allowed, int count) {
        for (ItemIndex.Ranked r : list) {
            if (out.size() >= count) {
                return;
            }
            if (!taken.contains(r.itemId()) && allowed.test(r.itemId())) {
                out.add(new Scored(r.itemId(), r.score(), reason, null, true));
                taken.add(r.itemId());
            }
        }
    }
}
