package io.streamrec.ranker;

import java.util.Map;

/** Hears about training as it goes, for example to draw a progress bar. Called on the training thread. */
public interface ProgressListener {

    ProgressListener NONE = round -> { };

    /** Before the first round, once the data is split. */
    default void started(int maxRounds, TrainResult.Counts counts) {
    }

    /** After each boosting round. */
    void round(Round round);

    /** After the last round, whether it was the maximum or early stopping cut training short. */
    default void finished(int roundsTrained, int bestRound, boolean stoppedEarly) {
    }

    /**
     * @param number     1-based round just finished
     * @param maxRounds  the most rounds training may run
     * @param train      XGBoost metrics on the training groups, e.g. {@code ndcg@10 -> 0.71}
     * @param validation the same on the validation groups
     * @param bestRound  1-based round with the best validation score so far
     * @param bestScore  that score
     */
    record Round(int number, int maxRounds, Map<String, Double> train, Map<String, Double> validation,
                 int bestRound, double bestScore) {
        public Round {
            train = Map.copyOf(train);
            validation = Map.copyOf(validation);
        }
    }
}
