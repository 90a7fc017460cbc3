package io.streamrec.ranker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class LocalXgbScorerTest {

    @Test
    void manyThreadsGetTheSameScoresAsOne() throws Exception {
        float[][] rows = TestModels.rows(300);
        try (LocalXgbScorer scorer = LocalXgbScorer.fromBytes(TestModels.small().modelBytes(), 4, "t")) {
            float[] expected = scorer.score(rows);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Integer>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    tasks.add(() -> {
                        int mismatches = 0;
                        for (int i = 0; i < 200; i++) {
                            mismatches += Arrays.equals(expected, scorer.score(rows)) ? 0 : 1;
                        }
                        return mismatches;
                    });
                }
                for (Future<Integer> f : pool.invokeAll(tasks)) {
                    assertEquals(0, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void scoresRowsInOrder() throws IOException {
        float[][] rows = TestModels.rows(20);
        try (LocalXgbScorer scorer = LocalXgbScorer.fromBytes(TestModels.small().modelBytes(), 4, "t")) {
            float[] all = scorer.score(rows);
            for (int i = 0; i < rows.length; i++) {
                assertEquals(all[i], scorer.score(new float[][] {rows[i]})[0]);
            }
            assertArrayEquals(new float[0], scorer.score(new float[0][]));
            assertEquals("local:t", scorer.name());
        }
    }

    @Test
    void rejectsRowsOfAnotherWidth() throws IOException {
        try (LocalXgbScorer scorer = LocalXgbScorer.fromBytes(TestModels.small().modelBytes(), 4, "t")) {
            assertEquals("row 1 has 3 features, the model expects 4", assertThrows(IllegalArgumentException.class,
                    () -> scorer.score(new float[][] {new float[4], new float[3]})).getMessage());
        }
    }

    @Test
    void refusesAModelTrainedOnOtherFeatures() {
        IOException e = assertThrows(IOException.class,
                () -> LocalXgbScorer.fromBytes(TestModels.small().modelBytes(), 5, "t"));
        assertEquals("the model was trained on 4 features, the schema has 5", e.getMessage());
    }

    @Test
    void refusesBytesThatAreNotAModel() {
        IOException e = assertThrows(IOException.class,
                () -> LocalXgbScorer.fromBytes("not a model".getBytes(), 4, "t"));
        assertTrue(e.getMessage().startsWith("not a loadable xgboost model: "), e.getMessage());
        byte[] model = TestModels.small().modelBytes();
        assertThrows(IOException.class,
                () -> LocalXgbScorer.fromBytes(Arrays.copyOf(model, model.length / 2), 4, "t"));
    }

    @Test
    void aClosedScorerSaysSo() throws IOException {
        LocalXgbScorer scorer = LocalXgbScorer.fromBytes(TestModels.small().modelBytes(), 4, "t");
        scorer.close();
        scorer.close();
        ScoringException e = assertThrows(ScoringException.class, () -> scorer.score(TestModels.rows(1)));
        assertEquals("local:t is closed", e.getMessage());
    }
}
