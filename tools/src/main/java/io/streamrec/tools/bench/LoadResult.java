package io.streamrec.tools.bench;

import java.util.Map;

/**
 * What {@link LoadGenerator} measured (printed as JSON on its stdout): per label (endpoint, and with several instances
 * endpoint:local / endpoint:forwarded), the corrected and the service-time latencies.
 *
 * @param cpuSeconds CPU time the generator process used, to show whether it, rather than the server, was the limit
 */
public record LoadResult(double offeredRate, double durationSeconds, double cpuSeconds, Map<String, Stat> labels) {

    /**
     * @param achievedRate answered requests per second of the measured period
     * @param unsent       requests due that could not be sent before the end (counted in {@code corrected} as lower bounds)
     */
    public record Stat(long requests, long errors, long unsent, double achievedRate, LatencySummary corrected,
                       LatencySummary service) {
    }
}
