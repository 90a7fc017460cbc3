package io.streamrec.ranker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

    private static final float[][] ROWS = TestModels.rows(50);

    @TempDir
    Path root;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ModelRegistry.Listener recording = new ModelRegistry.Listener() {
        @Override
        public void activated(String version, String previousVersion) {
            events.add("activated " + version + " after " + previousVersion);
        }

        @Override
        public void loadFailed(String version, String reason) {
            events.add("failed " + version);
        }
    };

    @Test
    void withoutModelsNothingIsActive() {
        try (ModelRegistry registry = ModelRegistry.open(root.resolve("missing"))) {
            assertTrue(registry.active().isEmpty());
            assertEquals(List.of(), registry.list());
            ScoringException e = assertThrows(ScoringException.class, () -> registry.scorer().score(ROWS));
            assertTrue(e.getMessage().startsWith("no ranking model loaded from "), e.getMessage());
        }
    }

    @Test
    void startsWithTheNewestValidModel() throws IOException {
        TestModels.directory(root, "20261120-100000", TestModels.other());
        TestModels.directory(root, "20261121-100000", TestModels.small());
        TestModels.directory(root, "20261122-100000", "garbage".getBytes(), SyntheticRanking.SCHEMA.names());
        Files.createDirectories(root.resolve(".writing-123"));
        Files.createDirectories(root.resolve("notes"));
        try (ModelRegistry registry = new ModelRegistry(root, recording)) {
            ModelRegistry.ReloadResult r = registry.reload();
            assertTrue(r.changed());
            assertEquals("20261121-100000", r.activeVersion());
            assertNull(r.previousVersion());
            assertEquals(List.of("20261122-100000"), r.failures().stream().map(ModelRegistry.LoadFailure::version)
                    .toList());
            assertEquals(List.of("failed 20261122-100000", "activated 20261121-100000 after null"), events);
            assertArrayEquals(scores(TestModels.small()), registry.scorer().score(ROWS));
            assertEquals(SyntheticRanking.SCHEMA, registry.active().orElseThrow().schema());
        }
    }

    @Test
    void aCorruptNewerModelLeavesThePreviousOneServing() throws IOException {
        TestModels.directory(root, "20261121-100000", TestModels.small());
        try (ModelRegistry registry = new ModelRegistry(root, recording)) {
            registry.reload();
            byte[] model = TestModels.other().modelBytes();
            TestModels.directory(root, "20261122-100000", Arrays.copyOf(model, model.length / 3),
                    SyntheticRanking.SCHEMA.names());

            ModelRegistry.ReloadResult r = registry.reload();

            assertFalse(r.changed());
            assertEquals("20261121-100000", r.activeVersion());
            assertEquals(1, r.failures().size());
            assertTrue(r.failures().get(0).reason().startsWith("not a loadable xgboost model: "),
                    r.failures().get(0).reason());
            assertArrayEquals(scores(TestModels.small()), registry.scorer().score(ROWS));
            List<ModelRegistry.ModelInfo> list = registry.list();
            assertEquals(List.of("20261122-100000", "20261121-100000"),
                    list.stream().map(ModelRegistry.ModelInfo::version).toList());
            assertEquals(ModelRegistry.Status.FAILED, list.get(0).status());
            assertEquals(r.failures().get(0).reason(), list.get(0).failure());
            assertEquals(ModelRegistry.Status.ACTIVE, list.get(1).status());
            assertNull(list.get(1).failure());

            // unchanged files are not tried again, and still reported
            assertEquals(r.failures(), registry.reload().failures());
            assertEquals(1, events.stream().filter(e -> e.startsWith("failed")).count());

            // a newer valid model replaces the active one
            TestModels.directory(root, "20261123-100000", TestModels.other());
            ModelRegistry.ReloadResult next = registry.reload();
            assertTrue(next.changed());
            assertEquals("20261123-100000", next.activeVersion());
            assertEquals("20261121-100000", next.previousVersion());
            assertArrayEquals(scores(TestModels.other()), registry.scorer().score(ROWS));
            assertEquals(List.of(ModelRegistry.Status.ACTIVE, ModelRegistry.Status.FAILED,
                    ModelRegistry.Status.NOT_LOADED), registry.list().stream().map(ModelRegistry.ModelInfo::status)
                    .toList());
        }
    }

    @Test
    void aFailedVersionIsRetriedWhenItsFilesChange() throws IOException {
        TestModels.directory(root, "20261121-100000", TestModels.small());
        Path broken = TestModels.directory(root, "20261122-100000", TestModels.other().modelBytes(),
                List.of("affinity", "popularity", "price"));
        try (ModelRegistry registry = new ModelRegistry(root, recording)) {
            ModelRegistry.ReloadResult first = registry.reload();
            assertEquals("20261121-100000", first.activeVersion());
            assertEquals("the model was trained on 4 features, the schema has 3", first.failures().get(0).reason());

            SyntheticRanking.SCHEMA.write(broken);
            ModelRegistry.ReloadResult second = registry.reload();
            assertEquals("20261122-100000", second.activeVersion());
            assertEquals(List.of(), second.failures());
        }
    }

    @Test
    void explainsWhatIsMissing() throws IOException {
        Path noFeatures = Files.createDirectories(root.resolve("20261121-100000"));
        Files.write(noFeatures.resolve(ModelFiles.MODEL), TestModels.small().modelBytes());
        Path noModel = Files.createDirectories(root.resolve("20261122-100000"));
        SyntheticRanking.SCHEMA.write(noModel);
        try (ModelRegistry registry = ModelRegistry.open(root)) {
            assertTrue(registry.active().isEmpty());
            List<ModelRegistry.ModelInfo> list = registry.list();
            assertEquals("no xgboost-model in " + noModel, list.get(0).failure());
            assertEquals("no features.txt in " + noFeatures, list.get(1).failure());
        }
    }

    @Test
    void listsMetricsOfWrittenModels() throws IOException {
        Path dir = new ModelWriter(root).write(TestModels.small());
        try (ModelRegistry registry = ModelRegistry.open(root)) {
            ModelRegistry.ModelInfo info = registry.list().get(0);
            assertEquals(dir.getFileName().toString(), info.version());
            assertEquals(ModelRegistry.Status.ACTIVE, info.status());
            assertEquals(info.version(), info.metrics().get("version"));
            assertEquals(TestModels.small().bestIteration(), info.metrics().get("bestIteration"));
            assertEquals(info.metrics(), registry.active().orElseThrow().metrics());
        }
    }

    @Test
    void pollingPicksUpANewModel() throws Exception {
        TestModels.directory(root, "20261121-100000", TestModels.small());
        CountDownLatch activated = new CountDownLatch(1);
        try (ModelRegistry registry = new ModelRegistry(root, new ModelRegistry.Listener() {
            @Override
            public void activated(String version, String previousVersion) {
                if (version.equals("20261122-100000")) {
                    activated.countDown();
                }
            }
        })) {
            registry.reload();
            registry.startPolling(Duration.ofMillis(20));
            TestModels.directory(root, "20261122-100000", TestModels.other());
            assertTrue(activated.await(30, TimeUnit.SECONDS), "the poller did not pick up the new model");
            assertEquals("20261122-100000", registry.active().orElseThrow().version());
        }
    }

    @Test
    void callersNeverSeeAModelBeingSwappedOut() throws Exception {
        float[] small = scores(TestModels.small());
        float[] other = scores(TestModels.other());
        TestModels.directory(root, "20261121-100000", TestModels.small());
        try (ModelRegistry registry = ModelRegistry.open(root)) {
            AtomicBoolean swapping = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> callers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    callers.add(pool.submit(() -> {
                        int calls = 0;
                        while (swapping.get() || calls == 0) {
                            float[] s = registry.scorer().score(ROWS);
                            assertTrue(Arrays.equals(s, small) || Arrays.equals(s, other));
                            calls++;
                        }
                        return calls;
                    }));
                }
                for (int i = 0; i < 20; i++) {
                    TestModels.directory(root, String.format("20261122-1000%02d", i),
                            i % 2 == 0 ? TestModels.other() : TestModels.small());
                    assertTrue(registry.reload().changed());
                }
                swapping.set(false);
                for (Future<Integer> caller : callers) {
                    assertTrue(caller.get() > 0);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static float[] scores(TrainResult model) throws IOException {
        try (LocalXgbScorer scorer = LocalXgbScorer.fromBytes(model.modelBytes(), 4, "expected")) {
            return scorer.score(ROWS);
        }
    }
}
