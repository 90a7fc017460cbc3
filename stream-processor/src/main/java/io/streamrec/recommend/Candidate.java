package io.streamrec.recommend;

import io.streamrec.avro.ItemProfile;

/**
 * One candidate item and the evidence that brought it in, filled by {@link CandidateGenerator}. Mutable while the
 * set is built, read-only afterwards.
 */
public final class Candidate {
    public static final String REASON_PERSONALIZED = "personalized";
    public static final String REASON_SIMILAR = "similar-to";
    public static final String REASON_TRENDING = "trending";
    public static final String REASON_POPULAR = "popular";
    public static final String REASON_REPURCHASE = "repurchase";
    public static final String REASON_SESSION = "session";

    final String itemId;
    ItemProfile profile;
    /** Sum over recent items of recency weight x similarity. */
    double neighborScore;
    double forwardScore;
    double backwardScore;
    /** Similarity to the most recent item, the second and the third (0 when not a neighbor of it). */
    final double[] simAt = new double[3];
    double simMax;
    int links;
    /** Raw forward pair weight from the most recent item. */
    double forwardRawFromLast;
    /**
     * "Went on to" and "came from" weight from the most recent item, the second and the third, each divided by that
     * item's weighted events: how often users who had it went on to (came from) the candidate, a transition rate.
     */
    final double[] forwardRateAt = new double[3];
    final double[] backwardRateAt = new double[3];
    /** Position of the candidate in the most recent item's "went on to" / "came from" list (heaviest first), -1 if absent. */
    int forwardRankLast = -1;
    int backwardRankLast = -1;
    /** Recent items whose "went on to" list holds the candidate. */
    int forwardLinks;
    /** Neighbor score with a slow recency decay (0.85 per step) over the same recent items: longer-term taste. */
    double neighborScoreLong;
    String relatedItem;
    double relatedContribution;
    /** The user's own item: events, purchases, last time, distinct-history position. */
    long ownEvents;
    long ownPurchases;
    long ownLast = Long.MIN_VALUE;
    long ownFirst = Long.MAX_VALUE;
    int ownPosition = -1;
    boolean inSession;
    boolean fromCategory;
    double categoryPrior;
    int popularRank = -1;
    int trendingRank = -1;
    double retrievalScore;

    Candidate(String itemId) {
        this.itemId = itemId;
    }

    public String itemId() {
        return itemId;
    }

    public ItemProfile profile() {
        return profile;
    }

    /** The no-model ranking score: neighbor evidence, the user's own items, then small priors for list items. */
    public double retrievalScore() {
        return retrievalScore;
    }

    public double neighborScore() {
        return neighborScore;
    }

    public boolean isOwn() {
        return ownEvents > 0;
    }

    public boolean inSession() {
        return inSession;
    }

    /** The recent item that contributed most to the neighbor score, null when none did. */
    public String relatedItem() {
        return relatedItem;
    }

    /** Why the item is in the list, in the API's words. */
    public String reason() {
        if (inSession && ownEvents == 0) {
            return REASON_SESSION;
        }
        if (ownPurchases > 0) {
            return REASON_REPURCHASE;
        }
        if (inSession) {
            return REASON_SESSION;
        }
        if (neighborScore > 0 && relatedItem != null) {
            return REASON_SIMILAR;
        }
        if (ownEvents > 0 || fromCategory) {
            return REASON_PERSONALIZED;
        }
        if (trendingRank >= 0) {
            return REASON_TRENDING;
        }
        return REASON_POPULAR;
    }
}
