package io.streamrec.schemas;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validation rules for events and catalog records, shared by the gateway (before anything is written) and the
 * stream processor (for producers that write to Kafka directly). Limits follow Amazon Personalize's.
 */
public final class EventRules {
    public static final int MAX_ID_LENGTH = 256;
    public static final int MAX_PROPERTIES_BYTES = 1024;
    public static final int MAX_IMPRESSION = 25;
    public static final int MAX_TEXT_LENGTH = 10_000;

    /** The default event types; every one but {@code search} refers to an item. */
    public static final Set<String> DEFAULT_EVENT_TYPES = Set.of(
            "view", "click", "add_to_cart", "remove_from_cart", "purchase", "search", "review", "rating");
    public static final Set<String> DEFAULT_NON_ITEM_EVENT_TYPES = Set.of("search");

    private final Set<String> eventTypes;
    private final Set<String> nonItemEventTypes;

    public EventRules(Set<String> eventTypes, Set<String> nonItemEventTypes) {
        if (eventTypes.isEmpty()) {
            throw new IllegalArgumentException("at least one event type must be configured");
        }
        this.eventTypes = Set.copyOf(eventTypes);
        this.nonItemEventTypes = Set.copyOf(nonItemEventTypes);
    }

    public static EventRules defaults() {
        return new EventRules(DEFAULT_EVENT_TYPES, DEFAULT_NON_ITEM_EVENT_TYPES);
    }

    /** Parses a comma-separated list such as {@code view,click,purchase,wishlist}. */
    public static Set<String> parseList(String csv) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : csv.split(",")) {
            String t = part.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    public Set<String> eventTypes() {
        return eventTypes;
    }

    public boolean isItemEvent(String eventType) {
        return !nonItemEventTypes.contains(eventType);
    }

    /** All violations of one event, with index 0; an empty list means valid. */
    public List<Violation> validate(ClickEvent e) {
        List<Violation> out = new ArrayList<>();
        checkId(out, "eventId", e.getEventId(), true);
        checkId(out, "userId", e.getUserId(), false);
        checkId(out, "sessionId", e.getSessionId(), false);
        if (isBlank(e.getUserId()) && isBlank(e.getSessionId())) {
            out.add(new Violation(0, "userId", "userId or sessionId is required"));
        }
        String type = e.getEventType();
        if (isBlank(type)) {
            out.add(new Violation(0, "eventType", "is required"));
        } else if (type.length() > MAX_ID_LENGTH) {
            out.add(new Violation(0, "eventType", "longer than " + MAX_ID_LENGTH + " characters"));
        } else if (!eventTypes.contains(type)) {
            out.add(new Violation(0, "eventType", "unknown event type '" + type + "'; allowed: " + String.join(", ", eventTypes.stream().sorted().toList())));
        }
        checkId(out, "itemId", e.getItemId(), false);
        if (type != null && eventTypes.contains(type) && isItemEvent(type) && isBlank(e.getItemId())) {
            out.add(new Violation(0, "itemId", "is required for '" + type + "' events"));
        }
        if (e.getTimestamp() < 0) {
            out.add(new Violation(0, "timestamp", "must not be before 1970-01-01"));
        }
        if (e.getPrice() != null && (e.getPrice().isNaN() || e.getPrice().isInfinite() || e.getPrice() < 0)) {
            out.add(new Violation(0, "price", "must be a finite number >= 0"));
        }
        if (e.getQuantity() != null && e.getQuantity() < 0) {
            out.add(new Violation(0, "quantity", "must be >= 0"));
        }
        if (e.getRating() != null && (e.getRating().isNaN() || e.getRating().isInfinite())) {
            out.add(new Violation(0, "rating", "must be a finite number"));
        }
        checkText(out, "query", e.getQuery());
        checkText(out, "text", e.getText());
        checkId(out, "recommendationId", e.getRecommendationId(), false);
        List<String> impression = e.getImpression();
        if (impression != null) {
            if (impression.size() > MAX_IMPRESSION) {
                out.add(new Violation(0, "impression", "at most " + MAX_IMPRESSION + " item ids, got " + impression.size()));
            }
            for (int i = 0; i < impression.size(); i++) {
                String id = impression.get(i);
                if (isBlank(id) || id.length() > MAX_ID_LENGTH) {
                    out.add(new Violation(0, "impression[" + i + "]", "must be a non-empty id of at most " + MAX_ID_LENGTH + " characters"));
                }
            }
        }
        if (e.getProperties() != null && propertiesBytes(e.getProperties()) > MAX_PROPERTIES_BYTES) {
            out.add(new Violation(0, "properties", "larger than " + MAX_PROPERTIES_BYTES + " bytes serialized"));
        }
        return out;
    }

    public List<Violation> validate(Item item) {
        List<Violation> out = new ArrayList<>();
        checkId(out, "itemId", item.getItemId(), true);
        checkText(out, "title", item.getTitle());
        checkId(out, "category", item.getCategory(), false);
        checkText(out, "description", item.getDescription());
        if (item.getPrice() != null && (item.getPrice().isNaN() || item.getPrice().isInfinite() || item.getPrice() < 0)) {
            out.add(new Violation(0, "price", "must be a finite number >= 0"));
        }
        return out;
    }

    /** Size of the properties as the JSON object Personalize would receive. */
    public static int propertiesBytes(Map<String, String> properties) {
        int bytes = 2;
        for (Map.Entry<String, String> p : properties.entrySet()) {
            bytes += utf8(p.getKey()) + utf8(p.getValue()) + 6;
        }
        return bytes;
    }

    /** The Kafka key of an event: userId, or sessionId for anonymous events. */
    public static String keyOf(ClickEvent e) {
        return isBlank(e.getUserId()) ? e.getSessionId() : e.getUserId();
    }

    private static int utf8(String s) {
        return s == null ? 4 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void checkId(List<Violation> out, String field, String value, boolean required) {
        if (value == null) {
            if (required) {
                out.add(new Violation(0, field, "is required"));
            }
            return;
        }
        String problem = idProblem(value);
        if (problem != null) {
            out.add(new Violation(0, field, problem));
        }
    }

    /**
     * What is wrong with an id (userId, itemId, ..., and the same ids as path parameters), or null: blank, longer than
     * {@value #MAX_ID_LENGTH} characters, or holding a control character (no id of a shop has one; in a log line or a
     * header it would be trouble).
     */
    public static String idProblem(String value) {
        if (value.isBlank()) {
            return "must not be blank";
        }
        if (value.length() > MAX_ID_LENGTH) {
            return "longer than " + MAX_ID_LENGTH + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return "must not contain control characters (U+" + String.format("%04X", (int) value.charAt(i)) + " at " + i + ")";
            }
        }
        return null;
    }

    private static void checkText(List<Violation> out, String field, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            out.add(new Violation(0, field, "longer than " + MAX_TEXT_LENGTH + " characters"));
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
