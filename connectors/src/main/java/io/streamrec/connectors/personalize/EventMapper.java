package io.streamrec.connectors.personalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import software.amazon.awssdk.services.personalizeevents.model.Event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ClickEvent (as a Connect struct) to a PutEvents {@code Event}, within the API's limits: ids and eventType 1-256
 * characters, {@code properties} a JSON object of at most 1,024 characters without the reserved keys,
 * {@code impression} 1-25 ids, {@code recommendationId} at most 40 characters.
 *
 * <ul>
 *   <li>eventId: the event's own, else {@code topic-partition-offset} of the record, so a redelivery carries the same id
 *       and Personalize ignores it;</li>
 *   <li>sessionId: the event's, else its userId (PutEvents needs one);</li>
 *   <li>eventValue: the rating for {@code rating} and {@code review} events that carry one, else price × quantity
 *       (quantity 1 when absent) when the event has a price;</li>
 *   <li>sentAt: the event time;</li>
 *   <li>a recommendationId longer than Personalize's 40 characters is left out (the event still counts).</li>
 * </ul>
 */
final class EventMapper {
    static final int MAX_ID = 256;
    static final int MAX_PROPERTIES = 1024;
    static final int MAX_IMPRESSION = 25;
    static final int MAX_RECOMMENDATION_ID = 40;
    /** Keys PutEvents reserves for its own fields; they may not appear in {@code properties}. */
    static final Set<String> RESERVED_PROPERTIES =
            Set.of("userId", "sessionId", "eventType", "timestamp", "recommendationId", "impression");

    private static final ObjectMapper JSON = new ObjectMapper();

    Mapped<Event> map(SinkRecord record) {
        if (!(record.value() instanceof Struct event)) {
            return Mapped.invalid("value", "expected a ClickEvent struct, got "
                    + (record.value() == null ? "null" : record.value().getClass().getName()));
        }
        String userId = string(event, "userId");
        String sessionId = string(event, "sessionId");
        if (isBlank(sessionId)) {
            sessionId = userId;
        }
        if (isBlank(sessionId)) {
            return Mapped.invalid("sessionId", "missing, and no userId to use instead");
        }
        String eventId = string(event, "eventId");
        if (isBlank(eventId)) {
            eventId = derivedEventId(record);
        }
        String eventType = string(event, "eventType");
        String itemId = string(event, "itemId");
        for (String[] id : new String[][] {{"eventId", eventId}, {"eventType", eventType}, {"userId", userId},
                {"sessionId", sessionId}, {"itemId", itemId}}) {
            String problem = idProblem(id[1], !id[0].equals("userId") && !id[0].equals("itemId"));
            if (problem != null) {
                return Mapped.invalid(id[0], problem);
            }
        }
        Object ts = value(event, "timestamp");
        if (!(ts instanceof Long timestamp)) {
            return Mapped.invalid("timestamp", "missing");
        }

        Event.Builder out = Event.builder()
                .eventId(eventId)
                .eventType(eventType)
                .sentAt(Instant.ofEpochMilli(timestamp));
        if (!isBlank(itemId)) {
            out.itemId(itemId);
        }
        Float eventValue = eventValue(eventType, value(event, "price"), value(event, "quantity"), value(event, "rating"));
        if (eventValue != null) {
            out.eventValue(eventValue);
        }
        String recommendationId = string(event, "recommendationId");
        if (!isBlank(recommendationId) && recommendationId.length() <= MAX_RECOMMENDATION_ID) {
            out.recommendationId(recommendationId);
        }
        Object impression = value(event, "impression");
        if (impression instanceof List<?> ids && !ids.isEmpty()) {
            if (ids.size() > MAX_IMPRESSION) {
                return Mapped.invalid("impression", ids.size() + " item ids, Personalize takes at most " + MAX_IMPRESSION);
            }
            List<String> list = new ArrayList<>(ids.size());
            for (Object id : ids) {
                String problem = idProblem(id == null ? null : id.toString(), true);
                if (problem != null) {
                    return Mapped.invalid("impression", "item id " + problem);
                }
                list.add(id.toString());
            }
            out.impression(list);
        }
        Object properties = value(event, "properties");
        if (properties instanceof Map<?, ?> map && !map.isEmpty()) {
            Map<String, Object> kept = new TreeMap<>();
            map.forEach((k, v) -> {
                if (!RESERVED_PROPERTIES.contains(k.toString())) {
                    kept.put(k.toString(), v);
                }
            });
            if (!kept.isEmpty()) {
                String json = json(kept);
                if (json.length() > MAX_PROPERTIES) {
                    return Mapped.invalid("properties", "JSON of " + json.length()
                            + " characters, Personalize takes at most " + MAX_PROPERTIES);
                }
                out.properties(json);
            }
        }
        return Mapped.ok(out.build(), new Session(isBlank(userId) ? null : userId, sessionId));
    }

    /** The eventId of an event that has none: the record's position, stable across redeliveries. */
    static String derivedEventId(SinkRecord record) {
        return record.originalTopic() + "-" + record.originalKafkaPartition() + "-" + record.originalKafkaOffset();
    }

    /** The user and session one PutEvents call is for; userId may be null (anonymous). */
    record Session(String userId, String sessionId) {
    }

    static Float eventValue(String eventType, Object price, Object quantity, Object rating) {
        if (rating instanceof Double r && ("rating".equals(eventType) || "review".equals(eventType))) {
            return finite(r);
        }
        if (price instanceof Double p) {
            int q = quantity instanceof Integer i ? i : 1;
            return finite(p * q);
        }
        return null;
    }

    private static Float finite(double v) {
        float f = (float) v;
        return Float.isFinite(f) ? f : null;
    }

    static String idProblem(String id, boolean required) {
        if (isBlank(id)) {
            return required ? "missing" : null;
        }
        return id.length() > MAX_ID ? id.length() + " characters, Personalize takes at most " + MAX_ID : null;
    }

    static String json(Map<String, Object> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static String string(Struct s, String name) {
        Object v = value(s, name);
        return v == null ? null : v.toString();
    }

    static Object value(Struct s, String name) {
        Field f = s.schema().field(name);
        return f == null ? null : s.get(f);
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
