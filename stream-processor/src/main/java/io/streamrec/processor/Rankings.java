package io.streamrec.processor;

/**
 * Names of the popular and trending lists in the item rankings store. Each item partition keeps its own exact top
 * entries per list under the key {@code <list> U+001F <itemId>}; a reader merges the lists of all partitions.
 */
public final class Rankings {
    /** All items by decayed popularity. */
    public static final String POPULAR = "popular";
    private static final String POPULAR_IN = "popular:";
    private static final String TRENDING = "trending:";

    private Rankings() {
    }

    /** The per-category popular list. */
    public static String popularIn(String category) {
        return POPULAR_IN + category;
    }

    /** The trending list of a window (1h, 24h, 7d). */
    public static String trending(String window) {
        return TRENDING + window;
    }

    public static boolean isTrending(String list) {
        return list.startsWith(TRENDING);
    }

    public static boolean isCategoryList(String list) {
        return list.startsWith(POPULAR_IN);
    }

    /** The prefix of every store key of a list. */
    public static String prefix(String list) {
        return CompositeKeys.prefix(list);
    }

    static String key(String list, String itemId) {
        return CompositeKeys.key(list, itemId);
    }

    /** The list a store key belongs to. */
    static String listOf(String key) {
        return CompositeKeys.first(key);
    }
}
