package io.streamrec.ranker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWriterTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T14:25:01Z"), ZoneOffset.UTC);

    @TempDir
    static Path root;
    private static TrainResult result;
    private static Path written;

    @BeforeAll
    static void write() throws IOException {
        result = TestModels.small();
        written = new ModelWriter(root, CLOCK).write(result);
    }

    @Test
    void namesTheDirectoryAfterTheTimeAndWritesEveryFile() throws IOException {
        assertEquals(root.resolve("20261122-142501"), written);
        Set<String> files = new HashSet<>();
        try (Stream<Path> list = Files.list(written)) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        assertEquals(Set.of("xgboost-model", "model.tar.gz", "features.txt", "metrics.json",
                "learning-curve.png", "feature-importance.png", "score-distribution.png"), files);
        assertArrayEquals(result.modelBytes(), Files.readAllBytes(written.resolve("xgboost-model")));
        assertEquals(SyntheticRanking.SCHEMA, FeatureSchema.read(written));
    }

    @Test
    void modelFileIsUniversalBinaryJson() throws IOException {
        byte[] model = Files.readAllBytes(written.resolve("xgboost-model"));
        // '{' then a UBJSON type marker: how XGBoost's loader tells UBJSON from JSON in a file without extension
        assertEquals('{', model[0]);
        assertTrue(Character.isLetter(model[1]), "second byte " + model[1]);
    }

    @Test
    void theFileOnDiskIsTheModelThatWasMeasured() throws IOException {
        List<TrainingGroup> validation = SyntheticRanking.groups(300, 10, 11).stream()
                .filter(TrainingGroup::hasPositive)
                .sorted(Comparator.comparingLong(TrainingGroup::timestamp))
                .toList();
        validation = validation.subList(validation.size() - result.counts().validationGroups(), validation.size());
        List<float[]> scores = new ArrayList<>();
        List<float[]> labels = new ArrayList<>();
        try (LocalXgbScorer scorer = LocalXgbScorer.load(written.resolve("xgboost-model"), 4, "written")) {
            for (TrainingGroup group : validation) {
                float[][] rows = new float[group.candidates().size()][];
                float[] groupLabels = new float[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = group.candidates().get(i).features();
                    groupLabels[i] = group.candidates().get(i).label();
                }
                scores.add(scorer.score(rows));
                labels.add(groupLabels);
            }
        }
        assertEquals(result.modelMetrics(), RankingMetrics.evaluate(scores, labels, 10));
    }

    @Test
    void archiveHoldsOnlyTheModelAtItsRoot() throws IOException {
        try (InputStream in = Files.newInputStream(written.resolve("model.tar.gz"));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry = tar.getNextEntry();
            assertNotNull(entry);
            assertEquals("xgboost-model", entry.getName());
            assertTrue(entry.isFile());
            assertArrayEquals(result.modelBytes(), tar.readAllBytes());
            assertNull(tar.getNextEntry(), "the container would try to load any other file as a model");
        }
    }

    @Test
    void metricsDescribeTheRun() throws IOException {
        JsonNode m = new ObjectMapper().readTree(written.resolve("metrics.json").toFile());
        assertEquals("20261122-142501", m.get("version").asText());
        assertEquals("2026-11-22T14:25:01Z", m.get("createdAt").asText());
        assertEquals("ubj", m.get("modelFormat").asText());
        assertEquals("3.0.4", m.get("xgboostVersion").asText());
        assertEquals("rank:ndcg", m.get("params").get("objective").asText());
        assertEquals("[\"ndcg@10\",\"map@10\"]", m.get("params").get("eval_metric").toString());
        assertEquals(0.3, m.get("params").get("eta").asDouble());
        assertEquals(result.roundsTrained(), m.get("roundsTrained").asInt());
        assertEquals(result.bestIteration(), m.get("bestIteration").asInt());
        assertEquals(result.treeCount(), m.get("trees").asInt());
        JsonNode validation = m.get("validation");
        assertEquals(result.modelMetrics().ndcg(), validation.get("model").get("ndcg@10").asDouble());
        assertEquals(result.modelMetrics().hitRate(), validation.get("model").get("hr@10").asDouble());
        assertEquals("affinity", validation.get("baseline").get("feature").asText());
        assertEquals(result.baselineMetrics().ndcg(), validation.get("baseline").get("ndcg@10").asDouble());
        assertEquals(result.randomMetrics().hitRate(), validation.get("random").get("hr@10").asDouble());
        assertEquals(300, m.get("counts").get("groupsRead").asInt());
        assertEquals(30, m.get("counts").get("groupsDroppedWithoutPositive").asInt());
        assertEquals(SyntheticRanking.SCHEMA.version(), m.get("featureSchemaVersion").asText());
        assertEquals(result.roundsTrained(), m.get("curves").get("validation").get("ndcg@10").size());
        assertEquals(4, m.get("featureImportanceGain").size());
    }

    @Test
    void plotsAreRealPictures() throws IOException {
        for (String name : List.of("learning-curve.png", "feature-importance.png", "score-distribution.png")) {
            BufferedImage image = ImageIO.read(written.resolve(name).toFile());
            assertNotNull(image, name + " does not decode");
            assertTrue(image.getWidth() >= 800 && image.getHeight() >= 250,
                    name + " is " + image.getWidth() + "x" + image.getHeight());
            assertTrue(distinctColours(image) > 20, name + " is nearly blank");
        }
    }

    @Test
    void aSecondModelInTheSameSecondGetsTheNextVersion(@TempDir Path otherRoot) throws IOException {
        ModelWriter writer = new ModelWriter(otherRoot, CLOCK);
        assertEquals(otherRoot.resolve("20261122-142501"), writer.write(result));
        assertEquals(otherRoot.resolve("20261122-142501-2"), writer.write(result));
        try (Stream<Path> list = Files.list(otherRoot)) {
            // nothing half-written is left behind
            assertEquals(Set.of("20261122-142501", "20261122-142501-2"),
                    Set.copyOf(list.map(p -> p.getFileName().toString()).toList()));
        }
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
