package io.streamrec.tools.bench;

import org.HdrHistogram.Histogram;

/**
 * Two histograms (microseconds) for one kind of request: {@code corrected} measures from the moment a request was due
 * by the open-loop schedule, {@code service} from the moment it was actually sent. They differ when the client had to
 * wait for an earlier answer: the service time then hides the queueing a real user would have seen (coordinated
 * omission); the corrected figure does not. Not thread-safe: one recorder per connection, merged afterwards.
 */
public final class LatencyRecorder {
    /** Up to 1 hour, 3 significant digits. */
    static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Histogram corrected = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram service = new Histogram(HIGHEST_MICROS, 3);
    private long errors;
    private long unsent;

    /** One answered request (any status; errors are also counted with {@link #error()}). */
    public void record(long dueNanos, long sentNanos, long answeredNanos) {
        corrected.recordValue(clamp((answeredNanos - dueNanos) / 1000));
        service.recordValue(clamp((answeredNanos - sentNanos) / 1000));
    }

    /**
     * A request that was due before the run ended but could not even be sent because the connection was still
     * waiting: its latency is at least {@code endNanos - dueNanos}, and that lower bound is what is recorded.
     */
    public void recordUnsent(long dueNanos, long endNanos) {
        corrected.recordValue(clamp((endNanos - dueNanos) / 1000));
        unsent++;
    }

    public void error() {
        errors++;
    }

    public void add(LatencyRecorder other) {
        corrected.add(other.corrected);
        service.add(other.service);
        errors += other.errors;
        unsent += other.unsent;
    }

    public Histogram corrected() {
        return corrected;
    }

    public Histogram service() {
        return service;
    }

    public long errors() {
        return errors;
    }

    public long unsent() {
        return unsent;
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(HIGHEST_MICROS, micros));
    }
}
