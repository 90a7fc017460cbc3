package io.streamrec.ranker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains a learning-to-rank model ({@code rank:ndcg}) from query groups.
 *
 * <p>Groups without a positive candidate are dropped and counted. The newest {@code validationFraction} of the
 * remaining groups (by timestamp) is held out: it drives early stopping and the reported metrics, so the model is
 * judged on events that happened after everything it learned from, as it will be in production.
 *
 * <p>The boosting loop is run here rather than inside {@code XGBoost.train} so that each round can be reported to a
 * {@link ProgressListener} and the best model kept as it is found.
 */
public final class Trainer {

    private static final String TRAIN = "train";
    private static final String VALID = "valid";

    private final TrainerConfig config;
    private final ProgressListener progress;

    public Trainer(TrainerConfig config, ProgressListener progress) {
        this.config = Objects.requireNonNull(config, "config");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    public Trainer(TrainerConfig config) {
        this(config, ProgressListener.NONE);
    }

    public TrainResult train(List<TrainingGroup> groups, FeatureSchema schema) {
        return train(groups.iterator(), schema);
    }

    public TrainResult train(Iterator<TrainingGroup> groups, FeatureSchema schema) {
        long startedAt = System.nanoTime();
        int baselineIndex = config.baselineFeature() == null ? 0 : schema.index(config.baselineFeature());

        List<TrainingGroup> kept = new ArrayList<>();
        int read = 0;
        int dropped = 0;
        while (groups.hasNext()) {
            TrainingGroup group = groups.next();
            read++;
            checkWidth(group, schema);
            if (group.hasPositive()) {
                kept.add(group);
            } else {
                dropped++;
            }
        }
        if (kept.size() < 2) {
            throw new IllegalArgumentException("need at least 2 groups with a positive candidate to train and "
                    + "validate, got " + kept.size() + " (" + dropped + " of " + read + " had no positive)");
        }
        kept.sort(Comparator.comparingLong(TrainingGroup::timestamp).thenComparing(TrainingGroup::groupId));
        int validationCount = (int) Math.min(kept.size() - 1,
                Math.max(1, Math.ceil(kept.size() * config.validationFraction())));
        GroupedRows train = GroupedRows.of(kept.subList(0, kept.size() - validationCount), schema.size());
        GroupedRows valid = GroupedRows.of(kept.subList(kept.size() - validationCount, kept.size()), schema.size());
        TrainResult.Counts counts = new TrainResult.Counts(read, dropped, train.groupCount(), valid.groupCount(),
                train.rowCount(), valid.rowCount(), kept.get(kept.size() - validationCount).timestamp());

        try {
            Boosted boosted = boost(train, valid, schema, counts);
            Booster best = XGBoost.loadModel(boosted.bestModel);
            try {
                List<float[]> scores = valid.split(predict(best, valid));
                return new TrainResult(
                        boosted.bestModel, schema, config,
                        boosted.rounds, boosted.bestIteration, boosted.rounds < config.maxRounds(),
                        boosted.trainCurves, boosted.validCurves,
                        importance(best, schema),
                        RankingMetrics.evaluate(scores, valid.labels(), config.evalAt()),
                        schema.name(baselineIndex),
                        RankingMetrics.evaluate(valid.column(baselineIndex), valid.labels(), config.evalAt()),
                        RankingMetrics.evaluate(valid.constantScores(), valid.labels(), config.evalAt()),
                        counts,
                        scoreSample(scores, valid.labels()),
                        Duration.ofNanos(System.nanoTime() - startedAt));
            } finally {
                best.dispose();
            }
        } catch (XGBoostError | IOException e) {
            throw new IllegalStateException("xgboost training failed: " + e.getMessage(), e);
        }
    }

    private Boosted boost(GroupedRows train, GroupedRows valid, FeatureSchema schema, TrainResult.Counts counts)
            throws XGBoostError {
        DMatrix trainMatrix = train.toDMatrix(schema);
        DMatrix validMatrix = null;
        Booster booster = null;
        try {
            validMatrix = valid.toDMatrix(schema);
            Map<String, DMatrix> watches = new LinkedHashMap<>();
            watches.put(TRAIN, trainMatrix);
            watches.put(VALID, validMatrix);
            // Zero rounds: only creates the booster with both matrices cached; the rounds run below.
            booster = XGBoost.train(trainMatrix, config.xgboostParams(), 0, watches, null, null, null, 0, null);
            for (String metric : config.evalMetrics()) {
                booster.setParam("eval_metric", metric); // each call adds a metric
            }
            DMatrix[] evalMatrices = {trainMatrix, validMatrix};
            String[] evalNames = {TRAIN, VALID};
            String stopping = config.stoppingMetric();

            Boosted result = new Boosted();
            double bestScore = Double.NEGATIVE_INFINITY;
            progress.started(config.maxRounds(), counts);
            for (int i = 0; i < config.maxRounds(); i++) {
                booster.update(trainMatrix, i);
                Map<String, Map<String, Double>> evaluation = parseEvaluation(
                        booster.evalSet(evalMatrices, evalNames, i));
                Map<String, Double> trainMetrics = evaluation.getOrDefault(TRAIN, Map.of());
                Map<String, Double> validMetrics = evaluation.getOrDefault(VALID, Map.of());
                trainMetrics.forEach((m, v) -> result.trainCurves.computeIfAbsent(m, x -> new ArrayList<>()).add(v));
                validMetrics.forEach((m, v) -> result.validCurves.computeIfAbsent(m, x -> new ArrayList<>()).add(v));
                Double score = validMetrics.get(stopping);
                if (score == null) {
                    throw new IllegalStateException("xgboost did not report " + VALID + "-" + stopping
                            + "; it reported " + evaluation);
                }
                result.rounds = i + 1;
                if (score > bestScore) {
                    bestScore = score;
                    result.bestIteration = i;
                    result.bestModel = booster.toByteArray("ubj");
                }
                progress.round(new ProgressListener.Round(i + 1, config.maxRounds(), trainMetrics, validMetrics,
                        result.bestIteration + 1, bestScore));
                if (i - result.bestIteration >= config.earlyStoppingRounds()) {
                    break;
                }
            }
            progress.finished(result.rounds, result.bestIteration + 1, result.rounds < config.maxRounds());
            return result;
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            if (validMatrix != null) {
                validMatrix.dispose();
            }
            trainMatrix.dispose();
        }
    }

    /** Parses {@code [3]\ttrain-ndcg@10:0.71\tvalid-ndcg@10:0.64} into {@code {train={ndcg@10=0.71}, valid=...}}. */
    static Map<String, Map<String, Double>> parseEvaluation(String line) {
        Map<String, Map<String, Double>> result = new LinkedHashMap<>();
        for (String token : line.trim().split("\\s+")) {
            int dash = token.indexOf('-');
            int colon = token.lastIndexOf(':');
            if (token.startsWith("[") || dash < 0 || colon < dash) {
                continue;
            }
            result.computeIfAbsent(token.substring(0, dash), x -> new LinkedHashMap<>())
                    .put(token.substring(dash + 1, colon), Double.parseDouble(token.substring(colon + 1)));
        }
        return result;
    }

    private static float[] predict(Booster booster, GroupedRows rows) throws XGBoostError {
        float[][] out = booster.inplace_predict(rows.data, rows.rowCount(), rows.width, Float.NaN);
        float[] scores = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            scores[i] = out[i][0];
        }
        return scores;
    }

    private static Map<String, Double> importance(Booster booster, FeatureSchema schema) throws XGBoostError {
        Map<String, Double> gain = booster.getScore(schema.names().toArray(new String[0]), "gain");
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (String name : schema.names()) {
            ordered.put(name, gain.getOrDefault(name, 0.0));
        }
        return ordered;
    }

    private static TrainResult.ScoreSample scoreSample(List<float[]> scores, List<float[]> labels) {
        int positives = 0;
        int total = 0;
        for (float[] group : labels) {
            for (float label : group) {
                positives += label > 0 ? 1 : 0;
                total++;
            }
        }
        float[] pos = new float[positives];
        float[] neg = new float[total - positives];
        int p = 0;
        int n = 0;
        for (int g = 0; g < labels.size(); g++) {
            for (int i = 0; i < labels.get(g).length; i++) {
                if (labels.get(g)[i] > 0) {
                    pos[p++] = scores.get(g)[i];
                } else {
                    neg[n++] = scores.get(g)[i];
                }
            }
        }
        return new TrainResult.ScoreSample(pos, neg);
    }

    private static void checkWidth(TrainingGroup group, FeatureSchema schema) {
        for (TrainingGroup.Candidate c : group.candidates()) {
            if (c.features().length != schema.size()) {
                throw new IllegalArgumentException("group " + group.groupId() + ", item " + c.itemId() + ": "
                        + c.features().length + " features, the schema has " + schema.size());
            }
        }
    }

    private static final class Boosted {
        final Map<String, List<Double>> trainCurves = new LinkedHashMap<>();
        final Map<String, List<Double>> validCurves = new LinkedHashMap<>();
        int rounds;
        int bestIteration;
        byte[] bestModel;
    }

    /** Query groups laid out as XGBoost wants them: one dense row-major matrix, groups contiguous. */
    static final class GroupedRows {
        final float[] data;
        final float[] labels;
        final int[] groupSizes;
        final int width;

        private GroupedRows(float[] data, float[] labels, int[] groupSizes, int width) {
            this.data = data;
            this.labels = labels;
            this.groupSizes = groupSizes;
            this.width = width;
        }

        static GroupedRows of(List<TrainingGroup> groups, int width) {
            int rows = 0;
            for (TrainingGroup g : groups) {
                rows += g.candidates().size();
            }
            float[] data = new float[Math.multiplyExact(rows, width)];
            float[] labels = new float[rows];
            int[] sizes = new int[groups.size()];
            int row = 0;
            for (int g = 0; g < groups.size(); g++) {
                List<TrainingGroup.Candidate> candidates = groups.get(g).candidates();
                sizes[g] = candidates.size();
                for (TrainingGroup.Candidate c : candidates) {
                    System.arraycopy(c.features(), 0, data, row * width, width);
                    labels[row++] = c.label();
                }
            }
            return new GroupedRows(data, labels, sizes, width);
        }

        int rowCount() {
            return labels.length;
        }

        int groupCount() {
            return groupSizes.length;
        }

        DMatrix toDMatrix(FeatureSchema schema) throws XGBoostError {
            DMatrix matrix = new DMatrix(data, rowCount(), width, Float.NaN);
            try {
                matrix.setLabel(labels);
                matrix.setGroup(groupSizes);
                matrix.setFeatureNames(schema.names().toArray(new String[0]));
                return matrix;
            } catch (XGBoostError | RuntimeException e) {
                matrix.dispose();
                throw e;
            }
        }

        /** Cuts one value per row into per-group arrays. */
        List<float[]> split(float[] perRow) {
            List<float[]> out = new ArrayList<>(groupSizes.length);
            int offset = 0;
            for (int size : groupSizes) {
                out.add(Arrays.copyOfRange(perRow, offset, offset + size));
                offset += size;
            }
            return out;
        }

        List<float[]> labels() {
            return split(labels);
        }

        List<float[]> column(int feature) {
            float[] values = new float[rowCount()];
            for (int r = 0; r < values.length; r++) {
                values[r] = data[r * width + feature];
            }
            return split(values);
        }

        List<float[]> constantScores() {
            return split(new float[rowCount()]);
        }
    }
}
