package io.streamrec.tools.bench;

import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The highest live-traffic rate the gateways keep up with: the background's traffic (views by random known users of
 * random items, over REST, with the same 100 history queries a second) offered open loop at rising rates, each for
 * {@link #STEP_MILLIS}; a rate is kept up with when the gateways accepted 95 % of it and, within
 * {@link #GRACE_SECONDS} after its step ends, both sides have processed everything (user side committed, item
 * updates drained), and the user side's backlog (input not yet committed) at the step's end was at most
 * {@link #MAX_BACKLOG_SECONDS} of the rate: without that last condition a rate above capacity still passed, its backlog
 * growing through the 20 s and then drained within the grace period (6,000 events/s passed that way on
 * 2026-12-02 while the machine was saturated at 3,000). Short steps judged by the user side alone (12 s, the first version) passed rates at which the
 * item side fell behind for good a minute later. (A burst
 * posted as fast as the gateways accept it and then drained measures something else: a user's many events of the
 * burst are then processed together, one state write for all of them, which steady traffic never allows.)
 */
final class SustainedRate {
    static final long STEP_MILLIS = 20_000;
    /** Longest wait after a step for both sides to have processed it (the drained state must then hold 2.5 s). */
    static final long GRACE_SECONDS = 8;
    /**
     * Largest user-side backlog at a step's end, in seconds of the offered rate: the user side commits its input
     * offsets at every combine (1 s), so about a second of it is uncommitted at any moment by design.
     */
    static final double MAX_BACKLOG_SECONDS = 2.0;
    /** History queries per second during the steps: the freshness background's. */
    static final double QUERIES_PER_SECOND = 100;

    /** One step: the rate offered, what was accepted, and whether all of it was processed in time. */
    record Step(double offered, long accepted, long processed, boolean keptUp) {
    }

    record Result(double eventsPerSecond, List<Step> steps) {
    }

    private SustainedRate() {
    }

    /**
     * Tries {@code rates} in order and stops at the first not kept up with; {@code committed} reads the user side's
     * committed input offsets, {@code drained} waits at most the given seconds for both sides to have processed all
     * input since the given offsets and says whether they did, {@code backlog} reads the user side's backlog (input
     * events not yet committed).
     */
    static Result search(List<URI> urls, List<String> users, String[] items, double[] rates, String runId,
                         java.util.function.Supplier<Map<TopicPartition, Long>> committed,
                         java.util.function.BiPredicate<Map<TopicPartition, Long>, Long> drained,
                         java.util.function.LongSupplier backlog, PrintStream log)
            throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        double best = 0;
        for (int i = 0; i < rates.length; i++) {
            double rate = rates[i];
            Map<TopicPartition, Long> from = committed.get();
            long before = sum(from);
            long accepted;
            long backlogAtEnd;
            try (BackgroundLoad load = new BackgroundLoad(urls, users, items, rate, QUERIES_PER_SECOND, runId + "-sustained-" + i)) {
                GroupProgress.sleep(STEP_MILLIS);
                accepted = load.eventsAccepted();
                backlogAtEnd = backlog.getAsLong();
            }
            boolean caughtUp = drained.test(from, GRACE_SECONDS);
            long processed = sum(committed.get()) - before;
            // the gateways must take the rate in (95 % of it accepted), not fall behind while it lasts, and process all of it
            boolean bounded = backlogAtEnd <= MAX_BACKLOG_SECONDS * rate;
            boolean keptUp = accepted >= 0.95 * rate * STEP_MILLIS / 1000.0 && bounded && caughtUp;
            steps.add(new Step(rate, accepted, processed, keptUp));
            log.printf("  sustained live traffic: %,.0f events/s offered for %d s (and %.0f queries/s), %,d accepted, %,d processed, "
                            + "user-side backlog at the end %,d (%.1f s): %s%n",
                    rate, STEP_MILLIS / 1000, QUERIES_PER_SECOND, accepted, processed, backlogAtEnd, backlogAtEnd / rate,
                    keptUp ? "kept up" : !bounded ? "fell behind during the step (backlog over " + MAX_BACKLOG_SECONDS + " s)"
                            : caughtUp ? "not all accepted" : "fell behind (not processed " + GRACE_SECONDS + " s after)");
            if (!keptUp) {
                break;
            }
            best = accepted / (STEP_MILLIS / 1000.0);
        }
        return new Result(best, steps);
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        long s = 0;
        for (long v : offsets.values()) {
            s += v;
        }
        return s;
    }
}
