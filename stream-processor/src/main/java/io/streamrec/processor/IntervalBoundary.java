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
    private final long phaseMs;
    private long last = Long.MIN_VALUE;

    IntervalBoundary(Duration interval) {
        this(interval, 0);
    }

    /** Multiples of the interval shifted by {@code phaseMs} (taken modulo the interval). */
    IntervalBoundary(Duration interval, long phaseMs) {
        this.intervalMs = interval.toMillis();
        this.phaseMs = Math.floorMod(phaseMs, Math.max(1, intervalMs));
    }

    /**
     * The phase of the calling stream thread: its index ({@code ...-StreamThread-N}) spread over the interval, so that
     * the threads of an application reach their boundaries (and commit) one after the other, not all at the same
     * instant on the same cores and broker; 0 for a thread not named so. The tasks of one thread share it.
     */
    static long threadPhase(Duration interval, int threads) {
        String name = Thread.currentThread().getName();
        int at = name.lastIndexOf("-StreamThread-");
        if (at < 0 || threads <= 1) {
            return 0;
        }
        try {
            int n = Integer.parseInt(name.substring(at + "-StreamThread-".length()));
            return interval.toMillis() * (Math.floorMod(n - 1, threads)) / threads;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** How often to check: a tenth of the interval, at most 100 ms. */
    static Duration tick(Duration interval) {
        return Duration.ofMillis(Math.max(1, Math.min(100, interval.toMillis() / 10)));
    }

    /** The index of the last boundary {@link #passed} reported. */
    long last() {
        return last;
    }

    /**
     * The tasks of one stream thread that act at the same boundaries, so that the thread's commit is asked for once
     * every one of them has acted: a wall-clock punctuation counts from its task's initialisation, so the tasks of a
     * thread pass a boundary up to a tick apart, and a commit asked for by the first one committed the others before
     * they had drained (their whole interval's log then went to RocksDB and the changelog, and was read back and
     * deleted a tick later). Asking for a commit is only a request (Kafka Streams also commits on its own interval),
     * so a task that never reports (closed elsewhere, migrated) delays the request by at most {@code overdueMs}.
     */
    static final class ThreadGroup {
        private int tasks;
        private long boundary = Long.MIN_VALUE;
        private int acted;
        private long firstActedAt;
        private boolean committed;

        synchronized void join() {
            tasks++;
        }

        synchronized void leave() {
            tasks = Math.max(0, tasks - 1);
        }

        /** This task acted at boundary {@code b}; true when it is the last of the thread's tasks to do so. */
        synchronized boolean acted(long b, long nowMs) {
            if (b != boundary) {
                boundary = b;
                acted = 0;
                committed = false;
                firstActedAt = nowMs;
            }
            acted++;
            if (!committed && acted >= tasks) {
                committed = true;
                return true;
            }
            return false;
        }

        /** True (once a boundary) when some tasks acted at the last boundary over {@code overdueMs} ago and others not yet. */
        synchronized boolean overdue(long nowMs, long overdueMs) {
            if (!committed && boundary != Long.MIN_VALUE && nowMs - firstActedAt > overdueMs) {
                committed = true;
                return true;
            }
            return false;
        }
    }

    /** True the first time it is asked after the wall clock passed a multiple of the interval. */
    boolean passed(long wallClockMs) {
        long b = Math.floorDiv(wallClockMs - phaseMs, intervalMs);
        if (b == last) {
            return false;
        }
        last = b;
        return true;
    }
}
