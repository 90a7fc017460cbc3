package io.streamrec.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streamrec.ranker.FeatureSchema;
import io.streamrec.ranker.ModelWriter;
import io.streamrec.ranker.TrainResult;
import io.streamrec.ranker.Trainer;
import io.streamrec.ranker.TrainerConfig;
import io.streamrec.ranker.TrainingGroup;
import io.streamrec.recommend.Features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A fresh, empty models directory for the gateway under test, and real (small) models to put in it. */
public class ModelsDirResource implements QuarkusTestResourceLifecycleManager {
    static volatile Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("streamrec-test-models-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("streamrec.models.dir", dir.toString());
    }

    @Override
    public void stop() {
        // left for inspection; the OS cleans temporary directories
    }

    /**
     * Trains a real model with the ranker's trainer on synthetic groups in which the relevant item is the one with the
     * highest neighbor score, and writes it as a new version.
     */
    static Path writeModel() throws IOException {
        Random random = new Random(7);
        int nb = Features.NAMES.indexOf("c_nb_score");
        List<TrainingGroup> groups = new ArrayList<>();
        for (int g = 0; g < 60; g++) {
            List<TrainingGroup.Candidate> candidates = new ArrayList<>();
            int best = random.nextInt(8);
            for (int i = 0; i < 8; i++) {
                float[] f = new float[Features.SIZE];
                for (int k = 0; k < f.length; k++) {
                    f[k] = random.nextFloat();
                }
                f[nb] = i == best ? 1f + random.nextFloat() : random.nextFloat();
                candidates.add(new TrainingGroup.Candidate("i" + i, i == best ? 1f : 0f, f));
            }
            groups.add(new TrainingGroup("g" + g, g, candidates));
        }
        TrainResult result = new Trainer(TrainerConfig.builder().maxRounds(8).earlyStoppingRounds(8).threads(1).build())
                .train(groups, FeatureSchema.of(Features.NAMES));
        return new ModelWriter(dir).write(result);
    }
}
