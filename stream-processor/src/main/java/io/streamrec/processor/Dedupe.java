package io.streamrec.processor;

import io.streamrec.avro.SeenEvent;
import io.streamrec.avro.UserState;

import java.nio.ByteBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Deduplication by eventId within a horizon of event time (either side), kept in the user's own state: events are
 * keyed by user, so a resent event reaches the same state as its first copy. Each user keeps hashes of its recent
 * eventIds (in the order added), none older than the horizon before the newest, at most {@value #MAX_SEEN}: a resend
 * after more than that many newer events of the same user within the horizon counts again. The low 48 bits of a 64-bit
 * hash are kept: a collision between two of one user's at most 256 remembered ids drops an event with a chance of
 * about 1 in 10^12 per event.
 *
 * <p>Packed ({@code UserState.seenPacked}), format 2: a format byte ({@value #FORMAT}), the newest entry's event time
 * (8 bytes), then {@value #ENTRY_BYTES} bytes an entry: the hash (6 bytes) and the entry's age before that newest time
 * in milliseconds (4 bytes, unsigned: the horizon is at most {@link #MAX_HORIZON_MS}). 2,569 bytes for a user at the
 * cap, where format 1 (16 bytes an entry, the full hash and event time, no header; its length a multiple of 16, which
 * a format-2 buffer's never is) took 4,096 and the v1 list of records more: an active user's state is rewritten at
 * every commit, and its bytes are what the commit waits for. Entries of either older form are read once and moved.
 * A check scans primitives and an addition is one array copy.
 */
final class Dedupe {
    /** EventIds remembered per user at most. */
    static final int MAX_SEEN = 256;
    /** The format byte of a packed buffer (format 1 had none). */
    static final byte FORMAT = 2;
    /** Bytes of the header: the format byte and the newest entry's event time. */
    static final int HEADER_BYTES = 9;
    /** Bytes per packed entry: the hash (48 bits) and the age (32 bits). */
    static final int ENTRY_BYTES = 10;
    /** Bytes per entry of format 1. */
    static final int V1_ENTRY_BYTES = 16;
    /** The longest horizon the 32-bit ages can span. */
    static final long MAX_HORIZON_MS = 0xFFFF_FFFFL;
    private static final long HASH_MASK = (1L << 48) - 1;
    static final ByteBuffer EMPTY = ByteBuffer.wrap(new byte[0]).asReadOnlyBuffer();

    private Dedupe() {
    }

    /** A state's entries, packed: from {@code seenPacked}, or from the older forms of a state written before format 2. */
    static ByteBuffer of(UserState state) {
        if (state == null) {
            return EMPTY;
        }
        ByteBuffer packed = state.getSeenPacked();
        List<SeenEvent> old = state.getSeen();
        if (old != null && !old.isEmpty()) {
            long[] ids = new long[old.size()];
            long[] times = new long[old.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = old.get(i).getId();
                times[i] = old.get(i).getTimestamp();
            }
            return pack(ids, times, ids.length);
        }
        if (packed == null || !packed.hasRemaining()) {
            return EMPTY;
        }
        if (packed.remaining() % V1_ENTRY_BYTES == 0) {
            int n = packed.remaining() / V1_ENTRY_BYTES;
            long[] ids = new long[n];
            long[] times = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = packed.getLong(packed.position() + i * V1_ENTRY_BYTES);
                times[i] = packed.getLong(packed.position() + i * V1_ENTRY_BYTES + 8);
            }
            return pack(ids, times, n);
        }
        return packed;
    }

    /** Entries in a packed buffer. */
    static int size(ByteBuffer packed) {
        return packed.remaining() < HEADER_BYTES ? 0 : (packed.remaining() - HEADER_BYTES) / ENTRY_BYTES;
    }

    private static long hashAt(ByteBuffer packed, int i) {
        int at = packed.position() + HEADER_BYTES + i * ENTRY_BYTES;
        return ((packed.getShort(at) & 0xFFFFL) << 32) | (packed.getInt(at + 2) & 0xFFFF_FFFFL);
    }

    private static long timeAt(ByteBuffer packed, long newest, int i) {
        int at = packed.position() + HEADER_BYTES + i * ENTRY_BYTES;
        return newest - (packed.getInt(at + 6) & 0xFFFF_FFFFL);
    }

    private static long newest(ByteBuffer packed) {
        return packed.getLong(packed.position() + 1);
    }

    /** True when {@code id} at {@code t} was already seen within the horizon. */
    static boolean seen(ByteBuffer packed, long id, long t, long horizonMs) {
        int n = size(packed);
        if (n == 0) {
            return false;
        }
        long h = id & HASH_MASK;
        long newest = newest(packed);
        for (int i = n - 1; i >= 0; i--) {
            if (hashAt(packed, i) == h && Math.abs(timeAt(packed, newest, i) - t) <= horizonMs) {
                return true;
            }
        }
        return false;
    }

    /** A new buffer: {@code packed} with the event added, pruned to the horizon and the cap (first added first out). */
    static ByteBuffer add(ByteBuffer packed, long id, long t, long horizonMs) {
        int n = size(packed);
        long[] ids = new long[n + 1];
        long[] times = new long[n + 1];
        long newest = n == 0 ? 0 : newest(packed);
        for (int i = 0; i < n; i++) {
            ids[i] = hashAt(packed, i);
            times[i] = timeAt(packed, newest, i);
        }
        ids[n] = id;
        times[n] = t;
        return prune(ids, times, n + 1, horizonMs);
    }

    /** Entries as they are, in order (an older form moved: nothing pruned but the cap and what ages cannot hold). */
    private static ByteBuffer pack(long[] ids, long[] times, int n) {
        return prune(ids, times, n, MAX_HORIZON_MS);
    }

    private static ByteBuffer prune(long[] ids, long[] times, int n, long horizonMs) {
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            newest = Math.max(newest, times[i]);
        }
        long cutoff = newest - Math.min(horizonMs, MAX_HORIZON_MS);
        int first = Math.max(0, n - MAX_SEEN);
        // the newest entry may have gone with the cap: the header holds the newest kept, so every age is >= 0
        int kept = 0;
        long base = Long.MIN_VALUE;
        for (int i = first; i < n; i++) {
            if (times[i] >= cutoff) {
                kept++;
                base = Math.max(base, times[i]);
            }
        }
        if (kept == 0) {
            return EMPTY;
        }
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + kept * ENTRY_BYTES);
        out.put(FORMAT).putLong(base);
        for (int i = first; i < n; i++) {
            if (times[i] >= cutoff) {
                long h = ids[i] & HASH_MASK;
                out.putShort((short) (h >>> 32)).putInt((int) h).putInt((int) (base - times[i]));
            }
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
