package io.streamrec.ranker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void positiveSecondOfThree() {
        assertArrayEquals(new double[] {1 / log2(3), 1},
                RankingMetrics.evaluateGroup(new float[] {0.9f, 0.5f, 0.1f}, new float[] {0, 1, 0}, 10), EPS);
    }

    @Test
    void positiveBelowTheCutOffScoresNothing() {
        float[] scores = new float[12];
        float[] labels = new float[12];
        for (int i = 0; i < 12; i++) {
            scores[i] = 12 - i;
        }
        labels[10] = 1; // rank 11
        assertArrayEquals(new double[] {0, 0}, RankingMetrics.evaluateGroup(scores, labels, 10), EPS);
    }

    @Test
    void aConstantScoreIsTheExpectationOfARandomOrder() {
        float[] labels = new float[20];
        labels[13] = 1;
        double expectedDcg = 0;
        for (int r = 1; r <= 10; r++) {
            expectedDcg += 1 / log2(r + 1);
        }
        assertArrayEquals(new double[] {expectedDcg / 20, 0.5},
                RankingMetrics.evaluateGroup(new float[20], labels, 10), EPS);
    }

    @Test
    void tiesAreSharedNotBrokenByArrivalOrder() {
        // the positive ties with one negative for the single slot: half a hit, half the gain
        assertArrayEquals(new double[] {0.5, 0.5},
                RankingMetrics.evaluateGroup(new float[] {1, 1, 0}, new float[] {1, 0, 0}, 1), EPS);
        // two positives among three tied items, two slots: a hit is certain, two thirds of the gain on average
        double[] m = RankingMetrics.evaluateGroup(new float[] {2, 2, 2}, new float[] {1, 1, 0}, 2);
        assertEquals(1.0, m[1], EPS);
        assertEquals(2.0 / 3, m[0], EPS);
    }

    @Test
    void missingScoresRankLast() {
        assertArrayEquals(new double[] {1, 1},
                RankingMetrics.evaluateGroup(new float[] {Float.NaN, 0.1f}, new float[] {0, 1}, 1), EPS);
    }

    @Test
    void groupsWithoutPositiveAreNotAveraged() {
        assertNull(RankingMetrics.evaluateGroup(new float[] {1, 2}, new float[] {0, 0}, 10));
        RankingMetrics m = RankingMetrics.evaluate(
                List.of(new float[] {1, 2}, new float[] {2, 1}, new float[] {1, 2}),
                List.of(new float[] {1, 0}, new float[] {1, 0}, new float[] {0, 0}), 1);
        assertEquals(new RankingMetrics(1, 2, 0.5, 0.5), m);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
