package io.streamrec.connectors.personalize;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffsetLedgerTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @Test
    void commitsOnlyTheDonePrefixAndSkipsWhatWasAcceptedBeforeARedelivery() {
        OffsetLedger ledger = new OffsetLedger();
        for (long o = 10; o < 15; o++) {
            assertTrue(ledger.track(TP, o));
        }
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(TP, new OffsetAndMetadata(15));
        ledger.done(TP, 11);
        ledger.done(TP, 13);
        assertEquals(Map.of(), ledger.committable(consumed), "10 is not done: nothing to commit");
        ledger.done(TP, 10);
        assertEquals(Map.of(TP, new OffsetAndMetadata(12)), ledger.committable(consumed));
        // the same batch again, after a RetriableException: 10, 11 and 13 are not sent twice
        assertFalse(ledger.track(TP, 10));
        assertFalse(ledger.track(TP, 11));
        assertTrue(ledger.track(TP, 12));
        assertFalse(ledger.track(TP, 13));
        assertTrue(ledger.track(TP, 14));
        ledger.done(TP, 12);
        ledger.done(TP, 14);
        assertEquals(0, ledger.pending());
        // nothing pending: what the worker consumed, including records it skipped itself
        assertEquals(Map.of(TP, new OffsetAndMetadata(16)), ledger.committable(Map.of(TP, new OffsetAndMetadata(16))));
    }
}
