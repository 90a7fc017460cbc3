package io.streamrec.processor;

import io.streamrec.avro.SeenEvent;
import io.streamrec.avro.UserState;

import java.nio.ByteBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Deduplication by eventId within a horizon of event time (either side), kept in the user's own state: events are
 * keyed by user, so a resent event reaches the same state as its first copy. Each user keeps the 64-bit hashes of its
 * recent eventIds (oldest first), none older than the horizon before the newest, at most {@value #MAX_SEEN}: a resend
 * after more than that many newer events of the same user within the horizon counts again. A hash collision (about
 * 1 in 10^16 for two ids of one user) would drop an event.
 *
 * <p>Packed ({@code UserState.seenPacked}): {@value #ENTRY_BYTES} bytes an entry, the hash then the event time. A check
 * scans primitives and an addition is one array copy; as a list of records (v1 of the schema, 256 objects a hot user)
 * the check and the copy were a third of the user side's processing and their varints much of its encoding.
 */
final class Dedupe {
    /** EventIds remembered per user at most. */
    static final int MAX_SEEN = 256;
    /** Bytes per packed entry: the eventId's hash and its event time. */
    static final int ENTRY_BYTES = 16;
    static final ByteBuffer EMPTY = ByteBuffer.wrap(new byte[0]).asReadOnlyBuffer();

    private Dedupe() {
    }

    /** A state's entries, packed: from {@code seenPacked}, or from the v1 list {@code seen} of a state written before it. */
    static ByteBuffer of(UserState state) {
        if (state == null) {
            return EMPTY;
        }
        ByteBuffer packed = state.getSeenPacked();
        List<SeenEvent> old = state.getSeen();
        if (old == null || old.isEmpty()) {
            return packed == null ? EMPTY : packed;
        }
        ByteBuffer out = ByteBuffer.allocate(old.size() * ENTRY_BYTES);
        for (SeenEvent e : old) {
            out.putLong(e.getId()).putLong(e.getTimestamp());
        }
        return out.flip();
    }

    /** Entries in a packed buffer. */
    static int size(ByteBuffer packed) {
        return packed.remaining() / ENTRY_BYTES;
    }

    /** True when {@code id} at {@code t} was already seen within the horizon. */
    static boolean seen(ByteBuffer packed, long id, long t, long horizonMs) {
        int base = packed.position();
        for (int i = size(packed) - 1; i >= 0; i--) {
            int at = base + i * ENTRY_BYTES;
            if (packed.getLong(at) == id && Math.abs(packed.getLong(at + 8) - t) <= horizonMs) {
                return true;
            }
        }
        return false;
    }

    /** A new buffer: {@code packed} with the event added, pruned to the horizon and the cap (oldest first out). */
    static ByteBuffer add(ByteBuffer packed, long id, long t, long horizonMs) {
        int base = packed.position();
        int n = size(packed);
        long newest = t;
        for (int i = 0; i < n; i++) {
            newest = Math.max(newest, packed.getLong(base + i * ENTRY_BYTES + 8));
        }
        long cutoff = newest - horizonMs;
        int skip = Math.max(0, n + 1 - MAX_SEEN);
        ByteBuffer out = ByteBuffer.allocate((Math.min(n + 1, MAX_SEEN)) * ENTRY_BYTES);
        for (int i = skip; i < n; i++) {
            int at = base + i * ENTRY_BYTES;
            long ts = packed.getLong(at + 8);
            if (ts >= cutoff) {
                out.putLong(packed.getLong(at)).putLong(ts);
            }
        }
        if (t >= cutoff) {
            out.putLong(id).putLong(t);
        }
        return out.flip();
    }

    /** A 64-bit hash of an eventId (FNV-1a, then SplitMix64's finaliser). */
    static long hash(String eventId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }
}
