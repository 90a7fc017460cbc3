package io.streamrec.recommend;

import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.WeightedKey;
import io.streamrec.processor.Decay;
import io.streamrec.processor.FeatureSettings;
import io.streamrec.processor.ItemFormulas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The ranker's feature vector of a candidate: the one code path that both the training examples (topology) and
 * serving (gateway) use. {@link #NAMES} is the model's feature schema, in column order; {@link #VERSION} its
 * fingerprint, computed as the ranker's {@code FeatureSchema.version()} does. Missing values are NaN.
 */
public final class Features {
    private static final double DAY_MS = 86_400_000.0;

    public static final List<String> NAMES = List.of(
            // user
            "u_history_len", "u_events", "u_purchases", "u_orders", "u_aov", "u_engagement", "u_active_days", "u_items_known",
            // item
            "i_weighted_events", "i_popularity", "i_events", "i_purchases", "i_unique_users", "i_repeat_rate", "i_ctr",
            "i_conversion", "i_trending", "i_price", "i_age_days", "i_idle_days",
            // candidate evidence
            "c_retrieval", "c_nb_score", "c_nb_fwd", "c_nb_bwd", "c_nb_rel", "c_nb_rank", "c_sim_1", "c_sim_2", "c_sim_3",
            "c_sim_max", "c_links", "c_fwd_raw_1",
            "c_fwd_rate_1", "c_fwd_rate_2", "c_fwd_rate_3", "c_bwd_rate_1", "c_bwd_rate_2", "c_bwd_rate_3",
            "c_fwd_rank_1", "c_bwd_rank_1", "c_fwd_links", "c_nb_long",
            // user-item
            "ui_events", "ui_purchases", "ui_days_since", "ui_last_pos", "ui_cat_affinity", "ui_price_ratio", "ui_in_session",
            "ui_same_cat_last", "ui_days_since_first", "ui_interval_days", "ui_due", "ui_order_share", "ui_event_share",
            // sources
            "s_popular_rank", "s_trending_rank", "s_category");
    public static final int SIZE = NAMES.size();
    public static final String VERSION = fingerprint(NAMES);

    private Features() {
    }

    /** Per-request values every candidate's vector shares. */
    record UserPart(float historyLen, float events, float purchases, float orders, float aov, float engagement,
                    float activeDays, float itemsKnown, double affinityTotal, String lastCategory) {
    }

    static UserPart user(UserContext ctx, int historyLen, int itemsKnown, String lastCategory, FeatureSettings f) {
        UserFeatures u = ctx.features();
        if (u == null) {
            return new UserPart(historyLen, 0, 0, 0, Float.NaN, 0, 0, itemsKnown, 0, lastCategory);
        }
        long events = 0;
        for (long c : u.getEventCounts().values()) {
            events += c;
        }
        long purchases = u.getEventCounts().getOrDefault("purchase", 0L);
        double engagement = Decay.at(u.getEngagement(), u.getLastSeen(), ctx.now(), f.featureHalfLife());
        double affinityTotal = 0;
        for (WeightedKey k : u.getCategoryAffinity()) {
            affinityTotal += k.getWeight();
        }
        return new UserPart(historyLen, events, purchases, u.getOrders(),
                u.getOrders() == 0 ? Float.NaN : (float) (u.getTotalSpend() / u.getOrders()), (float) engagement,
                (float) ((u.getLastSeen() - u.getFirstSeen()) / DAY_MS), itemsKnown, affinityTotal, lastCategory);
    }

    /** The vector of one candidate, in {@link #NAMES} order. */
    static float[] vector(Candidate c, Item item, UserPart u, UserContext ctx, double maxNeighborScore, int neighborRank,
                          FeatureSettings f) {
        float[] v = new float[SIZE];
        int i = 0;
        v[i++] = u.historyLen();
        v[i++] = u.events();
        v[i++] = u.purchases();
        v[i++] = u.orders();
        v[i++] = u.aov();
        v[i++] = u.engagement();
        v[i++] = u.activeDays();
        v[i++] = u.itemsKnown();

        ItemProfile p = c.profile;
        long now = ctx.now();
        if (p == null) {
            for (int k = 0; k < 12; k++) {
                v[i++] = k == 9 ? price(item) : Float.NaN;
            }
        } else {
            v[i++] = (float) Math.log1p(p.getWeightedEvents());
            v[i++] = (float) Math.log1p(Decay.at(p.getPopularity(), p.getAsOf(), now, f.popularityHalfLife()));
            v[i++] = p.getEvents();
            v[i++] = p.getPurchases();
            v[i++] = p.getUniqueUsers();
            v[i++] = (float) (p.getEvents() / (double) Math.max(1, p.getUniqueUsers()));
            v[i++] = (float) p.getCtr();
            v[i++] = (float) p.getConversion();
            Duration baseline = f.trendingBaselines().get("24h");
            v[i++] = (float) ItemFormulas.trending(Decay.at(p.getTrendRecent(), p.getAsOf(), now, ItemIndex.TREND_WINDOW),
                    Decay.at(p.getTrendBaseline(), p.getAsOf(), now, baseline), ItemIndex.TREND_WINDOW, baseline, f.trendingPrior());
            v[i++] = price(item);
            v[i++] = (float) ((now - p.getFirstEvent()) / DAY_MS);
            v[i++] = (float) ((now - p.getAsOf()) / DAY_MS);
        }

        v[i++] = (float) c.retrievalScore;
        v[i++] = (float) c.neighborScore;
        v[i++] = (float) c.forwardScore;
        v[i++] = (float) c.backwardScore;
        v[i++] = maxNeighborScore > 0 ? (float) (c.neighborScore / maxNeighborScore) : 0f;
        v[i++] = neighborRank < 0 ? Float.NaN : neighborRank;
        v[i++] = (float) c.simAt[0];
        v[i++] = (float) c.simAt[1];
        v[i++] = (float) c.simAt[2];
        v[i++] = (float) c.simMax;
        v[i++] = c.links;
        v[i++] = (float) c.forwardRawFromLast;
        for (double r : c.forwardRateAt) {
            v[i++] = (float) r;
        }
        for (double r : c.backwardRateAt) {
            v[i++] = (float) r;
        }
        v[i++] = c.forwardRankLast < 0 ? Float.NaN : c.forwardRankLast;
        v[i++] = c.backwardRankLast < 0 ? Float.NaN : c.backwardRankLast;
        v[i++] = c.forwardLinks;
        v[i++] = (float) c.neighborScoreLong;

        v[i++] = c.ownEvents;
        v[i++] = c.ownPurchases;
        v[i++] = c.ownLast == Long.MIN_VALUE ? Float.NaN : (float) ((now - c.ownLast) / DAY_MS);
        v[i++] = c.ownPosition < 0 ? Float.NaN : c.ownPosition;
        String category = item == null ? null : item.getCategory();
        v[i++] = (float) affinityShare(ctx.features(), category, u.affinityTotal());
        float price = price(item);
        v[i++] = Float.isNaN(price) || Float.isNaN(u.aov()) || u.aov() <= 0 ? Float.NaN : price / u.aov();
        v[i++] = c.inSession ? 1f : 0f;
        v[i++] = category == null || u.lastCategory() == null ? Float.NaN : (category.equals(u.lastCategory()) ? 1f : 0f);
        // repurchase: how long the user has known the item, their typical interval between events of it, how far into
        // that interval they are now, and the share of their orders (events) that had it
        double sinceFirst = c.ownFirst == Long.MAX_VALUE ? Double.NaN : (now - c.ownFirst) / DAY_MS;
        double interval = c.ownEvents >= 2 && c.ownFirst != Long.MAX_VALUE && c.ownLast != Long.MIN_VALUE
                ? (c.ownLast - c.ownFirst) / DAY_MS / (c.ownEvents - 1) : Double.NaN;
        double since = c.ownLast == Long.MIN_VALUE ? Double.NaN : (now - c.ownLast) / DAY_MS;
        v[i++] = (float) sinceFirst;
        v[i++] = (float) interval;
        v[i++] = Double.isNaN(interval) || Double.isNaN(since) ? Float.NaN : (float) (since / Math.max(interval, 1.0 / 24));
        v[i++] = u.orders() > 0 && c.ownPurchases > 0 ? Math.min(1f, c.ownPurchases / u.orders()) : (c.ownEvents > 0 ? 0f : Float.NaN);
        v[i++] = u.events() > 0 && c.ownEvents > 0 ? c.ownEvents / u.events() : (c.ownEvents > 0 ? 0f : Float.NaN);

        v[i++] = c.popularRank < 0 ? Float.NaN : c.popularRank;
        v[i++] = c.trendingRank < 0 ? Float.NaN : c.trendingRank;
        v[i++] = c.fromCategory ? 1f : 0f;
        if (i != SIZE) {
            throw new IllegalStateException("feature vector has " + i + " values, the schema " + SIZE);
        }
        return v;
    }

    static double affinityShare(UserFeatures u, String category, double total) {
        if (u == null || category == null || total <= 0) {
            return 0;
        }
        for (WeightedKey k : u.getCategoryAffinity()) {
            if (k.getKey().equals(category)) {
                return k.getWeight() / total;
            }
        }
        return 0;
    }

    private static float price(Item item) {
        return item == null || item.getPrice() == null ? Float.NaN : item.getPrice().floatValue();
    }

    /** First 16 hex digits of the SHA-256 of the names joined by newlines (the ranker's FeatureSchema.version()). */
    static String fingerprint(List<String> names) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\n", names).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
