package io.streamrec.schemas;

/** Names of every topic streamrec reads or writes. */
public final class Topics {
    /** The clickstream, keyed by userId (sessionId when anonymous). */
    public static final String EVENTS = "streamrec.events";
    /** Compacted catalog keyed by itemId. */
    public static final String ITEMS = "streamrec.items";
    /** Compacted user attributes keyed by userId. */
    public static final String USERS = "streamrec.users";
    /** What could not be read or validated: raw bytes plus error headers. */
    public static final String EVENTS_DLQ = "streamrec.events.dlq";
    /**
     * Compacted, keyed by itemId: each item's statistics and directed neighbors, published by the item's partition
     * and read back as a global store, so any instance builds candidates and features without asking another.
     */
    public static final String ITEM_PROFILES = "streamrec.item-profiles";
    /**
     * Internal to streamrec, from the user side to the item side: per user-side task and combine interval, one record
     * per partition with the combined updates of the items of that partition. As many partitions as {@link #EVENTS}.
     */
    public static final String ITEM_UPDATES = "streamrec.item-updates";
    /**
     * Compacted, keyed by the SHA-256 of an erased user's key: the audit record of every erasure (time, requester; no
     * personal data), written by the user side once the user's state is deleted; {@code train} skips those users.
     */
    public static final String ERASURES = "streamrec.erasures";
    /** Point-in-time-correct training rows for the ranker. */
    public static final String TRAINING_EXAMPLES = "streamrec.training-examples";

    /**
     * Header of a command record on {@link #EVENTS} (not an event): value {@link #HEADER_COMMAND_ERASE} means the record's
     * value is an {@code Erasure} for the user of the record's key.
     */
    public static final String HEADER_COMMAND = "streamrec.command";
    public static final String HEADER_COMMAND_ERASE = "erase";

    /** Header names on DLQ records. */
    public static final String HEADER_ERROR_REASON = "streamrec.error.reason";
    public static final String HEADER_ERROR_FIELD = "streamrec.error.field";
    public static final String HEADER_ERROR_STAGE = "streamrec.error.stage";
    public static final String HEADER_SOURCE_TOPIC = "streamrec.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "streamrec.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "streamrec.source.offset";

    private Topics() {
    }
}
