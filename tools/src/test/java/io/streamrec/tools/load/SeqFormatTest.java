package io.streamrec.tools.load;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeqFormatTest {
    static final long BASE = 1704067200000L; // 2024-01-01T00:00:00Z
    static final String SEQ = "1 10 11 12\n2 20\n\n3 30 31\n4\n";

    private static List<Row> readAll(boolean holdout, Catalog catalog, String prefix) throws IOException {
        List<Row> rows = new ArrayList<>();
        new SeqFormat(holdout, "view", BASE, 60_000L, prefix).read(new BufferedReader(new StringReader(SEQ)), 0, catalog, rows::add);
        return rows;
    }

    @Test
    void holdsOutTheLastItemAndKeepsTimeIncreasing() throws IOException {
        List<Row> rows = readAll(true, null, "");
        assertEquals(5, rows.size());
        assertEquals(List.of(
                new EventJson("seq-1-0", "1", null, "10", "view", BASE, null, null, null),
                new EventJson("seq-1-1", "1", null, "11", "view", BASE + 60_000L, null, null, null)), rows.get(0).events());
        assertEquals(SeqFormat.SKIP_ONLY_HELD_OUT, rows.get(1).skipReason());
        assertEquals(SeqFormat.SKIP_BLANK, rows.get(2).skipReason());
        assertEquals(List.of(
                new EventJson("seq-3-0", "3", null, "30", "view", BASE + 120_000L, null, null, null)), rows.get(3).events());
        assertEquals(SeqFormat.SKIP_NO_ITEMS, rows.get(4).skipReason());
        assertEquals(4, rows.get(3).number());
    }

    @Test
    void sendsEverythingWithoutHoldout() throws IOException {
        List<Row> rows = readAll(false, null, "");
        List<String> ids = rows.stream().flatMap(r -> r.events().stream()).map(EventJson::eventId).toList();
        assertEquals(List.of("seq-1-0", "seq-1-1", "seq-1-2", "seq-2-0", "seq-3-0", "seq-3-1"), ids);
        List<Long> times = rows.stream().flatMap(r -> r.events().stream()).map(EventJson::timestamp).toList();
        assertEquals(List.of(BASE, BASE + 60_000L, BASE + 120_000L, BASE + 180_000L, BASE + 240_000L, BASE + 300_000L), times);
    }

    @Test
    void catalogHasEveryItemIncludingHeldOutOnes() throws IOException {
        Catalog catalog = new Catalog();
        readAll(true, catalog, "b:");
        assertEquals(List.of("b:10", "b:11", "b:12", "b:20", "b:30", "b:31"),
                catalog.items().stream().map(ItemJson::itemId).toList());
        assertEquals(new ItemJson("b:10", null, null, null, null, true), catalog.items().get(0));
    }

    @Test
    void prefixesUserAndItemIds() throws IOException {
        EventJson e = readAll(true, null, "b:").get(0).events().get(0);
        assertEquals(new EventJson("seq-b:1-0", "b:1", null, "b:10", "view", BASE, null, null, null), e);
    }

    @Test
    void endAlignedClockEndsEveryLineAtTheSameInstant() throws IOException {
        List<Row> rows = new ArrayList<>();
        // with hold-out the longest line sends 2 items: 2 slots
        new SeqFormat(true, "view", BASE, 60_000L, "", 2).read(new BufferedReader(new StringReader(SEQ)), 0, null, rows::add);
        assertEquals(List.of(BASE, BASE + 60_000L), rows.get(0).events().stream().map(EventJson::timestamp).toList());
        assertEquals(List.of(BASE + 60_000L), rows.get(3).events().stream().map(EventJson::timestamp).toList(),
                "user 3's only sent item is at the last instant, with user 1's last one");
    }

    @Test
    void autoStepKeepsAWholeFileWithinSevenDays() {
        assertEquals(60_000L, SeqFormat.autoStepMillis(0));
        assertEquals(60_000L, SeqFormat.autoStepMillis(10_081));      // 10,080 steps of 60 s = exactly 7 days
        assertEquals(59_994L, SeqFormat.autoStepMillis(10_082));
        assertEquals(3_433L, SeqFormat.autoStepMillis(176_139));     // the Beauty file with hold-out
        assertEquals(1L, SeqFormat.autoStepMillis(2_000_000_000L));
    }
}
