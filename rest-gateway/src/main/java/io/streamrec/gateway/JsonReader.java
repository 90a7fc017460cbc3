package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.User;
import io.streamrec.schemas.Violation;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Turns request JSON into Avro records, collecting a {@link Violation} per field that has the wrong JSON type.
 * Business rules (required fields, limits, event types) are {@link io.streamrec.schemas.EventRules}'s job.
 */
final class JsonReader {
    static final Set<String> EVENT_FIELDS = Set.of("eventId", "userId", "sessionId", "itemId", "eventType", "timestamp",
            "price", "quantity", "query", "rating", "text", "recommendationId", "impression", "properties");
    static final Set<String> ITEM_FIELDS = Set.of("itemId", "title", "category", "price", "description", "created", "available");
    static final Set<String> USER_FIELDS = Set.of("userId", "attributes");

    private final List<Violation> errors = new ArrayList<>();
    private final JsonNode node;

    private JsonReader(JsonNode node) {
        this.node = node;
    }

    record Parsed<T>(T value, List<Violation> errors) {
    }

    static Parsed<ClickEvent> event(JsonNode node, LongSupplier clock) {
        JsonReader r = new JsonReader(node);
        if (!node.isObject()) {
            return new Parsed<>(null, List.of(new Violation(0, "$", "each event must be a JSON object")));
        }
        r.unknownFields(EVENT_FIELDS);
        String eventId = r.id("eventId");
        ClickEvent.Builder b = ClickEvent.newBuilder()
                .setEventId(eventId == null ? UUID.randomUUID().toString() : eventId)
                .setUserId(r.id("userId"))
                .setSessionId(r.id("sessionId"))
                .setItemId(r.id("itemId"))
                .setEventType(nullToEmpty(r.text("eventType")))
                .setTimestamp(r.timestamp("timestamp", clock))
                .setPrice(r.number("price"))
                .setQuantity(r.integer("quantity"))
                .setQuery(r.text("query"))
                .setRating(r.number("rating"))
                .setText(r.text("text"))
                .setRecommendationId(r.id("recommendationId"))
                .setImpression(r.idList("impression"))
                .setProperties(r.stringMap("properties"));
        return new Parsed<>(r.errors.isEmpty() ? b.build() : null, r.errors);
    }

    static Parsed<Item> item(JsonNode node) {
        JsonReader r = new JsonReader(node);
        if (!node.isObject()) {
            return new Parsed<>(null, List.of(new Violation(0, "$", "each item must be a JSON object")));
        }
        r.unknownFields(ITEM_FIELDS);
        String itemId = r.id("itemId");
        Boolean available = r.bool("available");
        Item.Builder b = Item.newBuilder()
                .setItemId(nullToEmpty(itemId))
                .setTitle(r.text("title"))
                .setCategory(r.id("category"))
                .setPrice(r.number("price"))
                .setDescription(r.text("description"))
                .setCreated(r.has("created") ? r.timestamp("created", () -> 0L) : null)
                .setAvailable(available == null || available);
        if (itemId == null && r.errors.isEmpty()) {
            r.errors.add(new Violation(0, "itemId", "is required"));
        }
        return new Parsed<>(r.errors.isEmpty() ? b.build() : null, r.errors);
    }

    static Parsed<User> user(JsonNode node, LongSupplier clock) {
        JsonReader r = new JsonReader(node);
        if (!node.isObject()) {
            return new Parsed<>(null, List.of(new Violation(0, "$", "each user must be a JSON object")));
        }
        r.unknownFields(USER_FIELDS);
        String userId = r.id("userId");
        String userIdProblem = userId == null ? null : io.streamrec.schemas.EventRules.idProblem(userId);
        if (userId == null && r.errors.isEmpty()) {
            r.errors.add(new Violation(0, "userId", "is required"));
        } else if (userIdProblem != null) {
            r.errors.add(new Violation(0, "userId", userIdProblem));
        }
        Map<String, String> attributes = r.stringMap("attributes");
        if (io.streamrec.schemas.EventRules.propertiesBytes(attributes) > io.streamrec.schemas.EventRules.MAX_PROPERTIES_BYTES) {
            r.errors.add(new Violation(0, "attributes", "larger than 1024 bytes serialized"));
        }
        User user = r.errors.isEmpty() ? new User(userId, attributes, clock.getAsLong()) : null;
        return new Parsed<>(user, r.errors);
    }

    private boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    private void unknownFields(Set<String> known) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new Violation(0, name, "unknown field"));
            }
        }
    }

    /** Ids may be sent as strings or integers (a numeric customer id is common). */
    private String id(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        errors.add(new Violation(0, field, "must be a string"));
        return null;
    }

    private String text(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new Violation(0, field, "must be a string"));
            return null;
        }
        return v.asText();
    }

    private Double number(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            errors.add(new Violation(0, field, "must be a number"));
            return null;
        }
        return v.asDouble();
    }

    private Integer integer(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            errors.add(new Violation(0, field, "must be an integer"));
            return null;
        }
        return v.asInt();
    }

    private Boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            errors.add(new Violation(0, field, "must be true or false"));
            return null;
        }
        return v.asBoolean();
    }

    /** ISO-8601 with offset ({@code 2024-01-10T12:00:00Z}) or epoch milliseconds; absent means now. */
    private long timestamp(String field, LongSupplier clock) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return clock.getAsLong();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            String s = v.asText();
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(s).toEpochMilli();
                } catch (DateTimeParseException e2) {
                    errors.add(new Violation(0, field, "'" + abbreviate(s) + "' is not ISO-8601 with an offset (2024-01-10T12:00:00Z) or epoch milliseconds"));
                    return 0;
                }
            }
        }
        errors.add(new Violation(0, field, "must be an ISO-8601 string or epoch milliseconds"));
        return 0;
    }

    private List<String> idList(String field) {
        JsonNode v = node.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            errors.add(new Violation(0, field, "must be an array of item ids"));
            return out;
        }
        if (v.size() > 1000) {
            errors.add(new Violation(0, field, "at most 25 item ids, got " + v.size()));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (e.isTextual() || e.isIntegralNumber()) {
                out.add(e.asText());
            } else {
                errors.add(new Violation(0, field + "[" + i + "]", "must be a string"));
            }
        }
        return out;
    }

    private Map<String, String> stringMap(String field) {
        JsonNode v = node.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            errors.add(new Violation(0, field, "must be an object of string values"));
            return out;
        }
        var it = v.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode value = e.getValue();
            if (value.isValueNode() && !value.isNull()) {
                out.put(e.getKey(), value.asText());
            } else {
                errors.add(new Violation(0, field + "." + e.getKey(), "must be a string, number or boolean"));
            }
        }
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
