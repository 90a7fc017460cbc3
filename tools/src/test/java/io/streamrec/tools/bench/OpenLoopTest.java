package io.streamrec.tools.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The open-loop schedule and the coordinated-omission correction, on a synthetic timeline (no clock involved). */
class OpenLoopTest {
    private static final long MS = 1_000_000L;

    @Test
    void connectionsInterleaveAtTheirShareOfTheRate() {
        // 4 connections at 25 req/s each: 100 req/s together, one every 10 ms
        OpenLoopSchedule c0 = new OpenLoopSchedule(1_000 * MS, 25, 0, 4);
        OpenLoopSchedule c1 = new OpenLoopSchedule(1_000 * MS, 25, 1, 4);
        OpenLoopSchedule c3 = new OpenLoopSchedule(1_000 * MS, 25, 3, 4);
        assertEquals(1_000 * MS, c0.due(0));
        assertEquals(1_040 * MS, c0.due(1));
        assertEquals(1_010 * MS, c1.due(0));
        assertEquals(1_030 * MS, c3.due(0));
        assertEquals(1_070 * MS, c3.due(1));
    }

    @Test
    void dueBeforeCountsRequestsStrictlyBeforeAnInstant() {
        OpenLoopSchedule s = new OpenLoopSchedule(0, 100, 0, 1);
        assertEquals(0, s.dueBefore(0));
        assertEquals(1, s.dueBefore(1));
        assertEquals(1, s.dueBefore(10 * MS));
        assertEquals(2, s.dueBefore(10 * MS + 1));
        assertEquals(100, s.dueBefore(1_000 * MS));
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 10, 2, 2));
    }

    /**
     * One connection at 100 req/s for 10 s, answers in 1 ms except one that stalls for 1 s. Measured from the send
     * time (what a closed-loop client reports) only that one request is slow: p99 1 ms. Measured from the due time,
     * the 110 requests that queued behind it are slow too: 1000 ms, 991 ms, ... 10 ms, so p99 is 910 ms.
     */
    @Test
    void aStallIsChargedToEveryRequestThatWaitedBehindIt() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(0, 100, 0, 1);
        LatencyRecorder r = new LatencyRecorder();
        long previousAnswer = 0;
        for (int k = 0; k < 1000; k++) {
            long due = schedule.due(k);
            long sent = Math.max(due, previousAnswer);
            long answered = sent + (k == 100 ? 1000 * MS : MS);
            r.record(due, sent, answered);
            previousAnswer = answered;
        }
        LatencySummary corrected = LatencySummary.of(r.corrected());
        LatencySummary service = LatencySummary.of(r.service());
        assertEquals(1000, corrected.count());
        assertEquals(910.0, corrected.p99Ms(), 1.0);
        assertEquals(1000.0, corrected.maxMs(), 1.0);
        assertEquals(1.0, corrected.p50Ms(), 0.01);
        assertEquals(1.0, service.p99Ms(), 0.01);
        assertEquals(1.0, service.p999Ms(), 0.01);
        assertEquals(1000.0, service.maxMs(), 1.0);
    }

    @Test
    void requestsNeverSentBeforeTheEndCountAsAtLeastTheirWait() {
        LatencyRecorder r = new LatencyRecorder();
        r.recordUnsent(0, 500 * MS);
        r.recordUnsent(400 * MS, 500 * MS);
        assertEquals(2, r.unsent());
        assertEquals(2, r.corrected().getTotalCount());
        assertEquals(0, r.service().getTotalCount());
        assertEquals(500.0, LatencySummary.of(r.corrected()).maxMs(), 1.0);
    }

    @Test
    void anEmptyHistogramHasNoPercentiles() {
        LatencySummary s = LatencySummary.of(new LatencyRecorder().corrected());
        assertEquals(0, s.count());
        assertEquals(null, s.p99Ms());
    }

    @Test
    void percentilesOfNanosecondLatencies() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (i + 1) * MS;
        }
        LatencySummary s = LatencySummary.ofNanos(nanos);
        assertEquals(50.0, s.p50Ms(), 0.05);
        assertEquals(99.0, s.p99Ms(), 0.1);
        assertEquals(100.0, s.maxMs(), 0.1);
        assertEquals(50.5, s.meanMs(), 0.1);
    }
}
