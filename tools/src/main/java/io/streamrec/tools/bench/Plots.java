package io.streamrec.tools.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PNG charts of the run (xchart, headless). */
final class Plots {
    private Plots() {
    }

    /** Corrected p99 against offered rate: one line per endpoint and instance count. */
    static void latencyVsRate(List<QueryLatencyBench.Result> runs, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("Query latency under open-loop load (p99, corrected for coordinated omission)")
                .xAxisTitle("offered rate, requests/s (all endpoints)").yAxisTitle("p99 latency, ms (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        boolean any = false;
        for (QueryLatencyBench.Result run : runs) {
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (QueryLatencyBench.Step s : run.steps()) {
                s.result().labels().forEach((label, stat) -> {
                    if (!label.contains(":") && stat.corrected().p99Ms() != null) {
                        series.computeIfAbsent(label, k -> new ArrayList<>())
                                .add(new double[]{s.rate(), Math.max(0.01, stat.corrected().p99Ms())});
                    }
                });
            }
            for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
                double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
                double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
                chart.addSeries(e.getKey() + " (" + run.instances() + " inst.)", x, y).setMarker(SeriesMarkers.CIRCLE);
                any = true;
            }
        }
        if (!any) {
            return;
        }
        double[] limitX = {0, runs.stream().flatMap(r -> r.steps().stream()).mapToDouble(QueryLatencyBench.Step::rate).max().orElse(1)};
        chart.addSeries("50 ms", limitX, new double[]{QueryLatencyBench.P99_LIMIT_MS, QueryLatencyBench.P99_LIMIT_MS})
                .setMarker(SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Events per second of each way through: bars. */
    static void throughput(Map<String, Double> bars, Path file) throws IOException {
        if (bars.isEmpty()) {
            return;
        }
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                .title("Throughput, events/s (same broker, same run)").yAxisTitle("events/s").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(15);
        chart.addSeries("events/s", new ArrayList<>(bars.keySet()), new ArrayList<>(bars.values()));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
