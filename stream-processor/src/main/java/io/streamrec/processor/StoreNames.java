package io.streamrec.processor;

/** Names of the state stores the topology keeps; the gateway queries them by these names. */
public final class StoreNames {
    /** eventId -> event time, segmented by time so entries older than the horizon fall away. */
    public static final String DEDUPE = "dedupe-store";
    /** userId (or sessionId) -> UserHistory, newest first, bounded. */
    public static final String HISTORY = "history-store";
    /** Global: itemId -> Item, the whole catalog on every instance (from streamrec.items, no changelog). */
    public static final String ITEMS = "items-store";
    /** userId (or sessionId) -> UserFeatures. */
    public static final String USER_FEATURES = "user-features-store";
    /** itemId -> ItemStats, on the item's partition of the item-events repartition topic. */
    public static final String ITEM_STATS = "item-stats-store";
    /** itemId U+001F neighborId -> NeighborCounter: an item's Space-Saving counters of co-occurrence weight, one prefix scan. */
    public static final String ITEM_NEIGHBORS = "item-neighbors-store";
    /** list U+001F itemId -> RankEntry: each item partition's popular and trending lists (see {@link Rankings}). */
    public static final String ITEM_RANKINGS = "item-rankings-store";

    /** item U+001F f|b U+001F neighbor -> NeighborCounter: directed co-occurrence counters (item partition). */
    public static final String ITEM_TRANSITIONS = "item-transitions-store";
    /** itemId -> event time: items whose profile changed since the last publication (item partition). */
    public static final String ITEM_PROFILES_DIRTY = "item-profiles-dirty-store";
    /** Global: itemId -> ItemProfile, every item's statistics and directed neighbors on every instance. */
    public static final String ITEM_PROFILES = "item-profiles-store";
    /** userId (or sessionId) -> UserItems: the user's long-term items, for repurchase candidates and features. */
    public static final String USER_ITEMS = "user-items-store";

    private StoreNames() {
    }
}
