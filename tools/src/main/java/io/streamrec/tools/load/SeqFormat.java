package io.streamrec.tools.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sequence files of the sequential-recommendation literature: one line per user, {@code userId item1 item2 ... itemN},
 * items in chronological order.
 *
 * <ul>
 *   <li>With hold-out (the default, for the leave-one-out protocol) the last item of each line is not sent;</li>
 *   <li>every item becomes an event of {@link #eventType} (default {@code view}: the interactions are implicit
 *       feedback, not orders; pass another type with {@code --event-type});</li>
 *   <li>eventId {@code seq-<user>-<pos>} (pos 0-based within the line);</li>
 *   <li>timestamps are synthetic and never go backwards across the whole file:
 *       {@code base + k * step}, k counting the events sent so far, so each user's order is kept and consecutive items
 *       of a user are one step apart. The default step ({@link #autoStepMillis}) is 60 s, shrunk so that the whole
 *       file spans at most {@link #AUTO_SPAN_MILLIS} (7 days): the stream processor measures history retention
 *       against stream time, so a longer synthetic span would expire the first users' histories before the last
 *       line is read;</li>
 *   <li>or, with an end-aligned clock ({@code endSlots > 0}), every line ends at the same instant: the item sent
 *       j-th from the end of its line is at {@code base + (endSlots - 1 - j) * step}, endSlots being the longest line's
 *       sent items. The leave-one-out protocol asks every user for their next item at the same moment, right after
 *       their last known one; this clock makes that true of the synthetic times too (with the file-order clock most users'
 *       last event lies days before the query, and what is "recent" or "trending" then follows the arbitrary line
 *       order). The events must then be sent sorted by time (the caller sorts them), interleaving the users;</li>
 *   <li>{@code idPrefix} (default none) goes in front of user and item ids, to keep them apart from another data set
 *       loaded into the same system.</li>
 * </ul>
 * Every item of a line (held-out ones too) goes to the catalog so that the system knows the whole item set.
 */
public final class SeqFormat {
    public static final String SKIP_BLANK = "blank line";
    public static final String SKIP_NO_ITEMS = "line without items";
    public static final String SKIP_ONLY_HELD_OUT = "single item, held out";
    public static final long DEFAULT_STEP_MILLIS = 60_000L;
    public static final long AUTO_SPAN_MILLIS = 7L * 24 * 3600 * 1000;

    private final boolean holdoutLast;
    private final String eventType;
    private final long baseTime;
    private final long stepMillis;
    private final String idPrefix;
    private final long endSlots;
    private long sent;

    public SeqFormat(boolean holdoutLast, String eventType, long baseTime, long stepMillis, String idPrefix) {
        this(holdoutLast, eventType, baseTime, stepMillis, idPrefix, 0);
    }

    /** @param endSlots 0 for the file-order clock; else the end-aligned clock with this many slots (the longest line's sent items) */
    public SeqFormat(boolean holdoutLast, String eventType, long baseTime, long stepMillis, String idPrefix, long endSlots) {
        this.endSlots = endSlots;
        this.holdoutLast = holdoutLast;
        this.eventType = eventType;
        this.baseTime = baseTime;
        this.stepMillis = stepMillis;
        this.idPrefix = idPrefix == null ? "" : idPrefix;
    }

    /** 60 s between events, or less so that {@code events} events span at most 7 days (at least 1 ms). */
    public static long autoStepMillis(long events) {
        if (events <= 1) {
            return DEFAULT_STEP_MILLIS;
        }
        return Math.max(1L, Math.min(DEFAULT_STEP_MILLIS, AUTO_SPAN_MILLIS / (events - 1)));
    }

    public void read(BufferedReader in, long limit, Catalog catalog, Consumer<Row> sink) throws IOException {
        long n = 0;
        String line;
        while ((line = in.readLine()) != null) {
            n++;
            Row row = map(n, line);
            if (catalog != null) {
                String[] tokens = line.strip().split("\\s+");
                for (int i = 1; i < tokens.length; i++) {
                    catalog.add(idPrefix + tokens[i], null, null, 0L);
                }
            }
            sink.accept(row);
            if (limit > 0 && n >= limit) {
                break;
            }
        }
    }

    /** Maps one line; the timestamps continue from the previous line's. */
    public Row map(long lineNumber, String line) {
        String s = line.strip();
        if (s.isEmpty()) {
            return Row.skipped(lineNumber, SKIP_BLANK);
        }
        String[] tokens = s.split("\\s+");
        if (tokens.length < 2) {
            return Row.skipped(lineNumber, SKIP_NO_ITEMS);
        }
        int items = tokens.length - 1;
        int send = holdoutLast ? items - 1 : items;
        if (send == 0) {
            return Row.skipped(lineNumber, SKIP_ONLY_HELD_OUT);
        }
        String user = tokens[0];
        List<EventJson> events = new ArrayList<>(send);
        for (int pos = 0; pos < send; pos++) {
            events.add(new EventJson(
                    "seq-" + idPrefix + user + "-" + pos,
                    idPrefix + user,
                    null,
                    idPrefix + tokens[pos + 1],
                    eventType,
                    endSlots > 0 ? baseTime + (endSlots - send + pos) * stepMillis : baseTime + sent * stepMillis,
                    null,
                    null,
                    null));
            sent++;
        }
        return new Row(lineNumber, events, null);
    }
}
