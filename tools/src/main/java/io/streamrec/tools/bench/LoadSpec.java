package io.streamrec.tools.bench;

import java.util.List;

/**
 * What one open-loop run of {@link LoadGenerator} does: a total request rate spread evenly over the endpoints, each
 * request to a random path of its endpoint. {@code owner} of a path is the index in {@code urls} of the instance that
 * owns its key (-1 when the path has no owner, such as health): with several instances, requests are then also counted
 * as {@code <endpoint>:local} or {@code <endpoint>:forwarded}.
 */
public record LoadSpec(List<String> urls, double rate, double warmupSeconds, double durationSeconds, int timeoutMillis,
                       long seed, List<Endpoint> endpoints) {

    public record Target(String path, int owner) {
    }

    public record Endpoint(String name, List<Target> targets) {
    }

    /** Connections per endpoint: enough that one slow answer does not hold up the schedule, at most 16. */
    public static int connectionsFor(double ratePerEndpoint) {
        return (int) Math.max(2, Math.min(16, Math.ceil(ratePerEndpoint / 100.0)));
    }
}
