package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.tools.ToolException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Query latency under open-loop load from a separate JVM ({@link LoadGenerator}), at increasing total rates until the
 * gateways saturate. Each step is one generator process; the forwarded share comes from the gateways' own counters
 * read before and after the step.
 */
final class QueryLatencyBench {
    /** The endpoint whose p99 decides the reported rate, and the limit it has to stay under. */
    static final double P99_LIMIT_MS = 50.0;

    record Step(double rate, LoadResult result, Map<String, double[]> forwarded, boolean saturated, String why) {
    }

    record Result(int instances, String target, List<Step> steps, Double maxRateUnderLimit) {
    }

    static final double FIRST_WARMUP_SECONDS = 5.0;

    private QueryLatencyBench() {
    }

    static Result run(Gateways gateways, List<LoadSpec.Endpoint> endpoints, String target, double[] rates, double warmup,
                      double duration, Path workDir, PrintStream log) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        List<Step> steps = new ArrayList<>();
        List<String> urls = gateways.urls().stream().map(Object::toString).toList();
        for (int i = 0; i < rates.length; i++) {
            double rate = rates[i];
            // the first step also warms the gateways' query paths (JIT, connection pools): a longer unmeasured start
            double stepWarmup = i == 0 ? Math.max(warmup, FIRST_WARMUP_SECONDS) : warmup;
            LoadSpec spec = new LoadSpec(urls, rate, stepWarmup, duration, 10_000, 42 + i, endpoints);
            Path specFile = workDir.resolve("load-" + gateways.urls().size() + "-" + (long) rate + ".json");
            Files.write(specFile, json.writeValueAsBytes(spec));
            Map<String, Double> before = gateways.queryCounters();
            LoadResult result = spawn(specFile, stepWarmup + duration + 90, json);
            Map<String, Double> after = gateways.queryCounters();
            Map<String, double[]> forwarded = Gateways.forwardedShare(before, after);
            String why = saturation(result, rate / endpoints.size());
            steps.add(new Step(rate, result, forwarded, why != null, why));
            log.println("  " + stepLine(gateways.urls().size(), rate, result, target, why));
            if (why != null) {
                break;
            }
        }
        return new Result(gateways.urls().size(), target, steps, maxRateUnder(steps, target, P99_LIMIT_MS));
    }

    static String stepLine(int instances, double rate, LoadResult r, String target, String why) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "%d instance(s), %,.0f req/s offered:", instances, rate));
        for (Map.Entry<String, LoadResult.Stat> e : r.labels().entrySet()) {
            if (e.getKey().contains(":")) {
                continue;
            }
            sb.append(' ').append(e.getKey()).append(" p99 ").append(Report.num(e.getValue().corrected().p99Ms(), 1)).append(" ms");
            if (e.getValue().errors() > 0) {
                sb.append(" (").append(e.getValue().errors()).append(" errors)");
            }
            sb.append(',');
        }
        sb.append(String.format(java.util.Locale.ROOT, " generator CPU %.1f s", r.cpuSeconds()));
        if (why != null) {
            sb.append(" -- saturated: ").append(why);
        }
        return sb.toString();
    }

    /** Why a step counts as saturated (the last step run), or null: answered rate, errors or latency out of bounds. */
    static String saturation(LoadResult r, double perEndpointRate) {
        for (Map.Entry<String, LoadResult.Stat> e : r.labels().entrySet()) {
            if (e.getKey().contains(":")) {
                continue;
            }
            LoadResult.Stat s = e.getValue();
            if (s.achievedRate() < 0.9 * perEndpointRate) {
                return String.format(java.util.Locale.ROOT, "%s answered %.0f of %.0f req/s", e.getKey(), s.achievedRate(), perEndpointRate);
            }
            if (s.requests() > 0 && s.errors() > 0.05 * s.requests()) {
                return e.getKey() + " failed " + s.errors() + " of " + s.requests() + " requests";
            }
            if (s.corrected().p99Ms() != null && s.corrected().p99Ms() > 2000) {
                return e.getKey() + " p99 over 2 s";
            }
        }
        return null;
    }

    /**
     * The highest offered rate at which the target's corrected p99 stayed under the limit without errors, counting
     * only steps below the first one that did not: a rate that passes above a failing one is noise, not capacity.
     */
    static Double maxRateUnder(List<Step> steps, String target, double limitMs) {
        Double best = null;
        for (Step s : steps) {
            LoadResult.Stat t = s.result().labels().get(target);
            boolean ok = t != null && t.corrected().p99Ms() != null && t.corrected().p99Ms() < limitMs
                    && t.errors() == 0 && !s.saturated();
            if (!ok) {
                break;
            }
            best = s.rate();
        }
        return best;
    }

    private static LoadResult spawn(Path specFile, double timeoutSeconds, ObjectMapper json) throws IOException, InterruptedException {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(javaBin, "-Xms256m", "-Xmx512m", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(), specFile.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (MiniHttp.apiKey() != null) {
            pb.environment().put("STREAMREC_API_KEY", MiniHttp.apiKey());   // the load generator's connections send it too
        }
        Process p = pb.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor((long) timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new ToolException("the load generator did not finish in " + (long) timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            throw new ToolException("the load generator exited " + p.exitValue() + ": " + new String(out, StandardCharsets.UTF_8));
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        String last = text.substring(text.lastIndexOf('\n') + 1);
        return json.readValue(last, LoadResult.class);
    }
}
