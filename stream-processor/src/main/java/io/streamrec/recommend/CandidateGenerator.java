package io.streamrec.recommend;

import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.UserItem;
import io.streamrec.avro.WeightedKey;
import io.streamrec.processor.FeatureSettings;
import io.streamrec.processor.RecommendSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Builds the candidate set of a user and each candidate's feature vector, from live state only: the user's history,
 * long-term items and features, and the global item profiles and lists. Used identically by the training-example
 * processor (state just before an event) and by the gateway (state now).
 *
 * <p>Sources:
 * <ul>
 *   <li>neighbors of the user's {@code historyItems} most recent distinct items, each weighted by
 *       {@code recencyDecay^position * w/(1+w)} (w: event-type weight). The similarity of a neighbor n of a recent item
 *       h is {@code (forwardWeight * went_on_to(h, n) + came_from(h, n)) / sqrt(pop(h) * pop(n))}, pop the items'
 *       all-time weighted event counts: direction matters (what people take next after h), and the normalisation keeps
 *       popular items from dominating;</li>
 *   <li>the user's own items (repurchase) and the items of the session;</li>
 *   <li>the most popular items of the user's top 3 categories (category affinity), trending and popular items.</li>
 * </ul>
 * The retrieval score (the ranking when no model is loaded) is the neighbor score, plus
 * {@code (bought ? 1 : 0.5) * (1 + ln(1 + events))} for the user's own items, plus tiny priors that order the list items.
 */
public final class CandidateGenerator {
    private static final double DAY_MS = 86_400_000.0;
    private static final int TOP_CATEGORIES = 3;
    /** Recency decay of the long-term neighbor score feature. */
    static final double LONG_DECAY = 0.85;

    private final RecommendSettings settings;
    private final FeatureSettings features;
    private final ItemProfiles profiles;
    private final Function<String, Item> catalog;

    public CandidateGenerator(RecommendSettings settings, FeatureSettings features, ItemProfiles profiles,
                              Function<String, Item> catalog) {
        this.settings = settings;
        this.features = features;
        this.profiles = profiles;
        this.catalog = catalog;
    }

    public ItemProfiles profiles() {
        return profiles;
    }

    /**
     * @param allowed which items may be returned (the request's filters); applied before the set is cut to
     *                max-candidates, after the relative features (neighbor rank) are computed over all candidates
     */
    public CandidateSet generate(UserContext ctx, ItemIndex.Snapshot index, Predicate<String> allowed) {
        Pool pool = pool(ctx, index);
        List<Candidate> ranked = new ArrayList<>(pool.all.size());
        for (Candidate c : pool.all.values()) {
            if (allowed.test(c.itemId)) {
                ranked.add(c);
            }
        }
        ranked.sort(CandidateGenerator::byRetrieval);
        return pool.finish(ranked, Math.min(settings.maxCandidates(), ranked.size()));
    }

    /**
     * The given items as candidates, in the given order, each with the evidence the user's state has for it (an item
     * that no source brought in has none): for re-ranking a list the caller chose.
     */
    public CandidateSet forItems(UserContext ctx, ItemIndex.Snapshot index, List<String> itemIds) {
        Pool pool = pool(ctx, index);
        List<Candidate> ranked = new ArrayList<>(itemIds.size());
        for (String id : itemIds) {
            Candidate c = pool.all.get(id);
            if (c == null) {
                c = new Candidate(id);
                pool.complete(c);
            }
            ranked.add(c);
        }
        return pool.finish(ranked, ranked.size());
    }

    /** Every candidate of the user with its evidence, and what the feature vectors share. */
    private Pool pool(UserContext ctx, ItemIndex.Snapshot index) {
        Map<String, Candidate> all = new HashMap<>();
        List<HistoryEntry> merged = ctx.mergedHistory();

        Map<String, Integer> position = new HashMap<>();
        for (HistoryEntry e : merged) {
            position.putIfAbsent(e.getItemId(), position.size());
        }
        Set<String> sessionItems = new HashSet<>();
        for (HistoryEntry e : ctx.session()) {
            if (e.getTimestamp() < ctx.before()) {
                sessionItems.add(e.getItemId());
            }
        }
        String lastCategory = null;
        if (!merged.isEmpty()) {
            Item last = catalog.apply(merged.get(0).getItemId());
            lastCategory = last == null ? null : last.getCategory();
        }

        neighbors(merged, all);
        List<UserItem> known = ctx.knownItems();
        own(merged, known, position, sessionItems, all);
        lists(ctx, index, all);

        Pool pool = new Pool(ctx, index, all, Features.user(ctx, merged.size(), known.size(), lastCategory, features));
        List<Candidate> byNeighbor = new ArrayList<>();
        for (Candidate c : all.values()) {
            pool.complete(c);
            if (c.neighborScore > 0) {
                byNeighbor.add(c);
                pool.maxNeighbor = Math.max(pool.maxNeighbor, c.neighborScore);
            }
        }
        byNeighbor.sort(CandidateGenerator::byNeighborScore);
        for (int i = 0; i < byNeighbor.size(); i++) {
            pool.neighborRank.put(byNeighbor.get(i).itemId, i);
        }
        return pool;
    }

    private final class Pool {
        final UserContext ctx;
        final ItemIndex.Snapshot index;
        final Map<String, Candidate> all;
        final Features.UserPart user;
        final Map<String, Integer> neighborRank = new HashMap<>();
        double maxNeighbor;

        Pool(UserContext ctx, ItemIndex.Snapshot index, Map<String, Candidate> all, Features.UserPart user) {
            this.ctx = ctx;
            this.index = index;
            this.all = all;
            this.user = user;
        }

        /** Profile, list ranks and retrieval score of a candidate whose evidence is collected. */
        void complete(Candidate c) {
            if (c.profile == null) {
                c.profile = profiles.get(c.itemId);
            }
            Integer pr = index.popularRank().get(c.itemId);
            c.popularRank = pr == null ? -1 : pr;
            Integer tr = index.trendingRank().get(c.itemId);
            c.trendingRank = tr == null ? -1 : tr;
            c.retrievalScore = retrieval(c, ctx.now());
        }

        CandidateSet finish(List<Candidate> ranked, int scored) {
            float[][] vectors = new float[scored][];
            for (int i = 0; i < scored; i++) {
                Candidate c = ranked.get(i);
                vectors[i] = Features.vector(c, catalog.apply(c.itemId), user, ctx, maxNeighbor,
                        neighborRank.getOrDefault(c.itemId, -1), features);
            }
            return new CandidateSet(ranked, scored, vectors);
        }
    }

    private void neighbors(List<HistoryEntry> merged, Map<String, Candidate> all) {
        Set<String> seen = new HashSet<>();
        int pos = 0;
        for (HistoryEntry e : merged) {
            if (pos >= settings.historyItems()) {
                break;
            }
            if (!seen.add(e.getItemId())) {
                continue;
            }
            double w = features.weight(e.getEventType());
            if (w <= 0) {
                continue;
            }
            double recency = Math.pow(settings.recencyDecay(), pos) * w / (1 + w);
            double recencyLong = Math.pow(LONG_DECAY, pos) * w / (1 + w);
            int p = pos++;
            ItemProfile h = profiles.get(e.getItemId());
            if (h == null) {
                continue;
            }
            double popH = Math.max(1.0, h.getWeightedEvents());
            Map<String, Double> sims = new HashMap<>();
            int rank = 0;
            for (WeightedKey n : h.getForward()) {
                Candidate c = neighbor(all, n.getKey(), e.getItemId());
                int r = rank++;
                if (c == null) {
                    continue;
                }
                double s = settings.forwardWeight() * n.getWeight() / norm(popH, c);
                c.forwardScore += recency * s;
                c.forwardLinks++;
                sims.merge(c.itemId, s, Double::sum);
                if (p < c.forwardRateAt.length) {
                    c.forwardRateAt[p] = n.getWeight() / popH;
                }
                if (p == 0) {
                    c.forwardRawFromLast = n.getWeight();
                    c.forwardRankLast = r;
                }
            }
            rank = 0;
            for (WeightedKey n : h.getBackward()) {
                Candidate c = neighbor(all, n.getKey(), e.getItemId());
                int r = rank++;
                if (c == null) {
                    continue;
                }
                double s = n.getWeight() / norm(popH, c);
                c.backwardScore += recency * s;
                sims.merge(c.itemId, s, Double::sum);
                if (p < c.backwardRateAt.length) {
                    c.backwardRateAt[p] = n.getWeight() / popH;
                }
                if (p == 0) {
                    c.backwardRankLast = r;
                }
            }
            for (Map.Entry<String, Double> s : sims.entrySet()) {
                Candidate c = all.get(s.getKey());
                double contribution = recency * s.getValue();
                c.neighborScore += contribution;
                c.neighborScoreLong += recencyLong * s.getValue();
                if (p < c.simAt.length) {
                    c.simAt[p] = s.getValue();
                }
                c.simMax = Math.max(c.simMax, s.getValue());
                c.links++;
                if (contribution > c.relatedContribution) {
                    c.relatedContribution = contribution;
                    c.relatedItem = e.getItemId();
                }
            }
        }
    }

    private Candidate neighbor(Map<String, Candidate> all, String itemId, String of) {
        if (itemId.equals(of)) {
            return null;
        }
        return all.computeIfAbsent(itemId, Candidate::new);
    }

    private double norm(double popH, Candidate c) {
        if (c.profile == null) {
            c.profile = profiles.get(c.itemId);
        }
        double popN = c.profile == null ? 1.0 : Math.max(1.0, c.profile.getWeightedEvents());
        return Math.sqrt(popH * popN);
    }

    private void own(List<HistoryEntry> merged, List<UserItem> known, Map<String, Integer> position, Set<String> sessionItems,
                     Map<String, Candidate> all) {
        Set<String> knownIds = new HashSet<>();
        for (UserItem u : known) {
            Candidate c = all.computeIfAbsent(u.getItemId(), Candidate::new);
            c.ownEvents = u.getEvents();
            c.ownPurchases = u.getPurchases();
            c.ownLast = u.getLast();
            c.ownFirst = u.getFirst();
            knownIds.add(u.getItemId());
        }
        for (HistoryEntry e : merged) {
            Candidate c = all.computeIfAbsent(e.getItemId(), Candidate::new);
            if (!knownIds.contains(e.getItemId())) {
                c.ownEvents++;
                if ("purchase".equals(e.getEventType())) {
                    c.ownPurchases++;
                }
                c.ownLast = Math.max(c.ownLast, e.getTimestamp());
                c.ownFirst = Math.min(c.ownFirst, e.getTimestamp());
            }
            c.ownPosition = position.get(e.getItemId());
            if (sessionItems.contains(e.getItemId())) {
                c.inSession = true;
            }
        }
    }

    private void lists(UserContext ctx, ItemIndex.Snapshot index, Map<String, Candidate> all) {
        if (ctx.features() != null && settings.categoryCandidates() > 0) {
            List<WeightedKey> affinity = ctx.features().getCategoryAffinity();
            double total = 0;
            for (WeightedKey k : affinity) {
                total += k.getWeight();
            }
            for (int i = 0; i < Math.min(TOP_CATEGORIES, affinity.size()) && total > 0; i++) {
                double share = affinity.get(i).getWeight() / total;
                List<ItemIndex.Ranked> top = index.popularIn(affinity.get(i).getKey());
                int n = Math.min(settings.categoryCandidates(), top.size());
                for (int r = 0; r < n; r++) {
                    Candidate c = all.computeIfAbsent(top.get(r).itemId(), Candidate::new);
                    c.fromCategory = true;
                    c.categoryPrior = Math.max(c.categoryPrior, share * (1.0 - r / (double) n));
                }
            }
        }
        for (int r = 0; r < Math.min(settings.trendingCandidates(), index.trending().size()); r++) {
            all.computeIfAbsent(index.trending().get(r).itemId(), Candidate::new);
        }
        for (int r = 0; r < Math.min(settings.popularCandidates(), index.popular().size()); r++) {
            all.computeIfAbsent(index.popular().get(r).itemId(), Candidate::new);
        }
    }

    /**
     * Best retrieval score first, ties by id. A plain method, not a chain of comparator combinators: a candidate set is
     * sorted twice per request and per training example, and the combinators' indirections made that a tenth of the
     * user side's time.
     */
    private static int byRetrieval(Candidate a, Candidate b) {
        int c = Double.compare(b.retrievalScore, a.retrievalScore);
        return c != 0 ? c : a.itemId.compareTo(b.itemId);
    }

    /** Best neighbor score first, ties by id. */
    private static int byNeighborScore(Candidate a, Candidate b) {
        int c = Double.compare(b.neighborScore, a.neighborScore);
        return c != 0 ? c : a.itemId.compareTo(b.itemId);
    }

    static double retrieval(Candidate c, long now) {
        double score = c.neighborScore;
        if (c.ownEvents > 0) {
            double recency = c.ownLast == Long.MIN_VALUE ? 0 : Math.pow(0.5, Math.max(0, now - c.ownLast) / (30 * DAY_MS));
            score += (c.ownPurchases > 0 ? 1.0 : 0.5) * (1 + Math.log1p(c.ownEvents)) + 1e-3 * recency;
        }
        score += 1e-2 * c.categoryPrior;
        if (c.trendingRank >= 0) {
            score += 1e-3 * (1.0 - c.trendingRank / (double) ItemIndex.TRENDING_KEPT);
        }
        if (c.popularRank >= 0) {
            score += 1e-4 * (1.0 - c.popularRank / (double) ItemIndex.TRENDING_KEPT);
        }
        return score;
    }
}
