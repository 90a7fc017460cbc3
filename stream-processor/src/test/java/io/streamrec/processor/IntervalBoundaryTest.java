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

    private static long phaseOn(String threadName, int threads) throws InterruptedException {
        AtomicLong out = new AtomicLong(-1);
        Thread t = new Thread(() -> out.set(IntervalBoundary.threadPhase(SECOND, threads)), threadName);
        t.start();
        t.join();
        return out.get();
    }
}
