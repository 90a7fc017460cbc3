package io.streamrec.ranker;

import java.util.Arrays;
import java.util.List;

/**
 * NDCG@k and hit rate@k averaged over query groups, computed by this module (not by XGBoost) so that the model and
 * its baselines are measured the same way.
 *
 * <p>Ties in the score are resolved in expectation: the metric is the average over every order of the tied items.
 * A constant score therefore yields exactly the expected metric of a random order, and a baseline feature with many
 * equal values is neither helped nor hurt by the order in which candidates happen to arrive. Gains are
 * {@code 2^label - 1}, as in XGBoost's NDCG, so a binary label counts 1.
 *
 * @param k       cut-off
 * @param groups  groups averaged (only groups with at least one positive count)
 * @param ndcg    mean NDCG@k
 * @param hitRate mean hit rate@k: share of groups with a positive in the top k
 */
public record RankingMetrics(int k, int groups, double ndcg, double hitRate) {

    /** Scores and labels per group, in matching order; groups without a positive are skipped. */
    public static RankingMetrics evaluate(List<float[]> scores, List<float[]> labels, int k) {
        if (scores.size() != labels.size()) {
            throw new IllegalArgumentException(scores.size() + " score groups for " + labels.size() + " label groups");
        }
        double ndcgSum = 0;
        double hitSum = 0;
        int counted = 0;
        for (int g = 0; g < scores.size(); g++) {
            double[] m = evaluateGroup(scores.get(g), labels.get(g), k);
            if (m != null) {
                ndcgSum += m[0];
                hitSum += m[1];
                counted++;
            }
        }
        return counted == 0 ? new RankingMetrics(k, 0, 0, 0)
                : new RankingMetrics(k, counted, ndcgSum / counted, hitSum / counted);
    }

    /** {@code {ndcg, hit}} of one group, or {@code null} when it has no positive. */
    static double[] evaluateGroup(float[] scores, float[] labels, int k) {
        int n = scores.length;
        if (labels.length != n) {
            throw new IllegalArgumentException(n + " scores for " + labels.length + " labels");
        }
        double[] gains = new double[n];
        for (int i = 0; i < n; i++) {
            gains[i] = labels[i] > 0 ? Math.pow(2, labels[i]) - 1 : 0;
        }
        double[] ideal = gains.clone();
        Arrays.sort(ideal);
        double idcg = 0;
        for (int r = 0; r < Math.min(k, n); r++) {
            idcg += ideal[n - 1 - r] / log2(r + 2);
        }
        if (idcg == 0) {
            return null;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(rankValue(scores[b]), rankValue(scores[a])));

        double dcg = 0;
        double probabilityNoHit = 1;
        int pos = 0;
        while (pos < n && pos < k) {
            float blockScore = rankValue(scores[order[pos]]);
            int end = pos;
            double blockGain = 0;
            int blockPositives = 0;
            while (end < n && rankValue(scores[order[end]]) == blockScore) {
                blockGain += gains[order[end]];
                blockPositives += labels[order[end]] > 0 ? 1 : 0;
                end++;
            }
            int size = end - pos;
            int slots = Math.min(end, k) - pos;
            for (int r = pos; r < pos + slots; r++) {
                dcg += (blockGain / size) / log2(r + 2);
            }
            // chance that none of the block's positives lands in its slots inside the top k
            double noneInSlots = 1;
            for (int i = 0; i < slots; i++) {
                noneInSlots *= Math.max(0, size - blockPositives - i) / (double) (size - i);
            }
            probabilityNoHit *= noneInSlots;
            pos = end;
        }
        return new double[] {dcg / idcg, 1 - probabilityNoHit};
    }

    private static float rankValue(float score) {
        return Float.isNaN(score) ? Float.NEGATIVE_INFINITY : score;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
