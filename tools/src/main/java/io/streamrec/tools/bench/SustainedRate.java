package io.streamrec.tools.bench;

import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The highest live-traffic rate the gateways keep up with: the background's traffic (views by random known users of
 * random items, over REST) offered open loop at rising rates, each for {@link #STEP_MILLIS}; a rate is kept up with
 * when the gateways accepted 95 % of it and, {@link #GRACE_MILLIS} after its step ends, the user side has committed
 * every event the step posted. (A burst
 * posted as fast as the gateways accept it and then drained measures something else: a user's many events of the
 * burst are then processed together, one state write for all of them, which steady traffic never allows.)
 */
final class SustainedRate {
    static final long STEP_MILLIS = 12_000;
    static final long GRACE_MILLIS = 3_000;

    /** One step: the rate offered, what was accepted, and whether all of it was processed in time. */
    record Step(double offered, long accepted, long processed, boolean keptUp) {
    }

    record Result(double eventsPerSecond, List<Step> steps) {
    }

    private SustainedRate() {
    }

    /**
     * Tries {@code rates} in order and stops at the first not kept up with; {@code committed} reads the user side's
     * committed input offsets.
     */
    static Result search(List<URI> urls, List<String> users, String[] items, double[] rates, String runId,
                         java.util.function.Supplier<Map<TopicPartition, Long>> committed, PrintStream log)
            throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        double best = 0;
        for (int i = 0; i < rates.length; i++) {
            double rate = rates[i];
            long before = sum(committed.get());
            long accepted;
            try (BackgroundLoad load = new BackgroundLoad(urls, users, items, rate, 0, runId + "-sustained-" + i)) {
                GroupProgress.sleep(STEP_MILLIS);
                accepted = load.eventsAccepted();
            }
            long processed = 0;
            long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
            while (System.nanoTime() < deadline) {
                processed = sum(committed.get()) - before;
                if (processed >= accepted) {
                    break;
                }
                GroupProgress.sleep(250);
            }
            // the gateways must take the rate in (95 % of it accepted) and process all of it
            boolean keptUp = accepted >= 0.95 * rate * STEP_MILLIS / 1000.0 && processed >= accepted;
            steps.add(new Step(rate, accepted, processed, keptUp));
            log.printf("  sustained live traffic: %,.0f events/s offered for %d s, %,d accepted, %,d processed %d s after: %s%n",
                    rate, STEP_MILLIS / 1000, accepted, processed, GRACE_MILLIS / 1000, keptUp ? "kept up" : "fell behind");
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
