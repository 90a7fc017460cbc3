package io.streamrec.tools.bench;

import java.nio.charset.StandardCharsets;

/**
 * JSON bodies for {@code POST /events}, written by hand: the ids are the bench's own (letters, digits, dashes), and a
 * load generator should not spend its CPU on a JSON library.
 */
final class EventBodies {
    private EventBodies() {
    }

    static void appendEvent(StringBuilder sb, String eventId, String userId, String itemId, String eventType, long timestamp) {
        sb.append("{\"eventId\":\"").append(eventId)
                .append("\",\"userId\":\"").append(userId)
                .append("\",\"itemId\":\"").append(itemId)
                .append("\",\"eventType\":\"").append(eventType)
                .append("\",\"timestamp\":").append(timestamp).append('}');
    }

    static byte[] one(String eventId, String userId, String itemId, String eventType, long timestamp) {
        StringBuilder sb = new StringBuilder(160);
        appendEvent(sb, eventId, userId, itemId, eventType, timestamp);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An array of {@code n} events; event {@code j} gets id {@code idPrefix-j}, user {@code userPrefix-(j % users)}. */
    static byte[] batch(int n, String idPrefix, String userPrefix, int users, String[] items, int itemOffset, long timestamp) {
        StringBuilder sb = new StringBuilder(n * 150 + 2);
        sb.append('[');
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                sb.append(',');
            }
            appendEvent(sb, idPrefix + "-" + j, userPrefix + "-" + (j % users), items[Math.floorMod(itemOffset + j, items.length)], "view", timestamp);
        }
        sb.append(']');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
