package io.streamrec.ranker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a training run produced. Holds the model as bytes, not as a native booster, so a result can be kept,
 * written or dropped without leaking native memory.
 *
 * @param modelBytes            the best model (trees up to {@link #bestIteration}) in XGBoost's UBJSON format
 * @param roundsTrained         rounds actually run (early stopping may end training before the maximum)
 * @param bestIteration         0-based round with the best validation score (XGBoost's convention); the model
 *                              keeps {@code bestIteration + 1} trees
 * @param trainCurves           per XGBoost metric (e.g. {@code ndcg@10}), its value on the training groups per round
 * @param validationCurves      the same on the validation groups
 * @param featureImportanceGain average gain of the splits on each feature, in schema order (0 when unused)
 * @param modelMetrics          NDCG@k and HR@k of the model on the validation groups, computed by {@link RankingMetrics}
 * @param baselineMetrics       the same for ranking by {@code baselineFeature} alone (higher value first)
 * @param randomMetrics         the same for a random order (exact expectation)
 * @param validationScores      model scores of the validation candidates, split by label, for the score histogram
 */
public record TrainResult(
        byte[] modelBytes,
        FeatureSchema schema,
        TrainerConfig config,
        int roundsTrained,
        int bestIteration,
        boolean stoppedEarly,
        Map<String, List<Double>> trainCurves,
        Map<String, List<Double>> validationCurves,
        Map<String, Double> featureImportanceGain,
        RankingMetrics modelMetrics,
        String baselineFeature,
        RankingMetrics baselineMetrics,
        RankingMetrics randomMetrics,
        Counts counts,
        ScoreSample validationScores,
        Duration trainingTime) {

    public TrainResult {
        Objects.requireNonNull(modelBytes, "modelBytes");
        Objects.requireNonNull(schema, "schema");
        trainCurves = Map.copyOf(trainCurves);
        validationCurves = Map.copyOf(validationCurves);
    }

    /** Trees in the kept model. */
    public int treeCount() {
        return bestIteration + 1;
    }

    /** Best validation value of XGBoost's stopping metric ({@link TrainerConfig#stoppingMetric()}). */
    public double bestValidationScore() {
        return validationCurves.get(config.stoppingMetric()).get(bestIteration);
    }

    /**
     * How many groups and rows went where.
     *
     * @param groupsRead             groups handed to the trainer
     * @param droppedWithoutPositive groups dropped because no candidate had a positive label
     * @param validationFrom         timestamp of the oldest validation group (epoch ms): everything before it trained
     */
    public record Counts(int groupsRead, int droppedWithoutPositive, int trainGroups, int validationGroups,
                         long trainRows, long validationRows, long validationFrom) {
    }

    /** Model scores of validation candidates with a positive label and with label 0. */
    public record ScoreSample(float[] positives, float[] negatives) {
    }
}
