package io.streamrec.ranker;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints how long {@link LocalXgbScorer} takes to score 300 candidate rows (one recommendation request), for a small
 * early-stopped model and for a larger one (a few hundred trees of depth 6). A program, not a test: it prints numbers.
 *
 * <pre>
 * mvn -B -o -f ranker/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp ranker/target/classes:ranker/target/test-classes:$(cat ranker/target/cp.txt) \
 *     io.streamrec.ranker.LocalScoringBenchmark
 * </pre>
 */
public final class LocalScoringBenchmark {

    private static final int ROWS = 300;
    private static final int WARMUP = 2_000;
    private static final int MEASURED = 20_000;

    public static void main(String[] args) throws IOException {
        TrainResult early = new Trainer(TrainerConfig.defaults())
                .train(SyntheticRanking.groups(2000, 20, 7), SyntheticRanking.SCHEMA);
        // more data and a small step: the best round comes late, so the kept model has a few hundred trees
        TrainResult big = new Trainer(TrainerConfig.builder().maxRounds(400).earlyStoppingRounds(400).eta(0.02)
                .build()).train(SyntheticRanking.groups(10_000, 20, 8), SyntheticRanking.SCHEMA);
        float[][] rows = TestModels.rows(ROWS);
        for (TrainResult model : List.of(early, big)) {
            try (LocalXgbScorer scorer = LocalXgbScorer.fromBytes(model.modelBytes(), 4, "bench")) {
                for (int i = 0; i < WARMUP; i++) {
                    scorer.score(rows);
                }
                long[] nanos = new long[MEASURED];
                for (int i = 0; i < MEASURED; i++) {
                    long start = System.nanoTime();
                    scorer.score(rows);
                    nanos[i] = System.nanoTime() - start;
                }
                Arrays.sort(nanos);
                System.out.printf(Locale.ROOT, "score %d rows x %d features, %3d trees: p50 %6.1f us  p99 %6.1f us"
                                + "  mean %6.1f us  (%d calls, one thread)%n",
                        ROWS, 4, model.treeCount(), nanos[MEASURED / 2] / 1e3, nanos[MEASURED * 99 / 100] / 1e3,
                        Arrays.stream(nanos).average().orElse(0) / 1e3, MEASURED);
            }
        }
    }
}
