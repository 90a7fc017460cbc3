package io.streamrec.processor;

import java.time.Duration;

/**
 * Multiples of an interval on the wall clock, so that every task of an application acts at the same instants.
 *
 * <p>Why: Kafka Streams commits a stream thread's tasks together, and a wall-clock punctuation starts counting when its
 * task is initialised, so tasks punctuating on their own phases make each other's commits happen at odd moments. The
 * combiner's log and the item side's changed states are then written to their changelogs before they are drained or
 * published, and again after. With every task drained (published) at the same boundaries, checked by a short tick,
 * one commit per thread per interval follows the work of all its tasks.
 */
final class IntervalBoundary {
    private final long intervalMs;
    private long last = Long.MIN_VALUE;

    IntervalBoundary(Duration interval) {
        this.intervalMs = interval.toMillis();
    }

    /** How often to check: a tenth of the interval, at most 100 ms. */
    static Duration tick(Duration interval) {
        return Duration.ofMillis(Math.max(1, Math.min(100, interval.toMillis() / 10)));
    }

    /** True the first time it is asked after the wall clock passed a multiple of the interval. */
    boolean passed(long wallClockMs) {
        long b = Math.floorDiv(wallClockMs, intervalMs);
        if (b == last) {
            return false;
        }
        last = b;
        return true;
    }
}
