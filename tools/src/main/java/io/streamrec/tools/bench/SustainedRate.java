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
 * updates drained). Short steps judged by the user side alone (12 s, the first version) passed rates at which the
 * item side fell behind for good a minute later. (A burst
 * posted as fast as the gateways accept it and then drained measures something else: a user's many events of the
 * burst are then processed together, one state write for all of them, which steady traffic never allows.)
 */
final class SustainedRate {
    static final long STEP_MILLIS = 20_000;
    /** Longest wait after a step for both sides to have processed it (the drained state must then hold 2.5 s). */
    static final long GRACE_SECONDS = 8;
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
     * input since the given offsets and says whether they did.
     */
    static Result search(List<URI> urls, List<String> users, String[] items, double[] rates, String runId,
                         java.util.function.Supplier<Map<TopicPartition, Long>> committed,
                         java.util.function.BiPredicate<Map<TopicPartition, Long>, Long> drained, PrintStream log)
            throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        double best = 0;
        for (int i = 0; i < rates.length; i++) {
            double rate = rates[i];
            Map<TopicPartition, Long> from = committed.get();
            long before = sum(from);
            long accepted;
            try (BackgroundLoad load = new BackgroundLoad(urls, users, items, rate, QUERIES_PER_SECOND, runId + "-sustained-" + i)) {
                GroupProgress.sleep(STEP_MILLIS);
                accepted = load.eventsAccepted();
            }
            boolean caughtUp = drained.test(from, GRACE_SECONDS);
            long processed = sum(committed.get()) - before;
            // the gateways must take the rate in (95 % of it accepted) and process all of it
            boolean keptUp = accepted >= 0.95 * rate * STEP_MILLIS / 1000.0 && caughtUp;
            steps.add(new Step(rate, accepted, processed, keptUp));
            log.printf("  sustained live traffic: %,.0f events/s offered for %d s (and %.0f queries/s), %,d accepted, %,d processed: %s%n",
                    rate, STEP_MILLIS / 1000, QUERIES_PER_SECOND, accepted, processed,
                    keptUp ? "kept up" : caughtUp ? "not all accepted" : "fell behind (not processed " + GRACE_SECONDS + " s after)");
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
