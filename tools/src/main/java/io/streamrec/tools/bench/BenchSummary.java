package io.streamrec.tools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The printed report of a run: one table per measured aspect, then the three machine-readable lines. */
final class BenchSummary {
    record Figures(Map<String, Object> results, InputWriter.Written replayWritten, GroupProgress.Run passThrough1,
                   GroupProgress.Run passThrough2, GroupProgress.Run topology, GroupProgress.Run topologyWarmUp, Map<Integer, GroupProgress.Run> gateways,
                   Map<Integer, List<FreshnessBench.Result>> freshness, List<QueryLatencyBench.Result> latency,
                   Map<Integer, List<IngestBench.Result>> ingest, Map<String, Object> footprint,
                   Profiler.Summary profile, boolean recommendationsAvailable, String recommendationsNote) {
    }

    private final Figures f;

    BenchSummary(Supplier<Figures> figures) {
        this.f = figures.get();
    }

    Double topologyRate() {
        return f.topology() == null ? null : f.topology().steadyEventsPerSecond();
    }

    Double passThroughRate() {
        if (f.passThrough1() == null || f.passThrough2() == null) {
            return null;
        }
        // the faster of the two runs: the conservative baseline for the ratio
        return Math.max(f.passThrough1().steadyEventsPerSecond(), f.passThrough2().steadyEventsPerSecond());
    }

    /** The 1-gateway history freshness (the smallest instance count measured). */
    FreshnessBench.Result historyFreshness() {
        for (List<FreshnessBench.Result> rs : f.freshness().values()) {
            for (FreshnessBench.Result r : rs) {
                if (r.what().contains("history")) {
                    return r;
                }
            }
        }
        return null;
    }

    /** The three lines scripts read: always all three, {@code na} where a figure is missing. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(Report.throughputLine(topologyRate(), passThroughRate()));
        FreshnessBench.Result fr = historyFreshness();
        out.add(Report.freshnessLine(fr == null || fr.latency() == null ? null : fr.latency().p50Ms(),
                fr == null || fr.latency() == null ? null : fr.latency().p99Ms()));
        Double recP99 = null;
        Double healthP99 = null;
        Double rate = null;
        if (!f.latency().isEmpty()) {
            QueryLatencyBench.Result first = f.latency().get(0);
            rate = first.maxRateUnderLimit();
            QueryLatencyBench.Step at = stepAt(first, rate);
            if (at != null) {
                LoadResult.Stat rec = at.result().labels().get("recommendations");
                LoadResult.Stat health = at.result().labels().get("health");
                recP99 = rec == null ? null : rec.corrected().p99Ms();
                healthP99 = health == null ? null : health.corrected().p99Ms();
            }
        }
        out.add(Report.latencyLine(recP99, healthP99, rate));
        return out;
    }

    private static QueryLatencyBench.Step stepAt(QueryLatencyBench.Result r, Double rate) {
        if (rate == null) {
            return null;
        }
        for (QueryLatencyBench.Step s : r.steps()) {
            if (s.rate() == rate) {
                return s;
            }
        }
        return null;
    }

    Map<String, Double> throughputBars() {
        Map<String, Double> bars = new LinkedHashMap<>();
        if (f.replayWritten() != null) {
            bars.put("direct producer", f.replayWritten().eventsPerSecond());
        }
        if (passThroughRate() != null) {
            bars.put("pass-through (baseline)", passThroughRate());
        }
        if (topologyRate() != null) {
            bars.put("full topology", topologyRate());
        }
        f.gateways().forEach((n, run) -> bars.put("gateways x" + n, run.steadyEventsPerSecond()));
        return bars;
    }

    @SuppressWarnings("unchecked")
    String table() {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> machine = (Map<String, Object>) f.results().get("machine");
        sb.append("\nstreamrec bench, ").append(f.results().get("date")).append('\n');
        sb.append(String.format(Locale.ROOT, "machine: %s cores, %s, %s, %s; load average at start %s, at the end %s%n",
                machine.get("cores"), Report.bytes((Long) machine.get("memoryBytes")), machine.get("cpu"), machine.get("java"),
                machine.get("loadAverageAtStart"), machine.get("loadAverageAtEnd")));
        sb.append(String.format(Locale.ROOT, "elapsed: %.0f s%n", ((Number) f.results().getOrDefault("elapsedSeconds", 0)).doubleValue()));
        sb.append("command: ").append(f.results().get("command")).append('\n');
        throughputTable(sb);
        freshnessTable(sb);
        latencyTables(sb);
        scaleOutTable(sb);
        footprintTable(sb);
        ingestTable(sb);
        profileTable(sb);
        return sb.toString();
    }

    private void throughputTable(StringBuilder sb) {
        Map<?, ?> t = (Map<?, ?>) f.results().get("throughput");
        Report.Table table = new Report.Table("run", "events", "events/s", "wall s", "vs pass-through", "CPU us/event", "CPU vs pass-through");
        Double baseCpu = f.passThrough1() == null ? null : BenchCommand.minCpu(f.passThrough1(), f.passThrough2());
        Double base = passThroughRate();
        if (f.replayWritten() != null) {
            table.row("direct Kafka producer, writing the input (baseline)", count(f.replayWritten().events()),
                    Report.num(f.replayWritten().eventsPerSecond(), 0), Report.num(f.replayWritten().seconds(), 1), "", "", "");
        }
        if (f.passThrough1() != null) {
            runRow(table, "pass-through Kafka Streams, before (baseline)", f.passThrough1(), base, baseCpu);
            if (f.topologyWarmUp() != null) {
                runRow(table, "full topology, in-process, JIT warm-up run (cold JVM)", f.topologyWarmUp(), base, baseCpu);
            }
            runRow(table, "full topology, in-process", f.topology(), base, baseCpu);
            runRow(table, "pass-through Kafka Streams, after (baseline)", f.passThrough2(), base, baseCpu);
        }
        f.gateways().forEach((n, run) -> runRow(table, "gateways' own topology, " + n + " instance(s)", run, base, baseCpu));
        if (table.isEmpty()) {
            return;
        }
        sb.append(String.format(Locale.ROOT, "%n1. Throughput%s: steady events/s (from 2%% committed to all committed), "
                        + "exactly-once v2, the gateway's Kafka Streams settings, 6 partitions; the measured full-topology run "
                        + "follows the warm-up run in the same JVM, its outputs emptied%n",
                t == null ? "" : String.format(Locale.ROOT, " (%s events: the Online Retail events x %s)", count(((Number) t.get("events")).longValue()), t.get("repetitions"))));
        sb.append(table.render("   "));
        if (topologyRate() != null && base != null) {
            sb.append(String.format(Locale.ROOT, "   ratio full topology / pass-through (the faster pass-through run): %.2f (goal >= 0.5); "
                            + "full topology %s events/s (goal >= 50,000)%n",
                    topologyRate() / base, Report.num(topologyRate(), 0)));
            Double topoCpu = f.topology().cpuMicrosPerEvent();
            if (topoCpu != null && baseCpu != null) {
                sb.append(String.format(Locale.ROOT, "   in CPU per event (robust to other load on the machine): pass-through %.1f us, full topology %.1f us, "
                        + "ratio %.3f%n", baseCpu, topoCpu, baseCpu / topoCpu));
            }
        }
    }

    private static void runRow(Report.Table table, String name, GroupProgress.Run run, Double base, Double baseCpu) {
        if (run == null) {
            return;
        }
        Double cpu = run.cpuMicrosPerEvent();
        String events = run.complete() ? count(run.events()) : count(run.events()) + " of " + count(run.target()) + " (time bound)";
        table.row(name, events, Report.num(run.steadyEventsPerSecond(), 0), Report.num(run.wallSeconds(), 1),
                base == null ? "" : Report.num(run.steadyEventsPerSecond() / base, 2), cpu == null ? "" : Report.num(cpu, 1),
                cpu == null || baseCpu == null ? "" : Report.num(baseCpu / cpu, 3));
    }

    private void freshnessTable(StringBuilder sb) {
        if (f.freshness().isEmpty()) {
            return;
        }
        Report.Table table = new Report.Table("path", "gateways", "background ev/s", "probes", "p50 ms", "p99 ms", "max ms", "timeouts", "errors", "note");
        f.freshness().forEach((n, rs) -> {
            Object phase = f.results().get("serve-" + n);
            Object bg = phase instanceof Map<?, ?> m && m.get("backgroundLoad") instanceof Map<?, ?> b ? b.get("eventsPerSecond") : null;
            String background = bg instanceof Number num ? Report.num(num.doubleValue(), 0) : "";
            for (FreshnessBench.Result r : rs) {
                LatencySummary l = r.latency();
                String note = r.note() == null ? "" : r.note();
                if (r.impliedHits() != null && r.probes() > 0) {
                    note = (note.isEmpty() ? "" : note + "; ") + String.format(Locale.ROOT,
                            "implied item in the changed list: %d of %d", r.impliedHits(), r.probes() - r.timeouts() - r.errors());
                }
                table.row(r.what(), n, background, r.probes(), l == null ? "n/a" : Report.num(l.p50Ms(), 1), l == null ? "n/a" : Report.num(l.p99Ms(), 1),
                        l == null ? "n/a" : Report.num(l.maxMs(), 1), r.timeouts(), r.errors(), note);
            }
        });
        sb.append(String.format(Locale.ROOT, "%n2. Freshness: from the 202 of POST /events until the answer shows the event, "
                + "polled every %d us, under background load (events/s as shown: half of the gateways' measured maximum for "
                + "live traffic, REST ingest and processing together, at most half the in-process topology's rate, plus 100 "
                + "history queries/s); goal p99 < 100 ms%n",
                FreshnessBench.POLL_PAUSE_MICROS));
        sb.append(table.render("   "));
    }

    private void latencyTables(StringBuilder sb) {
        for (QueryLatencyBench.Result r : f.latency()) {
            Report.Table table = new Report.Table("offered req/s", "endpoint", "answered/s", "p50 ms", "p99 ms", "p99.9 ms",
                    "max ms", "errors", "p99 service ms");
            for (QueryLatencyBench.Step s : r.steps()) {
                s.result().labels().forEach((label, st) -> table.row(Report.num(s.rate(), 0), label,
                        Report.num(st.achievedRate(), 0), Report.num(st.corrected().p50Ms(), 2), Report.num(st.corrected().p99Ms(), 2),
                        Report.num(st.corrected().p999Ms(), 2), Report.num(st.corrected().maxMs(), 1),
                        st.errors() + (st.unsent() > 0 ? " (+" + st.unsent() + " unsent)" : ""),
                        Report.num(st.service().p99Ms(), 2)));
                if (s.saturated()) {
                    table.row(Report.num(s.rate(), 0), "(saturated: " + s.why() + ")", "", "", "", "", "", "", "");
                }
            }
            sb.append(String.format(Locale.ROOT, "%n3. Query latency, %d gateway instance(s): open loop from a separate JVM, "
                    + "rate spread evenly over the endpoints, latency from the scheduled send time (coordinated omission corrected)%n",
                    r.instances()));
            sb.append(table.render("   "));
            sb.append(String.format(Locale.ROOT, "   highest offered rate with %s p99 < %.0f ms: %s req/s%s%n", r.target(),
                    QueryLatencyBench.P99_LIMIT_MS, Report.num(r.maxRateUnderLimit(), 0),
                    f.recommendationsAvailable() ? "" : " (GET /recommendations " + f.recommendationsNote() + ")"));
        }
    }

    private void scaleOutTable(StringBuilder sb) {
        if (f.latency().size() < 2 && f.gateways().size() < 2) {
            return;
        }
        List<Integer> counts = new ArrayList<>(f.gateways().keySet());
        String[] header = new String[counts.size() + 1];
        header[0] = "figure";
        for (int i = 0; i < counts.size(); i++) {
            header[i + 1] = counts.get(i) + " instance(s)";
        }
        Report.Table table = new Report.Table(header);
        table.row(prepend("gateway processing, events/s", counts, n -> Report.num(f.gateways().get(n).steadyEventsPerSecond(), 0)));
        table.row(prepend("highest rate, p99 < 50 ms, req/s", counts, n -> {
            QueryLatencyBench.Result r = latencyOf(n);
            return r == null ? "n/a" : Report.num(r.maxRateUnderLimit(), 0);
        }));
        table.row(prepend("ingest, batches of 100, events/s", counts, n -> {
            List<IngestBench.Result> rs = f.ingest().get(n);
            return rs == null ? "n/a" : rs.stream().filter(x -> x.batch() == 100).findFirst().map(x -> Report.num(x.eventsPerSecond(), 0)).orElse("n/a");
        }));
        // forwarded share and the latency of local vs forwarded answers at the highest rate every run reached
        double common = Double.MAX_VALUE;
        for (int n : counts) {
            QueryLatencyBench.Result r = latencyOf(n);
            if (r != null && r.maxRateUnderLimit() != null) {
                common = Math.min(common, r.maxRateUnderLimit());
            }
        }
        if (common != Double.MAX_VALUE) {
            double rate = common;
            table.row(prepend(String.format(Locale.ROOT, "at %,.0f req/s: history p50 / p99 ms", rate), counts, n -> pair(latencyOf(n), rate, "history")));
            table.row(prepend("  answered locally: p50 / p99 ms", counts, n -> pair(latencyOf(n), rate, "history:local")));
            table.row(prepend("  forwarded to the owner: p50 / p99 ms", counts, n -> pair(latencyOf(n), rate, "history:forwarded")));
            table.row(prepend("  share of history queries forwarded", counts, n -> {
                QueryLatencyBench.Step s = stepAt(latencyOf(n), rate);
                double[] fw = s == null ? null : s.forwarded().get("history-store");
                return fw == null ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * fw[2]);
            }));
        }
        sb.append(String.format(Locale.ROOT, "%n4. Scale-out: 1 vs 2 gateway instances on the same machine "
                + "(forwarded: the key's owner is the other instance, one server-side hop)%n"));
        sb.append(table.render("   "));
    }

    private static String pair(QueryLatencyBench.Result r, double rate, String label) {
        QueryLatencyBench.Step s = stepAt(r, rate);
        LoadResult.Stat st = s == null ? null : s.result().labels().get(label);
        return st == null ? "n/a" : Report.num(st.corrected().p50Ms(), 2) + " / " + Report.num(st.corrected().p99Ms(), 2);
    }

    private QueryLatencyBench.Result latencyOf(int instances) {
        for (QueryLatencyBench.Result r : f.latency()) {
            if (r.instances() == instances) {
                return r;
            }
        }
        return null;
    }

    private static Object[] prepend(String first, List<Integer> counts, java.util.function.IntFunction<String> cell) {
        Object[] row = new Object[counts.size() + 1];
        row[0] = first;
        for (int i = 0; i < counts.size(); i++) {
            row[i + 1] = cell.apply(counts.get(i));
        }
        return row;
    }

    @SuppressWarnings("unchecked")
    private void footprintTable(StringBuilder sb) {
        if (f.footprint().isEmpty()) {
            return;
        }
        Report.Table rss = new Report.Table("process", "RSS idle (after start)", "RSS after the run");
        Report.Table stores = new Report.Table("state", "bytes on disk", "keys", "bytes per key");
        f.footprint().forEach((name, value) -> {
            Map<String, Object> m = (Map<String, Object>) value;
            if (m.containsKey("rssIdleBytes")) {
                Map<String, Long> idle = (Map<String, Long>) m.get("rssIdleBytes");
                Map<String, Long> loaded = (Map<String, Long>) m.get("rssLoadedBytes");
                loaded.forEach((proc, bytes) -> rss.row(name + " " + proc, Report.bytes(idle.getOrDefault(proc, -1L)), Report.bytes(bytes)));
                rss.row(name + " bench JVM (load generator runs apart)", "", Report.bytes(((Number) m.get("benchRssBytes")).longValue()));
            }
            Map<String, Object> st = (Map<String, Object>) (m.containsKey("stores") ? m.get("stores") : m.containsKey("storeBytes") ? m : null);
            if (st != null) {
                String label = name.equals("replayTopologyStores") ? "in-process topology after the replay" : name;
                Map<String, Long> perStore = (Map<String, Long>) st.get("storeBytes");
                perStore.forEach((store, bytes) -> stores.row(label + ": " + store, Report.bytes(bytes), "", ""));
                stores.row(label + ": stores keyed by user", Report.bytes(((Number) st.get("userStoreBytes")).longValue()),
                        count(((Number) st.get("users")).longValue()), Report.num((Double) st.get("bytesPerUser"), 0));
                stores.row(label + ": stores keyed by item", Report.bytes(((Number) st.get("itemStoreBytes")).longValue()),
                        count(((Number) st.get("items")).longValue()), Report.num((Double) st.get("bytesPerItem"), 0));
            }
            if (m.containsKey("changelogBytes")) {
                Map<String, Long> cl = (Map<String, Long>) m.get("changelogBytes");
                cl.forEach((store, bytes) -> stores.row(name + ": changelog " + store, Report.bytes(bytes), "", ""));
            }
        });
        sb.append(String.format(Locale.ROOT, "%n5. Footprint: resident memory (VmRSS) and RocksDB state on disk after the stores closed "
                + "(keys: users and guest sessions, items, approximate)%n"));
        if (!rss.isEmpty()) {
            sb.append(rss.render("   "));
        }
        sb.append(stores.render("   "));
    }

    private void ingestTable(StringBuilder sb) {
        if (f.ingest().isEmpty()) {
            return;
        }
        Report.Table table = new Report.Table("POST /events", "gateways", "clients", "events/s", "requests/s", "p50 ms", "p99 ms", "errors");
        if (f.replayWritten() != null) {
            table.row("direct Kafka producer (baseline)", "", "", Report.num(f.replayWritten().eventsPerSecond(), 0), "", "", "", "");
        }
        f.ingest().forEach((n, rs) -> {
            for (IngestBench.Result r : rs) {
                table.row("batches of " + r.batch(), n, r.clients(), Report.num(r.eventsPerSecond(), 0), Report.num(r.requestsPerSecond(), 0),
                        Report.num(r.latency().p50Ms(), 1), Report.num(r.latency().p99Ms(), 1), r.errors());
            }
        });
        sb.append(String.format(Locale.ROOT, "%n6. Ingest path: POST /events, closed loop, 202 only after Kafka acknowledged (acks=all)%n"));
        sb.append(table.render("   "));
    }

    private void profileTable(StringBuilder sb) {
        Profiler.Summary p = f.profile();
        if (p == null) {
            return;
        }
        sb.append(String.format(Locale.ROOT, "%nProfile of the full-topology run (JFR execution samples of the stream threads: %,d; %s)%n",
                p.samples(), p.file()));
        Report.Table areas = new Report.Table("where", "share");
        p.byArea().forEach((a, share) -> areas.row(a, String.format(Locale.ROOT, "%.1f%%", 100 * share)));
        sb.append(areas.render("   "));
        Report.Table self = new Report.Table("hottest methods (own time)", "share");
        p.self().stream().limit(12).forEach(h -> self.row(h.method(), String.format(Locale.ROOT, "%.1f%%", 100 * h.share())));
        sb.append(self.render("   "));
        Report.Table total = new Report.Table("hottest methods (with callees)", "share");
        p.total().stream().limit(15).forEach(h -> total.row(h.method(), String.format(Locale.ROOT, "%.1f%%", 100 * h.share())));
        sb.append(total.render("   "));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
