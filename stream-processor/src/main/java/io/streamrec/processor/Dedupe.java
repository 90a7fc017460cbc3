package io.streamrec.processor;

import io.streamrec.avro.SeenEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deduplication by eventId within a horizon of event time (either side), kept in the user's own state: events are
 * keyed by user, so a resent event reaches the same state as its first copy. Each user keeps the 64-bit hashes of its
 * recent eventIds (oldest first), none older than the horizon before the newest, at most {@value #MAX_SEEN}: a resend
 * after more than that many newer events of the same user within the horizon counts again. A hash collision (about
 * 1 in 10^16 for two ids of one user) would drop an event.
 */
final class Dedupe {
    /** EventIds remembered per user at most. */
    static final int MAX_SEEN = 256;

    private Dedupe() {
    }

    /** True when {@code id} at {@code t} was already seen within the horizon. */
    static boolean seen(List<SeenEvent> seen, long id, long t, long horizonMs) {
        for (int i = seen.size() - 1; i >= 0; i--) {
            SeenEvent s = seen.get(i);
            if (s.getId() == id && Math.abs(s.getTimestamp() - t) <= horizonMs) {
                return true;
            }
        }
        return false;
    }

    /** A new list: {@code seen} with the event added, pruned to the horizon and the cap (oldest first out). */
    static List<SeenEvent> add(List<SeenEvent> seen, long id, long t, long horizonMs) {
        long newest = t;
        for (SeenEvent s : seen) {
            newest = Math.max(newest, s.getTimestamp());
        }
        long cutoff = newest - horizonMs;
        List<SeenEvent> out = new ArrayList<>(Math.min(seen.size() + 1, MAX_SEEN));
        int skip = Math.max(0, seen.size() + 1 - MAX_SEEN);
        for (SeenEvent s : seen) {
            if (skip > 0) {
                skip--;
                continue;
            }
            if (s.getTimestamp() >= cutoff) {
                out.add(s);
            }
        }
        if (t >= cutoff) {
            out.add(new SeenEvent(id, t));
        }
        return out;
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
