package io.streamrec.processor;

/** Names of the state stores the topology keeps; the gateway queries them by these names. */
public final class StoreNames {
    /** eventId -> event time, segmented by time so entries older than the horizon fall away. */
    public static final String DEDUPE = "dedupe-store";
    /** userId (or sessionId) -> UserHistory, newest first, bounded. */
    public static final String HISTORY = "history-store";

    private StoreNames() {
    }
}
