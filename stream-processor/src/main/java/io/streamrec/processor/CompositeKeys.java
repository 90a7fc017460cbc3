package io.streamrec.processor;

/**
 * Keys made of two parts, {@code <first> U+001F <second>}, so that all keys sharing a first part are one prefix scan.
 * Used by the item neighbors store (item, neighbor) and the item rankings store (list, item).
 */
public final class CompositeKeys {
    static final char SEPARATOR = '\u001F';

    private CompositeKeys() {
    }

    /** The prefix of every key whose first part is {@code first}. */
    public static String prefix(String first) {
        return first + SEPARATOR;
    }

    public static String key(String first, String second) {
        return prefix(first) + second;
    }

    /** The first part of a key. */
    public static String first(String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }
}
