package io.streamrec.recommend;

import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.UserItem;
import io.streamrec.avro.UserItems;

import java.util.ArrayList;
import java.util.List;

/**
 * What candidate generation knows about a user at one moment.
 *
 * @param history  recent history, newest first (the history store's entries)
 * @param features the user's engagement features, null for a new user
 * @param items    the user's long-term items, null for a new user
 * @param session  history of an (anonymous) session to take into account, newest first; may be empty
 * @param before   only entries strictly older than this count (training: the event's time, so the event and anything
 *                 at the same instant, such as other lines of the same order, are not known yet); Long.MAX_VALUE
 *                 when serving
 * @param now      event time at which decayed values and recencies are evaluated
 */
public record UserContext(String userKey, List<HistoryEntry> history, UserFeatures features, UserItems items,
                          List<HistoryEntry> session, long before, long now) {

    public UserContext {
        history = history == null ? List.of() : history;
        session = session == null ? List.of() : session;
    }

    /** History and session merged, newest first, only entries before {@link #before}; a session entry also in the history counts once. */
    public List<HistoryEntry> mergedHistory() {
        List<HistoryEntry> out = new ArrayList<>(history.size() + session.size());
        int i = 0;
        int j = 0;
        while (i < history.size() || j < session.size()) {
            HistoryEntry next;
            if (j >= session.size() || (i < history.size() && history.get(i).getTimestamp() >= session.get(j).getTimestamp())) {
                next = history.get(i++);
            } else {
                next = session.get(j++);
                if (containsSame(history, next)) {
                    continue;
                }
            }
            if (next.getTimestamp() < before) {
                out.add(next);
            }
        }
        return out;
    }

    /** The long-term items known before {@link #before}. */
    public List<UserItem> knownItems() {
        if (items == null) {
            return List.of();
        }
        List<UserItem> out = new ArrayList<>(items.getItems().size());
        for (UserItem u : items.getItems()) {
            if (u.getFirst() < before) {
                out.add(u);
            }
        }
        return out;
    }

    private static boolean containsSame(List<HistoryEntry> entries, HistoryEntry e) {
        for (HistoryEntry h : entries) {
            if (h.getTimestamp() == e.getTimestamp() && h.getItemId().equals(e.getItemId())) {
                return true;
            }
        }
        return false;
    }
}
