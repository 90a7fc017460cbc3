package io.streamrec.ranker;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes a trained model as a versioned directory {@code <root>/<version>/} (see {@link ModelFiles}).
 *
 * <p>Everything is written into a hidden temporary directory under the root and then renamed into place in one
 * atomic step, so a reader (the {@link ModelRegistry}, another instance sharing the volume) sees either no directory
 * or a complete one.
 */
public final class ModelWriter {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final Clock clock;

    public ModelWriter(Path root) {
        this(root, Clock.systemUTC());
    }

    public ModelWriter(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Writes the model and returns its directory, whose name is the version. */
    public Path write(TrainResult result) throws IOException {
        Files.createDirectories(root);
        Instant created = clock.instant();
        Path staging = Files.createTempDirectory(root, ".writing-");
        try {
            readableByAll(staging);
            // metrics.json names its own version, so the version is chosen first and re-chosen on a clash
            for (int attempt = 1; ; attempt++) {
                String version = ModelFiles.version(created, attempt);
                Path target = root.resolve(version);
                if (Files.exists(target)) {
                    continue;
                }
                writeFiles(result, version, created, staging);
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    return target;
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot rename atomically within " + root + ": " + e.getMessage(), e);
                } catch (FileSystemException e) {
                    if (!Files.exists(target)) {
                        throw e;
                    }
                    // another writer took this version between the check and the rename: take the next one
                }
            }
        } finally {
            deleteRecursively(staging);
        }
    }

    private static void writeFiles(TrainResult result, String version, Instant created, Path dir)
            throws IOException {
        byte[] model = result.modelBytes();
        Files.write(dir.resolve(ModelFiles.MODEL), model);
        writeArchive(model, created, dir.resolve(ModelFiles.ARCHIVE));
        result.schema().write(dir);
        JSON.writeValue(dir.resolve(ModelFiles.METRICS).toFile(), metrics(result, version, created));
        ModelPlots.writeAll(result, dir);
    }

    private static void writeArchive(byte[] model, Instant created, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
             GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            TarArchiveEntry entry = new TarArchiveEntry(ModelFiles.MODEL);
            entry.setSize(model.length);
            entry.setMode(0100644);
            entry.setModTime(Date.from(created));
            tar.putArchiveEntry(entry);
            tar.write(model);
            tar.closeArchiveEntry();
            tar.finish();
        }
    }

    static Map<String, Object> metrics(TrainResult r, String version, Instant created) {
        TrainerConfig config = r.config();
        String k = "@" + config.evalAt();
        Map<String, Object> params = new LinkedHashMap<>(config.xgboostParams());
        params.put("eval_metric", List.of(config.evalMetrics()));

        Map<String, Object> xgboostAtBest = new LinkedHashMap<>();
        r.validationCurves().forEach((metric, values) -> xgboostAtBest.put(metric, values.get(r.bestIteration())));
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("groups", r.modelMetrics().groups());
        validation.put("model", rankingMetrics(r.modelMetrics(), k));
        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("feature", r.baselineFeature());
        baseline.putAll(rankingMetrics(r.baselineMetrics(), k));
        validation.put("baseline", baseline);
        validation.put("random", rankingMetrics(r.randomMetrics(), k));
        validation.put("xgboostAtBestIteration", xgboostAtBest);

        TrainResult.Counts c = r.counts();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("groupsRead", c.groupsRead());
        counts.put("groupsDroppedWithoutPositive", c.droppedWithoutPositive());
        counts.put("trainGroups", c.trainGroups());
        counts.put("validationGroups", c.validationGroups());
        counts.put("trainRows", c.trainRows());
        counts.put("validationRows", c.validationRows());
        counts.put("validationFrom", Instant.ofEpochMilli(c.validationFrom()).toString());

        Map<String, Object> curves = new LinkedHashMap<>();
        curves.put("train", r.trainCurves());
        curves.put("validation", r.validationCurves());

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("createdAt", created.toString());
        m.put("modelFile", ModelFiles.MODEL);
        m.put("modelFormat", "ubj");
        m.put("xgboostVersion", xgboostVersion());
        m.put("objective", TrainerConfig.OBJECTIVE);
        m.put("params", params);
        m.put("maxRounds", config.maxRounds());
        m.put("earlyStoppingRounds", config.earlyStoppingRounds());
        m.put("validationFraction", config.validationFraction());
        m.put("roundsTrained", r.roundsTrained());
        m.put("bestIteration", r.bestIteration());
        m.put("trees", r.treeCount());
        m.put("stoppedEarly", r.stoppedEarly());
        m.put("featureSchemaVersion", r.schema().version());
        m.put("features", r.schema().names());
        m.put("validation", validation);
        m.put("counts", counts);
        m.put("featureImportanceGain", r.featureImportanceGain());
        m.put("trainingSeconds", r.trainingTime().toMillis() / 1000.0);
        m.put("curves", curves);
        return m;
    }

    private static Map<String, Object> rankingMetrics(RankingMetrics metrics, String k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ndcg" + k, metrics.ndcg());
        m.put("hr" + k, metrics.hitRate());
        return m;
    }

    /** The version of the bundled native library, as xgboost4j records it in its jar. */
    static String xgboostVersion() {
        try (InputStream in = ml.dmlc.xgboost4j.java.XGBoost.class.getResourceAsStream(
                "/xgboost4j-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A temporary directory starts as owner-only; a model directory is read by other processes (the gateway). */
    private static void readableByAll(Path dir) throws IOException {
        if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
