package io.streamrec.tools.load;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * One event as {@code POST /events} takes it. Absent fields are left out of the JSON; the timestamp is sent as epoch
 * milliseconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventJson(
        String eventId,
        String userId,
        String sessionId,
        String itemId,
        String eventType,
        long timestamp,
        Double price,
        Integer quantity,
        Map<String, String> properties) {

    /** The Kafka key the gateway will use: userId, or sessionId for anonymous events. */
    public String key() {
        return userId != null ? userId : sessionId;
    }
}
