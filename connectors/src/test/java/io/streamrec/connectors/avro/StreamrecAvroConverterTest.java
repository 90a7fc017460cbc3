package io.streamrec.connectors.avro;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.connectors.testing.TestEvents;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamrecAvroConverterTest {
    @Test
    void decodesSingleObjectEncodingIntoStructsAndBack() {
        StreamrecAvroConverter c = new StreamrecAvroConverter();
        c.configure(Map.of(), false);
        ClickEvent e = TestEvents.event("e1", "u1", "i1", "purchase", 5L).setPrice(1.5).setQuantity(2)
                .setImpression(List.of("a")).setProperties(Map.of("k", "v")).build();
        byte[] bytes = Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e);
        SchemaAndValue v = c.toConnectData(Topics.EVENTS, bytes);
        Struct s = (Struct) v.value();
        assertEquals("e1", s.get("eventId"));
        assertEquals(1.5, s.get("price"));
        assertEquals(List.of("a"), s.get("impression"));
        assertEquals(Map.of("k", "v"), s.get("properties"));
        assertTrue(v.schema().field("sessionId").schema().isOptional());
        assertArrayEquals(bytes, c.fromConnectData(Topics.EVENTS, v.schema(), s));

        Item item = Item.newBuilder().setItemId("i1").setTitle("T").build();
        assertEquals("T", ((Struct) c.toConnectData(Topics.ITEMS, Serdes.ITEM.serialize(Topics.ITEMS, item)).value())
                .get("title"));
    }

    @Test
    void badBytesAndUnknownTopicsSayWhat() {
        StreamrecAvroConverter c = new StreamrecAvroConverter();
        c.configure(Map.of(), false);
        DataException bad = assertThrows(DataException.class, () -> c.toConnectData(Topics.EVENTS, new byte[] {1, 2}));
        assertTrue(bad.getMessage().startsWith("not a streamrec ClickEvent"), bad.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> c.toConnectData("other", new byte[] {1}));
        assertTrue(unknown.getMessage().contains("record.type"), unknown.getMessage());
        StreamrecAvroConverter fixed = new StreamrecAvroConverter();
        fixed.configure(Map.of("record.type", "ClickEvent"), false);
        assertEquals("e1", ((Struct) fixed.toConnectData("other", Serdes.CLICK_EVENT.serialize("other",
                TestEvents.event("e1", "u", "i", "view", 1L).build())).value()).get("eventId"));
    }
}
