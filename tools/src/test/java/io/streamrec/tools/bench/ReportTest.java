package io.streamrec.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Result formatting and the arithmetic behind the reported figures. */
class ReportTest {

    @Test
    void summaryLinesHaveTheirExactShape() {
        assertEquals("bench throughput events_per_s=61234 passthrough_events_per_s=100000 ratio=0.61",
                Report.throughputLine(61234.4, 100000.0));
        assertEquals("bench freshness p50_ms=12.3 p99_ms=87.0", Report.freshnessLine(12.34, 87.0));
        assertEquals("bench latency recommendations_p99_ms=4.6 health_p99_ms=1.2 rate=2000",
                Report.latencyLine(4.56, 1.2, 2000.0));
    }

    @Test
    void missingFiguresAreNaNotZero() {
        assertEquals("bench throughput events_per_s=na passthrough_events_per_s=100000 ratio=na",
                Report.throughputLine(null, 100000.0));
        assertEquals("bench latency recommendations_p99_ms=na health_p99_ms=0.9 rate=400",
                Report.latencyLine(null, 0.9, 400.0));
        assertEquals("bench freshness p50_ms=na p99_ms=na", Report.freshnessLine(Double.NaN, null));
    }

    @Test
    void tablesAlignNamesLeftAndFiguresRight() {
        String t = new Report.Table("run", "events/s").row("pass-through", "100,000").row("topology", "5").render("  ");
        assertEquals(String.join("\n",
                "  run           events/s",
                "  ------------  --------",
                "  pass-through   100,000",
                "  topology             5",
                ""), t);
        assertEquals("| run | events/s |\n|---|---:|\n| topology | 5 |\n",
                new Report.Table("run", "events/s").row("topology", "5").markdown());
    }

    @Test
    void bytesAreShownInBinaryUnits() {
        assertEquals("512 B", Report.bytes(512));
        assertEquals("1.5 KiB", Report.bytes(1536));
        assertEquals("3.0 MiB", Report.bytes(3L * 1024 * 1024));
        assertEquals("n/a", Report.bytes(-1));
    }

    @Test
    void theSteadyRateLeavesOutTheStartUp() {
        // 3 s of start-up with nothing committed, then 1,000 events/s for 10 s
        List<GroupProgress.Sample> samples = List.of(new GroupProgress.Sample(0, 0), new GroupProgress.Sample(3, 0),
                new GroupProgress.Sample(4, 1000), new GroupProgress.Sample(13, 10_000));
        GroupProgress.Run run = GroupProgress.summarize(10_000, 10_000, true, 13, samples);
        assertEquals(1000.0, run.steadyEventsPerSecond(), 1e-9);
        assertEquals(10_000 / 13.0, run.wallEventsPerSecond(), 1e-9);
        assertEquals(9.0, run.steadySeconds(), 1e-9);
    }

    @Test
    void commitsTooFarApartForASteadyPartGiveTheWholeRunsRate() {
        // a pass-through committing every 10 s: nothing, then 90% at once, then the rest 0.04 s later
        List<GroupProgress.Sample> samples = List.of(new GroupProgress.Sample(0, 0), new GroupProgress.Sample(10.5, 0),
                new GroupProgress.Sample(10.56, 9_000), new GroupProgress.Sample(10.6, 10_000));
        GroupProgress.Run run = GroupProgress.summarize(10_000, 10_000, true, 10.6, samples);
        assertEquals(10_000 / 10.6, run.steadyEventsPerSecond(), 1e-9);
        assertEquals(10.6, run.steadySeconds(), 1e-9);
    }

    @Test
    void aForwardedQueryIsCountedOnceAsForwardedAndOnceAsLocal() {
        Map<String, Double> before = Gateways.parseQueryTotals("""
                # TYPE streamrec_query_total counter
                streamrec_query_total{served="local",store="history-store"} 10.0
                streamrec_query_total{served="forwarded",store="history-store"} 4.0
                """);
        Map<String, Double> after = Gateways.parseQueryTotals("""
                streamrec_query_total{served="local",store="history-store"} 110.0
                streamrec_query_total{served="forwarded",store="history-store"} 54.0
                streamrec_query_total{served="local",store="item-neighbors-store"} 7.0
                """);
        double[] history = Gateways.forwardedShare(before, after).get("history-store");
        // 100 client queries (each ends in one local read), 50 of them took a hop
        assertEquals(100.0, history[0], 1e-9);
        assertEquals(50.0, history[1], 1e-9);
        assertEquals(0.5, history[2], 1e-9);
    }

    @Test
    void theReportedRateStopsAtTheFirstStepOverTheLimit() {
        QueryLatencyBench.Step ok1 = step(100, 5.0, 0);
        QueryLatencyBench.Step ok2 = step(200, 20.0, 0);
        QueryLatencyBench.Step slow = step(400, 80.0, 0);
        QueryLatencyBench.Step okAgain = step(600, 30.0, 0);
        assertEquals(200.0, QueryLatencyBench.maxRateUnder(List.of(ok1, ok2, slow, okAgain), "history", 50.0));
        assertEquals(100.0, QueryLatencyBench.maxRateUnder(List.of(ok1, step(200, 10.0, 3)), "history", 50.0));
        assertNull(QueryLatencyBench.maxRateUnder(List.of(slow), "history", 50.0));
    }

    private static QueryLatencyBench.Step step(double rate, double p99, long errors) {
        LatencySummary l = new LatencySummary(100, 1.0, 2.0, p99, p99, p99, 1.0);
        LoadResult r = new LoadResult(rate, 5, 1, Map.of("history", new LoadResult.Stat(100, errors, 0, rate, l, l)));
        return new QueryLatencyBench.Step(rate, r, Map.of(), false, null);
    }

    @Test
    void storeNamesFromStateDirectoryPaths() {
        assertEquals("history-store", Footprint.storeOf(java.nio.file.Path.of("streamrec/0_1/rocksdb/history-store/000012.sst")));
        assertEquals("dedupe-store", Footprint.storeOf(java.nio.file.Path.of("streamrec/0_1/dedupe-store/dedupe-store.1786665600000/CURRENT")));
        assertEquals("items-store", Footprint.storeOf(java.nio.file.Path.of("streamrec/global/rocksdb/items-store/MANIFEST-000005")));
        assertEquals("(task files)", Footprint.storeOf(java.nio.file.Path.of("streamrec/0_1/.checkpoint")));
    }
}
