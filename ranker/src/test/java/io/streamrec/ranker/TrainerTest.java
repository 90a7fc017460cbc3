package io.streamrec.ranker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static final long FIRST_EVENT = 1_700_000_000_000L;
    private static List<TrainingGroup> groups;
    private static TrainResult result;
    private static String progress;
    private static List<ProgressListener.Round> rounds;

    @BeforeAll
    static void train() {
        groups = SyntheticRanking.groups(2000, 20, 7);
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        StderrProgressBar drawn = new StderrProgressBar(new PrintStream(bar, true, StandardCharsets.UTF_8), false, 25);
        rounds = new ArrayList<>();
        ProgressListener both = new ProgressListener() {
            @Override
            public void started(int maxRounds, TrainResult.Counts counts) {
                drawn.started(maxRounds, counts);
            }

            @Override
            public void round(Round round) {
                rounds.add(round);
                drawn.round(round);
            }

            @Override
            public void finished(int roundsTrained, int bestRound, boolean stoppedEarly) {
                drawn.finished(roundsTrained, bestRound, stoppedEarly);
            }
        };
        result = new Trainer(TrainerConfig.defaults(), both).train(groups, SyntheticRanking.SCHEMA);
        progress = bar.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dropsGroupsWithoutPositiveAndValidatesOnTheNewest() {
        TrainResult.Counts c = result.counts();
        assertEquals(2000, c.groupsRead());
        assertEquals(200, c.droppedWithoutPositive());
        assertEquals(1620, c.trainGroups());
        assertEquals(180, c.validationGroups()); // 10 % of the 1,800 kept
        assertEquals(1620L * 20, c.trainRows());
        assertEquals(180L * 20, c.validationRows());
        // kept groups are 9 of every 10 events a minute apart: the 1,621st kept one is event 1,800
        assertEquals(FIRST_EVENT + 1800 * 60_000L, c.validationFrom());
    }

    @Test
    void stopsEarlyAndKeepsTheBestRound() {
        TrainerConfig config = result.config();
        assertTrue(result.stoppedEarly());
        assertTrue(result.roundsTrained() < config.maxRounds(), "rounds " + result.roundsTrained());
        assertEquals(result.bestIteration() + 1 + config.earlyStoppingRounds(), result.roundsTrained());
        List<Double> valid = result.validationCurves().get("ndcg@10");
        assertEquals(result.roundsTrained(), valid.size());
        assertEquals(result.roundsTrained(), result.trainCurves().get("map@10").size());
        assertEquals(valid.stream().max(Comparator.naturalOrder()).orElseThrow(), result.bestValidationScore());
    }

    @Test
    void beatsRandomOrderAndTheSingleFeatureBaseline() {
        RankingMetrics model = result.modelMetrics();
        RankingMetrics baseline = result.baselineMetrics();
        RankingMetrics random = result.randomMetrics();
        assertEquals("affinity", result.baselineFeature());
        assertEquals(180, model.groups());
        // one positive among 20: the exact expectation of a random order
        assertEquals(0.5, random.hitRate(), 1e-12);
        double expectedDcg = 0;
        for (int r = 1; r <= 10; r++) {
            expectedDcg += 1 / (Math.log(r + 1) / Math.log(2));
        }
        assertEquals(expectedDcg / 20, random.ndcg(), 1e-12);
        assertTrue(model.ndcg() > random.ndcg() + 0.25, model + " vs " + random);
        assertTrue(model.ndcg() > baseline.ndcg() + 0.08, model + " vs " + baseline);
        assertTrue(model.hitRate() > baseline.hitRate(), model + " vs " + baseline);
        assertTrue(baseline.ndcg() > random.ndcg() + 0.1, baseline + " vs " + random);
    }

    @Test
    void ownMetricAgreesWithXgboostsOnTheKeptModel() {
        // Same groups, same definition: if the kept model were not the best round's, these would differ.
        assertEquals(result.bestValidationScore(), result.modelMetrics().ndcg(), 1e-4);
    }

    @Test
    void featureImportanceFollowsTheSignal() {
        Map<String, Double> gain = result.featureImportanceGain();
        assertEquals(SyntheticRanking.SCHEMA.names(), List.copyOf(gain.keySet()));
        assertTrue(gain.get("affinity") > gain.get("noise"), gain.toString());
        assertTrue(gain.get("popularity") > gain.get("noise"), gain.toString());
    }

    @Test
    void validationScoresSeparateChosenItems() {
        TrainResult.ScoreSample s = result.validationScores();
        assertEquals(180, s.positives().length);
        assertEquals(180 * 19, s.negatives().length);
        assertTrue(mean(s.positives()) > mean(s.negatives()) + 0.5);
    }

    @Test
    void reportsEveryRound() {
        assertEquals(result.roundsTrained(), rounds.size());
        ProgressListener.Round last = rounds.get(rounds.size() - 1);
        assertEquals(result.roundsTrained(), last.number());
        assertEquals(500, last.maxRounds());
        assertEquals(result.bestIteration() + 1, last.bestRound());
        assertEquals(Map.of("ndcg@10", result.validationCurves().get("ndcg@10").get(last.number() - 1),
                "map@10", result.validationCurves().get("map@10").get(last.number() - 1)), last.validation());
        String[] lines = progress.split("\n");
        assertEquals("training: 1620 groups (32400 rows), validating on the newest 180; 200 of 2000 groups "
                + "dropped without a positive; at most 500 rounds", lines[0]);
        assertTrue(lines[1].startsWith("[" + ".".repeat(30) + "]   1/500  valid map@10 "),
                lines[1]);
        assertEquals("training: stopped early after " + result.roundsTrained() + " rounds, best round "
                + (result.bestIteration() + 1), lines[lines.length - 1]);
    }

    @Test
    void theSameDataTrainsTheSameModel() {
        TrainResult again = new Trainer(TrainerConfig.defaults()).train(groups, SyntheticRanking.SCHEMA);
        assertEquals(result.bestIteration(), again.bestIteration());
        assertArrayEquals(result.validationScores().positives(), again.validationScores().positives());
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        List<TrainingGroup> bad = List.of(new TrainingGroup("e1", 1, List.of(
                new TrainingGroup.Candidate("i1", 1, new float[] {1, 2}))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(TrainerConfig.defaults()).train(bad, SyntheticRanking.SCHEMA));
        assertEquals("group e1, item i1: 2 features, the schema has 4", e.getMessage());
    }

    @Test
    void needsTwoGroupsWithAPositive() {
        List<TrainingGroup> one = List.of(
                new TrainingGroup("e1", 1, List.of(new TrainingGroup.Candidate("i1", 1, new float[4]))),
                new TrainingGroup("e2", 2, List.of(new TrainingGroup.Candidate("i1", 0, new float[4]))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(TrainerConfig.defaults()).train(one, SyntheticRanking.SCHEMA));
        assertEquals("need at least 2 groups with a positive candidate to train and validate, got 1 "
                + "(1 of 2 had no positive)", e.getMessage());
    }

    @Test
    void configIsCheckedWhenMade() {
        assertEquals("eta must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().eta(0).build()).getMessage());
        assertEquals("validationFraction must be in (0, 1), got 1.0", assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.builder().validationFraction(1).build()).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Trainer(TrainerConfig.builder().baselineFeature("nope").build())
                        .train(groups, SyntheticRanking.SCHEMA));
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
