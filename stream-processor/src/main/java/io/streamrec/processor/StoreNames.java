package io.streamrec.processor;

/** Names of the state stores the topology keeps; the gateway queries them by these names. */
public final class StoreNames {
    /** userId (or sessionId) -> UserState: history, features, long-term items and recently seen eventIds, one value per user (user side). */
    public static final String USER_STATE = "user-state-store";
    /** sequence -> ItemSignal: item events waiting for the next combine (user side; empty between drains). */
    public static final String ITEM_PENDING = "item-pending-store";
    /** itemId -> ItemState: statistics and directed co-occurrence counters (item side). */
    public static final String ITEM_STATE = "item-state-store";
    /** Global: itemId -> Item, the whole catalog on every instance (from streamrec.items, no changelog). */
    public static final String ITEMS = "items-store";
    /** Global: itemId -> ItemProfile, every item's statistics and neighbors on every instance: the item read model. */
    public static final String ITEM_PROFILES = "item-profiles-store";

    private StoreNames() {
    }
}
