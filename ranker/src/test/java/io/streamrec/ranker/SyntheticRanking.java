package io.streamrec.ranker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A ranking problem with a known answer: the user picks the candidate with the highest utility
 * {@code 1.2*affinity + 1.0*popularity - 0.8*[price > 0.7] + noise}. Ranking by affinity alone (the first feature,
 * the baseline) is therefore good but beatable; {@code noise} carries no signal.
 */
final class SyntheticRanking {

    static final FeatureSchema SCHEMA = FeatureSchema.of("affinity", "popularity", "price", "noise");

    private SyntheticRanking() {
    }

    /** Groups in shuffled order (the trainer must sort them by time); every tenth group has no positive. */
    static List<TrainingGroup> groups(int count, int candidates, long seed) {
        Random random = new Random(seed);
        List<TrainingGroup> groups = new ArrayList<>(count);
        for (int g = 0; g < count; g++) {
            float[][] rows = new float[candidates][];
            int chosen = -1;
            double bestUtility = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < candidates; c++) {
                float[] f = {random.nextFloat(), random.nextFloat(), random.nextFloat(), random.nextFloat()};
                double gumbel = -Math.log(-Math.log(Math.max(1e-12, random.nextDouble())));
                double utility = 1.2 * f[0] + 1.0 * f[1] - (f[2] > 0.7 ? 0.8 : 0) + 0.3 * gumbel;
                if (utility > bestUtility) {
                    bestUtility = utility;
                    chosen = c;
                }
                rows[c] = f;
            }
            boolean outsideCandidates = g % 10 == 9; // the user chose an item the candidate set did not have
            List<TrainingGroup.Candidate> list = new ArrayList<>(candidates);
            for (int c = 0; c < candidates; c++) {
                float label = c == chosen && !outsideCandidates ? 1f : 0f;
                list.add(new TrainingGroup.Candidate("item-" + g + "-" + c, label, rows[c]));
            }
            groups.add(new TrainingGroup("event-" + g, 1_700_000_000_000L + g * 60_000L, list));
        }
        Collections.shuffle(groups, new Random(seed + 1));
        return groups;
    }
}
