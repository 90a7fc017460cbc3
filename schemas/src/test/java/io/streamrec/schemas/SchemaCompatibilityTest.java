package io.streamrec.schemas;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.DecayedSum;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemNeighbors;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.RankEntry;
import io.streamrec.avro.User;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.UserHistory;
import io.streamrec.avro.WeightedKey;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fails when a schema change would stop readers from decoding data written with a version kept in schema-history. */
class SchemaCompatibilityTest {

    private static final List<Schema> CURRENT = List.of(
            ClickEvent.getClassSchema(), Item.getClassSchema(), User.getClassSchema(),
            HistoryEntry.getClassSchema(), UserHistory.getClassSchema(), WeightedKey.getClassSchema(),
            DecayedSum.getClassSchema(), UserFeatures.getClassSchema(), ItemStats.getClassSchema(),
            ItemSignal.getClassSchema(), ItemNeighbors.getClassSchema(), RankEntry.getClassSchema(),
            io.streamrec.avro.ItemProfile.getClassSchema(),
            io.streamrec.avro.UserItems.getClassSchema(), io.streamrec.avro.TrainingExample.getClassSchema(),
            io.streamrec.avro.ItemUpdates.getClassSchema(), io.streamrec.avro.UserState.getClassSchema());

    @Test
    void everyCurrentSchemaReadsEveryPreviousVersion() {
        int checked = 0;
        for (Schema current : CURRENT) {
            for (Schema previous : SchemaHistory.previousVersions(current.getName())) {
                SchemaCompatibility.SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
                assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(),
                        current.getName() + " cannot read data written with an earlier version: " + result.getDescription());
                checked++;
            }
        }
        assertTrue(checked >= 1, "schema-history/index.txt lists no earlier version");
    }

    @Test
    void theCheckRejectsABreakingChange() {
        // A new required field without a default breaks old data: the same check must say so.
        Schema breaking = SchemaBuilderHelper.withRequiredField(ClickEvent.getClassSchema(), "tenant");
        Schema v1 = SchemaHistory.previousVersions("ClickEvent").get(0);
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(breaking, v1).getType());
    }

    @Test
    void dataWrittenWithVersion1DecodesWithTheCurrentSerde() throws Exception {
        Schema v1 = SchemaHistory.previousVersions("ClickEvent").get(0);
        GenericRecord old = new GenericData.Record(v1);
        old.put("eventId", "e-1");
        old.put("userId", "u-1");
        old.put("sessionId", null);
        old.put("itemId", "i-9");
        old.put("eventType", "view");
        old.put("timestamp", 1_700_000_000_000L);
        old.put("price", 2.5);
        old.put("quantity", null);
        old.put("query", null);
        old.put("properties", Map.of("country", "UK"));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        ClickEvent decoded = Serdes.CLICK_EVENT.deserialize("t", bytes);

        assertEquals("e-1", decoded.getEventId());
        assertEquals("i-9", decoded.getItemId());
        assertEquals(1_700_000_000_000L, decoded.getTimestamp());
        assertEquals(2.5, decoded.getPrice());
        assertEquals("UK", decoded.getProperties().get("country"));
        assertNull(decoded.getRecommendationId());
        assertEquals(List.of(), decoded.getImpression());
    }

    @Test
    void aHistoryWrittenBeforeRecommendationIdDecodes() throws Exception {
        Schema v1 = SchemaHistory.previousVersions("UserHistory").get(0);
        Schema entryV1 = v1.getField("entries").schema().getElementType();
        GenericRecord entry = new GenericData.Record(entryV1);
        entry.put("itemId", "i-1");
        entry.put("eventType", "view");
        entry.put("timestamp", 42L);
        GenericRecord old = new GenericData.Record(v1);
        old.put("entries", List.of(entry));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        UserHistory decoded = Serdes.USER_HISTORY.deserialize("t", bytes);

        assertEquals(List.of(new HistoryEntry("i-1", "view", 42L, null)), decoded.getEntries());
    }

    @Test
    void aTrainingExampleWrittenBeforePackedVectorsDecodesWithItsValues() throws Exception {
        Schema v1 = SchemaHistory.previousVersions("TrainingExample").get(0);
        Schema candidateV1 = v1.getField("candidates").schema().getElementType();
        GenericRecord candidate = new GenericData.Record(candidateV1);
        candidate.put("itemId", "i-1");
        candidate.put("label", 1f);
        candidate.put("features", List.of(0.5f, Float.NaN, 3f));
        GenericRecord old = new GenericData.Record(v1);
        old.put("groupId", "e-1");
        old.put("userKey", "u-1");
        old.put("eventType", "purchase");
        old.put("itemId", "i-1");
        old.put("timestamp", 42L);
        old.put("featureVersion", "f");
        old.put("candidateCount", 1);
        old.put("positiveRank", 0);
        old.put("candidates", List.of(candidate));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        io.streamrec.avro.TrainingExample decoded = Serdes.TRAINING_EXAMPLE.deserialize("t", bytes);

        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[]{0.5f, Float.NaN, 3f},
                FeatureVectors.of(decoded.getCandidates().get(0)));
        // and one written now: packed, the same values back
        io.streamrec.avro.ExampleCandidate now = new io.streamrec.avro.ExampleCandidate("i-2", 0f, List.of(),
                FeatureVectors.pack(new float[]{1f, Float.NaN, -2.25f}));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[]{1f, Float.NaN, -2.25f}, FeatureVectors.of(now));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FeatureVectors.unpack(java.nio.ByteBuffer.wrap(new byte[5])));
    }

    @Test
    void currentRoundTrip() {
        ClickEvent e = ClickEvent.newBuilder().setEventId("e").setUserId("u").setItemId("i").setEventType("purchase")
                .setTimestamp(5L).setImpression(List.of("a", "b")).setProperties(Map.of("k", "v")).build();
        byte[] bytes = Serdes.CLICK_EVENT.serialize("t", e);
        assertEquals(e, Serdes.CLICK_EVENT.deserialize("t", bytes));
        // single-object encoding: marker C3 01 then the 8-byte fingerprint
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
    }

    @Test
    void storeValuesRoundTrip() {
        UserFeatures f = UserFeatures.newBuilder().setFirstSeen(1L).setLastSeen(2L).setEventCounts(Map.of("view", 3L))
                .setCategoryAffinity(List.of(new WeightedKey("home", 1.5))).setItemSketch(java.nio.ByteBuffer.wrap(new byte[]{1, 2})).build();
        assertEquals(f, Serdes.USER_FEATURES.deserialize("t", Serdes.USER_FEATURES.serialize("t", f)));
        ItemStats s = ItemStats.newBuilder().setFirstEvent(1L).setLastEvent(2L).setViews(4L)
                .setDecayed(List.of(new DecayedSum(3_600_000L, 2.0))).build();
        assertEquals(s, Serdes.ITEM_STATS.deserialize("t", Serdes.ITEM_STATS.serialize("t", s)));
        ItemNeighbors n = ItemNeighbors.newBuilder().setEntries(List.of(new io.streamrec.avro.NeighborCounter("b", 2.0, 0.5))).setTotalWeight(2.0).build();
        assertEquals(n, Serdes.ITEM_NEIGHBORS.deserialize("t", Serdes.ITEM_NEIGHBORS.serialize("t", n)));
        ItemSignal sig = new ItemSignal("a", "u", null, 5L, List.of(new WeightedKey("b", 0.5)), null);
        assertEquals(sig, Serdes.ITEM_SIGNAL.deserialize("t", Serdes.ITEM_SIGNAL.serialize("t", sig)));
        RankEntry r = new RankEntry("a", 5L, 1.0, 2.0);
        assertEquals(r, Serdes.RANK_ENTRY.deserialize("t", Serdes.RANK_ENTRY.serialize("t", r)));
    }

    @Test
    void garbageIsASerializationError() {
        org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.common.errors.SerializationException.class,
                () -> Serdes.CLICK_EVENT.deserialize("t", new byte[]{1, 2, 3}));
    }
}
