package io.streamrec.processor;

import io.streamrec.avro.HistoryEntry;

import java.util.List;

/**
 * A user's recent item events, newest first by event time, at most {@code maxEntries}, none older than the retention
 * measured against stream time (the newest event time the task has seen). An out-of-order event is placed where its
 * timestamp belongs; an event already older than the retention when it arrives is not added.
 */
final class History {
    private History() {
    }

    /** Newest first; an entry with the same timestamp as existing ones goes before them (it arrived later). */
    static void insertNewestFirst(List<HistoryEntry> entries, HistoryEntry entry) {
        int i = 0;
        while (i < entries.size() && entries.get(i).getTimestamp() > entry.getTimestamp()) {
            i++;
        }
        entries.add(i, entry);
    }

    static void prune(List<HistoryEntry> entries, long cutoff, int maxEntries) {
        while (entries.size() > maxEntries) {
            entries.remove(entries.size() - 1);
        }
        while (!entries.isEmpty() && entries.get(entries.size() - 1).getTimestamp() < cutoff) {
            entries.remove(entries.size() - 1);
        }
    }
}
