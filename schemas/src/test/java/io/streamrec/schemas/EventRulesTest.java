package io.streamrec.schemas;

import io.streamrec.avro.ClickEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventRulesTest {
    private final EventRules rules = EventRules.defaults();

    private static ClickEvent.Builder valid() {
        return ClickEvent.newBuilder().setEventId("e1").setUserId("u1").setItemId("i1").setEventType("view").setTimestamp(1L);
    }

    @Test
    void validEventHasNoViolations() {
        assertEquals(List.of(), rules.validate(valid().build()));
    }

    @Test
    void anonymousEventNeedsASession() {
        assertEquals(List.of(new Violation(0, "userId", "userId or sessionId is required")),
                rules.validate(valid().setUserId(null).build()));
        assertEquals(List.of(), rules.validate(valid().setUserId(null).setSessionId("s1").build()));
    }

    @Test
    void itemEventsNeedAnItemButSearchDoesNot() {
        assertEquals(List.of(new Violation(0, "itemId", "is required for 'purchase' events")),
                rules.validate(valid().setItemId(null).setEventType("purchase").build()));
        assertEquals(List.of(), rules.validate(valid().setItemId(null).setEventType("search").setQuery("soap").build()));
    }

    @Test
    void unknownTypeAndLimits() {
        List<String> impression = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            impression.add("i" + i);
        }
        Map<String, String> props = new HashMap<>();
        props.put("k", "x".repeat(1100));
        List<Violation> v = rules.validate(valid().setEventType("wishlist").setUserId("u".repeat(257))
                .setImpression(impression).setProperties(props).build());
        assertEquals(List.of("userId", "eventType", "impression", "properties"), v.stream().map(Violation::field).toList());
    }

    @Test
    void idsHoldNoControlCharacters() {
        assertEquals(List.of(new Violation(0, "itemId", "must not contain control characters (U+0000 at 1)")),
                rules.validate(valid().setItemId("a\u0000b").build()));
        assertEquals(List.of(new Violation(0, "sessionId", "must not contain control characters (U+009F at 0)")),
                rules.validate(valid().setSessionId("\u009fs").build()));
        assertEquals(List.of(), rules.validate(valid().setUserId("shop/17850 é").build()), "slashes, spaces and letters are fine");
    }

    @Test
    void eventTypesAreConfigurable() {
        EventRules custom = new EventRules(EventRules.parseList("view, wishlist"), EventRules.parseList("search"));
        assertEquals(List.of(), custom.validate(valid().setEventType("wishlist").build()));
        assertEquals("eventType", custom.validate(valid().setEventType("purchase").build()).get(0).field());
    }
}
