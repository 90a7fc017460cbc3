package io.streamrec.tools.bench;

import org.HdrHistogram.Histogram;

/** Percentiles of a microsecond histogram, in milliseconds; every figure is null when nothing was recorded. */
public record LatencySummary(long count, Double p50Ms, Double p90Ms, Double p99Ms, Double p999Ms, Double maxMs, Double meanMs) {

    public static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, null, null, null, null, null, null);
        }
        return new LatencySummary(micros.getTotalCount(),
                ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()), micros.getMean() / 1000.0);
    }

    /** A summary of latencies given in nanoseconds (freshness probes and the like). */
    public static LatencySummary ofNanos(long[] nanos) {
        Histogram h = new Histogram(LatencyRecorder.HIGHEST_MICROS, 3);
        for (long n : nanos) {
            h.recordValue(Math.max(0, Math.min(LatencyRecorder.HIGHEST_MICROS, n / 1000)));
        }
        return of(h);
    }

    private static Double ms(long micros) {
        return micros / 1000.0;
    }
}
