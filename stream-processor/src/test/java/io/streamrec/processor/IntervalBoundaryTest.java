package io.streamrec.processor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntervalBoundaryTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void passesOnceAfterEachShiftedMultiple() {
        IntervalBoundary b = new IntervalBoundary(SECOND, 500);
        assertTrue(b.passed(10_100), "the first question answers true");
        assertFalse(b.passed(10_400));
        assertTrue(b.passed(10_500), "10.5 s is a boundary with a phase of 500 ms");
        assertFalse(b.passed(11_000), "11 s is not");
        assertFalse(b.passed(11_499));
        assertTrue(b.passed(11_501));
    }

    @Test
    void aStreamThreadsPhaseSpreadsTheThreadsOverTheInterval() throws Exception {
        assertEquals(0, phaseOn("streamrec-0c1f-StreamThread-1", 2));
        assertEquals(500, phaseOn("streamrec-0c1f-StreamThread-2", 2));
        assertEquals(0, phaseOn("streamrec-0c1f-StreamThread-3", 2), "a replacement thread's index wraps around");
        assertEquals(0, phaseOn("streamrec-0c1f-StreamThread-2", 1));
        assertEquals(0, phaseOn("main", 2), "not a stream thread");
        assertEquals(0, phaseOn("x-StreamThread-y", 2));
    }

    @Test
    void aThreadsTasksAskForOneCommitOnceTheLastHasActedAtTheBoundary() {
        IntervalBoundary.ThreadGroup g = new IntervalBoundary.ThreadGroup();
        g.join();
        g.join();
        g.join();
        assertFalse(g.acted(7, 1_000));
        assertFalse(g.acted(7, 1_040));
        assertFalse(g.overdue(1_090, 300));
        assertTrue(g.acted(7, 1_090), "the third task drained: commit now");
        assertFalse(g.overdue(2_000, 300), "committed already");
        // a task left: two make the group
        g.leave();
        assertFalse(g.acted(8, 2_000));
        assertTrue(g.acted(8, 2_050));
        // one task never acts at the next boundary (migrated, stuck): the others' drains are committed late, not never
        g.join();
        assertFalse(g.acted(9, 3_000));
        assertFalse(g.acted(9, 3_010));
        assertFalse(g.overdue(3_200, 300));
        assertTrue(g.overdue(3_301, 300));
        assertFalse(g.overdue(3_400, 300), "once a boundary");
        assertFalse(g.acted(9, 3_500), "the late task's drain goes with the next commit");
    }

    private static long phaseOn(String threadName, int threads) throws InterruptedException {
        AtomicLong out = new AtomicLong(-1);
        Thread t = new Thread(() -> out.set(IntervalBoundary.threadPhase(SECOND, threads)), threadName);
        t.start();
        t.join();
        return out.get();
    }
}
