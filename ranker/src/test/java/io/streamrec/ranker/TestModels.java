package io.streamrec.ranker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small models trained once per test JVM, and model directories made from them. */
final class TestModels {

    private static TrainResult small;
    private static TrainResult other;

    private TestModels() {
    }

    /** 300 groups, at most 40 rounds: enough to rank, quick to train. */
    static synchronized TrainResult small() {
        if (small == null) {
            small = train(11, 0.3);
        }
        return small;
    }

    /** A second model on other data, so tests can tell two models' scores apart. */
    static synchronized TrainResult other() {
        if (other == null) {
            other = train(12, 0.5);
        }
        return other;
    }

    private static TrainResult train(long seed, double eta) {
        List<TrainingGroup> groups = SyntheticRanking.groups(300, 10, seed);
        TrainerConfig config = TrainerConfig.builder().maxRounds(40).eta(eta).earlyStoppingRounds(10).build();
        return new Trainer(config).train(groups, SyntheticRanking.SCHEMA);
    }

    /** A model directory by hand (no plots): just what the registry reads. */
    static Path directory(Path root, String version, byte[] model, List<String> features) throws IOException {
        Path dir = Files.createDirectories(root.resolve(version));
        Files.write(dir.resolve(ModelFiles.MODEL), model);
        Files.writeString(dir.resolve(ModelFiles.FEATURES), String.join("\n", features) + "\n",
                StandardCharsets.UTF_8);
        return dir;
    }

    static Path directory(Path root, String version, TrainResult result) throws IOException {
        return directory(root, version, result.modelBytes(), result.schema().names());
    }

    /** Rows every test can score: a few candidates of the synthetic problem. */
    static float[][] rows(int count) {
        float[][] rows = new float[count][];
        for (int i = 0; i < count; i++) {
            float x = (i % 17) / 17f;
            rows[i] = new float[] {x, 1 - x, (i % 5) / 5f, (i % 3) / 3f};
        }
        return rows;
    }
}
