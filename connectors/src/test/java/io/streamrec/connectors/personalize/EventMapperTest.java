package io.streamrec.connectors.personalize;

import io.streamrec.avro.ClickEvent;
import io.streamrec.connectors.avro.StreamrecAvroConverter;
import io.streamrec.connectors.testing.TestEvents;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;

import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.personalizeevents.model.Event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class EventMapperTest {
    private final StreamrecAvroConverter converter = new StreamrecAvroConverter();
    private final EventMapper mapper = new EventMapper();

    EventMapperTest() {
        converter.configure(Map.of(), false);
    }

    private SinkRecord record(ClickEvent e, int partition, long offset) {
        SchemaAndValue v = converter.toConnectData(Topics.EVENTS, Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e));
        return new SinkRecord(Topics.EVENTS, partition, null, "k", v.schema(), v.value(), offset);
    }

    @Test
    void purchaseMapsToTheApiFields() {
        ClickEvent e = TestEvents.event("e1", "u1", "i1", "purchase", 1_700_000_000_123L).setSessionId("s1")
                .setPrice(2.5).setQuantity(3).setRecommendationId("rec-1").setImpression(List.of("i1", "i2"))
                .setProperties(Map.of("channel", "app", "eventType", "x", "impression", "y")).build();
        Mapped<Event> m = mapper.map(record(e, 0, 7));
        Event expected = Event.builder().eventId("e1").eventType("purchase").itemId("i1").eventValue(7.5f)
                .sentAt(Instant.ofEpochMilli(1_700_000_000_123L)).recommendationId("rec-1")
                .impression(List.of("i1", "i2")).properties("{\"channel\":\"app\"}").build();
        assertEquals(expected, m.value());
        assertEquals(new EventMapper.Session("u1", "s1"), m.groupKey());
    }

    @Test
    void missingEventIdIsDerivedFromThePositionAndSessionFallsBackToTheUser() {
        ClickEvent e = TestEvents.event("", "u1", "i1", "view", 1L).build();
        Mapped<Event> m = mapper.map(record(e, 4, 1234));
        assertEquals("streamrec.events-4-1234", m.value().eventId());
        assertEquals(new EventMapper.Session("u1", "u1"), m.groupKey());
        assertNull(m.value().eventValue(), "no price, no rating: no eventValue");
    }

    @Test
    void ratingIsTheValueOfRatingEventsAndALongRecommendationIdIsLeftOut() {
        ClickEvent e = TestEvents.event("e2", "u1", "i1", "rating", 1L).setRating(4.0).setPrice(10.0)
                .setRecommendationId("r".repeat(41)).build();
        Event out = mapper.map(record(e, 0, 1)).value();
        assertEquals(4.0f, out.eventValue());
        assertNull(out.recommendationId());
    }

    @Test
    void eventsBeyondTheApiLimitsAreRejectedNamingTheField() {
        Map<String, String> big = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            big.put("key" + i, "value-" + i);
        }
        List<String> impression = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            impression.add("i" + i);
        }
        assertEquals("properties", mapper.map(record(TestEvents.event("e", "u", "i", "view", 1L)
                .setProperties(big).build(), 0, 1)).field());
        assertEquals("impression", mapper.map(record(TestEvents.event("e", "u", "i", "view", 1L)
                .setImpression(impression).build(), 0, 1)).field());
        assertEquals("itemId", mapper.map(record(TestEvents.event("e", "u", "x".repeat(257), "view", 1L).build(), 0, 1))
                .field());
        Mapped<Event> anonymousWithoutSession = mapper.map(record(TestEvents.event("e", null, "i", "view", 1L).build(), 0, 1));
        assertFalse(anonymousWithoutSession.isValid());
        assertEquals("sessionId", anonymousWithoutSession.field());
    }
}
