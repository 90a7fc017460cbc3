package io.streamrec.tools.load;

import java.util.List;

/**
 * One input row (a CSV record or a line of a seq file) and what it became: the events to send, or why it was skipped.
 *
 * @param number     1-based data row number (header excluded)
 * @param events     events to send (empty when skipped)
 * @param skipReason null when the row is used
 */
public record Row(long number, List<EventJson> events, String skipReason) {
    public static Row skipped(long number, String reason) {
        return new Row(number, List.of(), reason);
    }

    public boolean isSkipped() {
        return skipReason != null;
    }
}
