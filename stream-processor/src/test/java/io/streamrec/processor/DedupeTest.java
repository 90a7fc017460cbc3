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
        ByteBuffer two = Dedupe.add(Dedupe.add(Dedupe.EMPTY, 5, 9, HOUR), 6, 10, HOUR);
        byte[] raw = new byte[7 + two.remaining()];
        two.duplicate().get(raw, 7, two.remaining());
        ByteBuffer slice = ByteBuffer.wrap(raw, 7, two.remaining());
        assertTrue(Dedupe.seen(slice, 6, 10, 0));
        ByteBuffer grown = Dedupe.add(slice, 7, 11, HOUR);
        assertEquals(3, Dedupe.size(grown));
        assertTrue(Dedupe.seen(grown, 5, 9, 0) && Dedupe.seen(grown, 7, 11, 0));
    }

    @Test
    void aBufferOfFormatOneIsReadOnceAsTheSameEntriesInTheSmallerFormat() {
        ByteBuffer v1 = ByteBuffer.allocate(3 * Dedupe.V1_ENTRY_BYTES);
        v1.putLong(-7L).putLong(HOUR).putLong(Long.MAX_VALUE).putLong(3 * HOUR).putLong(12).putLong(2 * HOUR).flip();
        ByteBuffer moved = Dedupe.of(new UserState(List.of(), null, List.of(), List.of(), v1));
        assertEquals(3, Dedupe.size(moved));
        assertEquals(Dedupe.HEADER_BYTES + 3 * Dedupe.ENTRY_BYTES, moved.remaining());
        assertTrue(Dedupe.seen(moved, -7L, HOUR, 0));
        assertTrue(Dedupe.seen(moved, Long.MAX_VALUE, 3 * HOUR, 0));
        assertTrue(Dedupe.seen(moved, 12, 2 * HOUR, 0));
        assertFalse(Dedupe.seen(moved, 12, 2 * HOUR + 1, 0), "event times kept to the millisecond");
        assertFalse(Dedupe.seen(moved, 13, 2 * HOUR, HOUR));
        // read as format 2 again, it is the same (a format-2 length is never a multiple of 16)
        assertEquals(moved, Dedupe.of(new UserState(List.of(), null, List.of(), List.of(), moved)));
    }

    @Test
    void aUserAtTheCapTakesTenBytesAnEntry() {
        ByteBuffer seen = Dedupe.EMPTY;
        for (int i = 0; i < 1_000; i++) {
            seen = Dedupe.add(seen, Dedupe.hash("event-" + i), 1_700_000_000_000L + i * 60_000L, 24 * HOUR);
            assertFalse(seen.remaining() % Dedupe.V1_ENTRY_BYTES == 0 && seen.hasRemaining());
        }
        assertEquals(Dedupe.HEADER_BYTES + Dedupe.MAX_SEEN * 10, seen.remaining());
        for (int i = 1_000 - Dedupe.MAX_SEEN; i < 1_000; i++) {
            assertTrue(Dedupe.seen(seen, Dedupe.hash("event-" + i), 1_700_000_000_000L + i * 60_000L, 24 * HOUR));
        }
        assertFalse(Dedupe.seen(seen, Dedupe.hash("event-" + (1_000 - Dedupe.MAX_SEEN - 1)), 1_700_000_000_000L, 24 * HOUR));
    }

    @Test
    void aHorizonLongerThanTheAgesCanHoldIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ProcessorConfig.from(java.util.Map.of(ProcessorConfig.DEDUPE_HORIZON, "60d")));
        assertTrue(e.getMessage().contains("at most 49 days"), e.getMessage());
    }
}
