package io.streamrec.tools.bench;

/**
 * When each request of one connection is due in an open-loop (wrk2-style) run: connection {@code c} of {@code n}
 * sends at a fixed rate, its first request offset by {@code c/n} of an interval so that the connections interleave.
 * Request {@code k} is due at {@code start + phase + k * interval}, whatever happened to request {@code k-1}; a late
 * answer therefore delays the requests behind it, and measuring each from its due time (not from when it could finally
 * be sent) counts that waiting: the correction for coordinated omission.
 */
public final class OpenLoopSchedule {
    private final long startNanos;
    private final double intervalNanos;
    private final long phaseNanos;

    /**
     * @param startNanos   the run's start, in {@link System#nanoTime()} units
     * @param ratePerSecond requests per second of this connection, > 0
     */
    public OpenLoopSchedule(long startNanos, double ratePerSecond, int connection, int connections) {
        if (!(ratePerSecond > 0) || connections < 1 || connection < 0 || connection >= connections) {
            throw new IllegalArgumentException("rate must be > 0 and 0 <= connection < connections");
        }
        this.startNanos = startNanos;
        this.intervalNanos = 1e9 / ratePerSecond;
        this.phaseNanos = Math.round(intervalNanos * connection / connections);
    }

    /** Due time of request {@code k} (0-based). */
    public long due(long k) {
        return startNanos + phaseNanos + Math.round(k * intervalNanos);
    }

    /** How many requests are due strictly before {@code nanos}. */
    public long dueBefore(long nanos) {
        long first = startNanos + phaseNanos;
        if (nanos <= first) {
            return 0;
        }
        long k = (long) Math.ceil((nanos - first) / intervalNanos);
        // guard the rounding of due(k) at the boundary
        while (k > 0 && due(k - 1) >= nanos) {
            k--;
        }
        while (due(k) < nanos) {
            k++;
        }
        return k;
    }

    public double intervalNanos() {
        return intervalNanos;
    }
}
