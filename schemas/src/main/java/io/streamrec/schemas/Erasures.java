package io.streamrec.schemas;

import io.streamrec.avro.Erasure;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Erasing a user (GDPR article 17): the command is a record on {@link Topics#EVENTS} keyed by the user's key, so it
 * reaches the partition and task that hold the user's state, after every event of the user accepted before it (one
 * partition, one order); the user side deletes the state (a tombstone in the changelog) and writes the audit record,
 * keyed by the key's SHA-256, to {@link Topics#ERASURES} in the same transaction.
 */
public final class Erasures {
    private Erasures() {
    }

    /** Lower-case hex SHA-256 of a user's key (UTF-8): how erasures name users without holding their ids. */
    public static String hash(String userKey) {
        return Digests.sha256Hex(userKey);
    }

    /** A new erasure command for a user's key. */
    public static Erasure command(String userKey, long requestedAt, String requester) {
        return new Erasure(UUID.randomUUID().toString(), hash(userKey), requestedAt, requester, null);
    }

    /** True when a record's headers mark it as an erasure command. */
    public static boolean isCommand(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(Topics.HEADER_COMMAND);
        return h != null && h.value() != null && Topics.HEADER_COMMAND_ERASE.equals(new String(h.value(), StandardCharsets.UTF_8));
    }
}
