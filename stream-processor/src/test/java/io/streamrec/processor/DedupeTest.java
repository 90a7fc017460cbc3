package io.streamrec.processor;

import io.streamrec.avro.SeenEvent;
import io.streamrec.avro.UserState;
import io.streamrec.schemas.Serdes;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DedupeTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void anIdIsSeenWithinTheHorizonEitherSideAndNotBeyond() {
        ByteBuffer seen = Dedupe.add(Dedupe.EMPTY, 42, 10 * HOUR, HOUR);
        assertTrue(Dedupe.seen(seen, 42, 10 * HOUR, HOUR));
        assertTrue(Dedupe.seen(seen, 42, 11 * HOUR, HOUR));
        assertTrue(Dedupe.seen(seen, 42, 9 * HOUR, HOUR));
        assertFalse(Dedupe.seen(seen, 42, 11 * HOUR + 1, HOUR));
        assertFalse(Dedupe.seen(seen, 43, 10 * HOUR, HOUR));
    }

    @Test
    void keepsAtMostTheCapOldestFirstOutAndNothingOlderThanTheHorizonBeforeTheNewest() {
        ByteBuffer seen = Dedupe.EMPTY;
        for (int i = 0; i < Dedupe.MAX_SEEN + 10; i++) {
            seen = Dedupe.add(seen, i, 1_000 + i, HOUR);
        }
        assertEquals(Dedupe.MAX_SEEN, Dedupe.size(seen));
        assertFalse(Dedupe.seen(seen, 9, 1_009, HOUR), "among the ten oldest, pushed out by the cap");
        assertTrue(Dedupe.seen(seen, 10, 1_010, HOUR));
        assertTrue(Dedupe.seen(seen, Dedupe.MAX_SEEN + 9, 1_000 + Dedupe.MAX_SEEN + 9, HOUR));
        ByteBuffer later = Dedupe.add(seen, 7_000, 1_000 + 3 * HOUR, HOUR);
        assertEquals(1, Dedupe.size(later), "every older entry is past the horizon before the newest");
        assertTrue(Dedupe.seen(later, 7_000, 1_000 + 3 * HOUR, HOUR));
    }

    @Test
    void aStateWrittenWithTheListOfVersionOneIsReadAsTheSameEntries() {
        List<SeenEvent> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            old.add(new SeenEvent(100L + i, 5_000L + i));
        }
        UserState v1 = new UserState(List.of(), null, List.of(), old, Dedupe.EMPTY);
        ByteBuffer packed = Dedupe.of(v1);
        assertEquals(5, Dedupe.size(packed));
        for (int i = 0; i < 5; i++) {
            assertTrue(Dedupe.seen(packed, 100L + i, 5_000L + i, 0));
        }
        assertFalse(Dedupe.seen(packed, 99, 5_000, HOUR));
        assertEquals(0, Dedupe.size(Dedupe.of(null)));
    }

    @Test
    void packedEntriesSurviveTheStoreSerdeIncludingASlicedBuffer() {
        ByteBuffer seen = Dedupe.EMPTY;
        for (int i = 0; i < 20; i++) {
            seen = Dedupe.add(seen, i * 31L, 2_000L + i, HOUR);
        }
        byte[] bytes = Serdes.USER_STATE.serializer().serialize("t", new UserState(List.of(), null, List.of(), List.of(), seen));
        UserState back = Serdes.USER_STATE.deserializer().deserialize("t", bytes);
        ByteBuffer packed = Dedupe.of(back);
        assertEquals(20, Dedupe.size(packed));
        for (int i = 0; i < 20; i++) {
            assertTrue(Dedupe.seen(packed, i * 31L, 2_000L + i, 0));
        }
        // a buffer whose content does not start at index 0 (as a decoder may hand out)
        byte[] raw = new byte[7 + 32];
        ByteBuffer.wrap(raw, 7, 32).putLong(5).putLong(9).putLong(6).putLong(10);
        ByteBuffer slice = ByteBuffer.wrap(raw, 7, 32);
        assertTrue(Dedupe.seen(slice, 6, 10, 0));
        ByteBuffer grown = Dedupe.add(slice, 7, 11, HOUR);
        assertEquals(3, Dedupe.size(grown));
        assertTrue(Dedupe.seen(grown, 5, 9, 0) && Dedupe.seen(grown, 7, 11, 0));
    }
}
