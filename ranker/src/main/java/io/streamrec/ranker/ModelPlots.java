package io.streamrec.ranker;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HorizontalBarChart;
import org.knowm.xchart.HorizontalBarChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The three PNG plots of a model directory, drawn off-screen with XChart. */
final class ModelPlots {

    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color VALIDATION = new Color(214, 39, 40);
    private static final Color NEGATIVE = new Color(120, 120, 120);
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[] {6f, 4f}, 0f);
    private static final int MAX_FEATURES_SHOWN = 40;
    private static final int BINS = 40;

    private ModelPlots() {
    }

    static void writeAll(TrainResult result, Path directory) throws IOException {
        save(learningCurve(result), directory.resolve(ModelFiles.LEARNING_CURVE));
        save(featureImportance(result), directory.resolve(ModelFiles.FEATURE_IMPORTANCE));
        save(scoreDistribution(result), directory.resolve(ModelFiles.SCORE_DISTRIBUTION));
    }

    static XYChart learningCurve(TrainResult result) {
        XYChart chart = new XYChartBuilder().width(1000).height(600)
                .title("Learning curve: XGBoost metrics per boosting round (" + TrainerConfig.OBJECTIVE + ")")
                .xAxisTitle("Boosting round").yAxisTitle("Metric value (higher is better)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        String stopping = result.config().stoppingMetric();
        for (String metric : result.validationCurves().keySet()) {
            boolean solid = metric.equals(stopping);
            for (boolean train : new boolean[] {true, false}) {
                List<Double> values = (train ? result.trainCurves() : result.validationCurves()).get(metric);
                if (values == null || values.isEmpty()) {
                    continue;
                }
                XYSeries series = chart.addSeries((train ? "train " : "validation ") + metric, rounds(values.size()),
                        values);
                series.setMarker(SeriesMarkers.NONE);
                series.setLineColor(train ? TRAIN : VALIDATION);
                series.setLineStyle(solid ? new BasicStroke(2f) : DASHED);
                for (double v : values) {
                    low = Math.min(low, v);
                    high = Math.max(high, v);
                }
            }
        }
        int best = result.bestIteration() + 1;
        XYSeries bestLine = chart.addSeries(String.format(Locale.ROOT, "best round %d (validation %s %.4f)",
                best, stopping, result.bestValidationScore()), List.of(best, best), List.of(low, high));
        bestLine.setMarker(SeriesMarkers.NONE);
        bestLine.setLineColor(Color.DARK_GRAY);
        bestLine.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {2f, 3f}, 0f));
        return chart;
    }

    static HorizontalBarChart featureImportance(TrainResult result) {
        List<Map.Entry<String, Double>> features = new ArrayList<>(result.featureImportanceGain().entrySet());
        features.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
        int shown = Math.min(MAX_FEATURES_SHOWN, features.size());
        List<String> names = new ArrayList<>(shown);
        List<Double> gains = new ArrayList<>(shown);
        for (int i = 0; i < shown; i++) { // the first category is drawn at the top
            names.add(features.get(i).getKey());
            gains.add(features.get(i).getValue());
        }
        String title = "Feature importance: average gain per split"
                + (shown < features.size() ? " (top " + shown + " of " + features.size() + ")" : "");
        HorizontalBarChart chart = new HorizontalBarChartBuilder().width(1000).height(160 + 32 * shown)
                .title(title).xAxisTitle("Average gain").yAxisTitle("Feature").build();
        style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        // one label per bar, however many: the category axis drops labels closer than this hint (in a horizontal
        // bar chart the X hint applies to the vertical category axis)
        chart.getStyler().setXAxisTickMarkSpacingHint(24);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0.###");
        chart.addSeries("gain", gains, names).setFillColor(TRAIN);
        return chart;
    }

    static XYChart scoreDistribution(TrainResult result) {
        float[] positives = result.validationScores().positives();
        float[] negatives = result.validationScores().negatives();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float[] scores : new float[][] {positives, negatives}) {
            for (float s : scores) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
        }
        if (!(max > min)) { // empty or constant: one visible bin
            min = Double.isFinite(min) ? min - 0.5 : 0;
            max = min + 1;
        }
        XYChart chart = new XYChartBuilder().width(1000).height(600)
                .title("Validation scores: chosen items vs other candidates")
                .xAxisTitle("Model score").yAxisTitle("Share of the class in each bin (%)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisDecimalPattern("0.0#");
        addHistogram(chart, String.format(Locale.ROOT, "chosen (label 1), %d candidates", positives.length),
                positives, min, max, VALIDATION);
        addHistogram(chart, String.format(Locale.ROOT, "not chosen (label 0), %d candidates", negatives.length),
                negatives, min, max, NEGATIVE);
        return chart;
    }

    private static void addHistogram(XYChart chart, String name, float[] scores, double min, double max,
                                     Color color) {
        double width = (max - min) / BINS;
        double[] share = new double[BINS];
        for (float s : scores) {
            share[Math.min(BINS - 1, (int) ((s - min) / width))] += 100.0 / scores.length;
        }
        // drawn as steps: each bin is a flat segment from its left to its right edge
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        x.add(min);
        y.add(0.0);
        for (int b = 0; b < BINS; b++) {
            x.add(min + b * width);
            y.add(share[b]);
            x.add(min + (b + 1) * width);
            y.add(share[b]);
        }
        x.add(max);
        y.add(0.0);
        XYSeries series = chart.addSeries(name, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 90));
    }

    private static List<Integer> rounds(int count) {
        List<Integer> x = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            x.add(i);
        }
        return x;
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setAntiAlias(true);
        styler.setChartTitleBoxVisible(false);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        if (styler instanceof org.knowm.xchart.style.AxesChartStyler axes) {
            axes.setPlotGridLinesColor(new Color(225, 225, 225));
        }
    }

    private static void save(Chart<?, ?> chart, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
