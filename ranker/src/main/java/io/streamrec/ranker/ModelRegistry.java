package io.streamrec.ranker;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;

/**
 * Serves the newest valid model under a root directory of {@link ModelWriter} versions, and swaps in newer ones.
 *
 * <p>Valid means: the directory has {@code xgboost-model} and {@code features.txt}, the booster loads, was trained on
 * as many features as the schema lists, and scores a row of zeros to a finite number. A newer version that fails any
 * of this is skipped with the reason recorded (see {@link #list()}); the model already serving stays. A failed version
 * is tried again only when its files change.
 *
 * <p>Thread-safe: the active model is swapped atomically; {@link #scorer()} always scores with the current one, and
 * a replaced model is freed once the calls already using it have finished.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelRegistry.class.getName());
    private static final int CLOSED_RETRIES = 3;

    /** Hears about model changes, on the thread that called {@link #reload()} (or the polling thread). */
    public interface Listener {
        default void activated(String version, String previousVersion) {
        }

        default void loadFailed(String version, String reason) {
        }
    }

    /** The model in service. Owned by the registry: do not close its scorer. */
    public record LoadedModel(String version, Path directory, FeatureSchema schema, LocalXgbScorer scorer,
                              Map<String, Object> metrics) {
    }

    public enum Status { ACTIVE, FAILED, NOT_LOADED }

    /**
     * A version on disk.
     *
     * @param failure why it could not be loaded, when {@code status} is FAILED
     * @param metrics the content of its {@code metrics.json}, empty when missing or unreadable
     */
    public record ModelInfo(String version, Path directory, Status status, String failure,
                            Map<String, Object> metrics) {
    }

    public record LoadFailure(String version, String reason) {
    }

    /**
     * What a reload did.
     *
     * @param changed  whether another model is now active
     * @param failures versions newer than the active one that could not be loaded, newest first
     */
    public record ReloadResult(boolean changed, String activeVersion, String previousVersion,
                               List<LoadFailure> failures) {
    }

    private record Failure(String reason, String filesFingerprint) {
    }

    private final Path root;
    private final Listener listener;
    private final AtomicReference<LoadedModel> active = new AtomicReference<>();
    private final Map<String, Failure> failures = Collections.synchronizedMap(new HashMap<>());
    private final Scorer activeScorer = new ActiveScorer();
    private ScheduledExecutorService poller;

    public ModelRegistry(Path root, Listener listener) {
        this.root = Objects.requireNonNull(root, "root");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public ModelRegistry(Path root) {
        this(root, new Listener() { });
    }

    /** Makes a registry and loads the newest valid model, if there is one. */
    public static ModelRegistry open(Path root) {
        ModelRegistry registry = new ModelRegistry(root);
        registry.reload();
        return registry;
    }

    /**
     * Activates the newest valid version newer than the active one (at start: the newest valid version), trying
     * versions from the newest down. Keeps the active model when none loads.
     */
    public synchronized ReloadResult reload() {
        LoadedModel current = active.get();
        String currentVersion = current == null ? null : current.version();
        List<LoadFailure> failed = new ArrayList<>();
        List<String> versions = versionsNewestFirst();
        failures.keySet().retainAll(versions); // forget versions deleted from disk
        for (String version : versions) {
            if (currentVersion != null && ModelFiles.compareVersions(version, currentVersion) <= 0) {
                break;
            }
            Path dir = root.resolve(version);
            String fingerprint = filesFingerprint(dir);
            Failure known = failures.get(version);
            if (known != null && known.filesFingerprint().equals(fingerprint)) {
                failed.add(new LoadFailure(version, known.reason()));
                continue;
            }
            try {
                LoadedModel loaded = load(version, dir);
                failures.remove(version);
                active.set(loaded);
                if (current != null) {
                    current.scorer().close(); // waits for calls still scoring with it
                }
                LOG.log(Level.INFO, "ranking model {0} active (was {1})", version,
                        currentVersion == null ? "none" : currentVersion);
                listener.activated(version, currentVersion);
                return new ReloadResult(true, version, currentVersion, List.copyOf(failed));
            } catch (IOException | RuntimeException e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                failures.put(version, new Failure(reason, fingerprint));
                failed.add(new LoadFailure(version, reason));
                LOG.log(Level.WARNING, "ranking model {0} not loaded, keeping {1}: {2}", version,
                        currentVersion == null ? "none" : currentVersion, reason);
                listener.loadFailed(version, reason);
            }
        }
        return new ReloadResult(false, currentVersion, currentVersion, List.copyOf(failed));
    }

    public Optional<LoadedModel> active() {
        return Optional.ofNullable(active.get());
    }

    /**
     * Scores with whichever model is active at the time of each call; fails with a {@link ScoringException} while
     * no model is loaded.
     */
    public Scorer scorer() {
        return activeScorer;
    }

    /** Every version on disk, newest first, with its status and metrics. */
    public List<ModelInfo> list() {
        LoadedModel current = active.get();
        List<ModelInfo> result = new ArrayList<>();
        for (String version : versionsNewestFirst()) {
            Path dir = root.resolve(version);
            Failure failure = failures.get(version);
            Status status = current != null && current.version().equals(version) ? Status.ACTIVE
                    : failure != null ? Status.FAILED : Status.NOT_LOADED;
            result.add(new ModelInfo(version, dir, status, failure == null ? null : failure.reason(),
                    readMetrics(dir)));
        }
        return result;
    }

    /** Calls {@link #reload()} every {@code interval} on a daemon thread until {@link #close()}. */
    public synchronized void startPolling(Duration interval) {
        if (poller != null) {
            throw new IllegalStateException("already polling " + root);
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-registry-poll");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, interval.toMillis());
        poller.scheduleWithFixedDelay(() -> {
            try {
                reload();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "polling " + root + " for models failed", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops polling and frees the active model. */
    @Override
    public void close() {
        ScheduledExecutorService p;
        synchronized (this) {
            p = poller;
            poller = null;
        }
        if (p != null) {
            p.shutdownNow();
        }
        LoadedModel current = active.getAndSet(null);
        if (current != null) {
            current.scorer().close();
        }
    }

    private static LoadedModel load(String version, Path dir) throws IOException {
        Path modelFile = dir.resolve(ModelFiles.MODEL);
        if (!Files.isRegularFile(modelFile)) {
            throw new IOException("no " + ModelFiles.MODEL + " in " + dir);
        }
        FeatureSchema schema;
        try {
            schema = FeatureSchema.read(dir);
        } catch (NoSuchFileException e) {
            throw new IOException("no " + ModelFiles.FEATURES + " in " + dir, e);
        }
        LocalXgbScorer scorer = LocalXgbScorer.load(modelFile, schema.size(), version);
        return new LoadedModel(version, dir, schema, scorer, readMetrics(dir));
    }

    private List<String> versionsNewestFirst() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(ModelFiles::isVersion)
                    .sorted((a, b) -> ModelFiles.compareVersions(b, a))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list model directory " + root + ": " + e.getMessage(), e);
        }
    }

    /** Size and modification time of the files a load reads: a change means a failed version deserves a retry. */
    private static String filesFingerprint(Path dir) {
        StringBuilder fp = new StringBuilder();
        for (String name : new String[] {ModelFiles.MODEL, ModelFiles.FEATURES}) {
            Path file = dir.resolve(name);
            try {
                fp.append(Files.size(file)).append('@').append(Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                fp.append("missing");
            }
            fp.append(';');
        }
        return fp.toString();
    }

    private static Map<String, Object> readMetrics(Path dir) {
        Path file = dir.resolve(ModelFiles.METRICS);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return ModelWriter.JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "unreadable {0}: {1}", file, e.getMessage());
            return Map.of();
        }
    }

    private final class ActiveScorer implements Scorer {
        @Override
        public float[] score(float[][] rows) {
            for (int attempt = 0; ; attempt++) {
                LoadedModel model = active.get();
                if (model == null) {
                    throw new ScoringException("no ranking model loaded from " + root);
                }
                try {
                    return model.scorer().score(rows);
                } catch (ScorerClosedException e) {
                    // replaced between reading the reference and scoring: the next read sees the new model
                    if (attempt == CLOSED_RETRIES) {
                        throw e;
                    }
                }
            }
        }

        @Override
        public String name() {
            LoadedModel model = active.get();
            return model == null ? "local:none" : model.scorer().name();
        }
    }
}
