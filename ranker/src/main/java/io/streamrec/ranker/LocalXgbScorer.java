package io.streamrec.ranker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Scores in-process with an xgboost4j booster.
 *
 * <p>Thread safety: scoring uses XGBoost's in-place prediction on a dense array
 * ({@code XGBoosterPredictFromDense}), which keeps its output in thread-local storage and which XGBoost documents as
 * safe to call from many threads on one booster as long as nothing trains or reconfigures that booster at the same
 * time. xgboost4j's {@code Booster.predict(DMatrix)} is {@code synchronized} instead, which would serialize every
 * request. The only other operation on the booster after loading is {@link #close()}, which frees native memory:
 * a read-write lock keeps it from running under an in-flight prediction.
 */
public final class LocalXgbScorer implements Scorer, AutoCloseable {

    private final Booster booster;
    private final int featureCount;
    private final String name;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private LocalXgbScorer(Booster booster, int featureCount, String name) {
        this.booster = booster;
        this.featureCount = featureCount;
        this.name = name;
    }

    /** Loads {@code xgboost-model} (UBJSON, JSON or the legacy binary format) and checks that it scores. */
    public static LocalXgbScorer load(Path modelFile, int featureCount, String name) throws IOException {
        return fromBytes(Files.readAllBytes(modelFile), featureCount, name);
    }

    /**
     * Loads a model from bytes, checks that it was trained on {@code featureCount} features, and scores one row of
     * zeros so that a model that loads but cannot predict is caught here rather than on the first request.
     */
    public static LocalXgbScorer fromBytes(byte[] model, int featureCount, String name) throws IOException {
        Booster booster;
        try {
            booster = XGBoost.loadModel(model);
        } catch (XGBoostError e) {
            throw new IOException("not a loadable xgboost model: " + firstLine(e.getMessage()), e);
        }
        try {
            // one thread per call: a server scores many requests at once, and OpenMP threads per call on top of
            // request threads only oversubscribe the cores
            booster.setParam("nthread", 1);
            long trained = booster.getNumFeature();
            if (trained != featureCount) {
                throw new IOException("the model was trained on " + trained + " features, the schema has "
                        + featureCount);
            }
            LocalXgbScorer scorer = new LocalXgbScorer(booster, featureCount, name);
            float score = scorer.score(new float[][] {new float[featureCount]})[0];
            if (!Float.isFinite(score)) {
                throw new IOException("the model scores a row of zeros as " + score);
            }
            return scorer;
        } catch (IOException | RuntimeException | XGBoostError e) {
            booster.dispose();
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("the model loads but cannot score: " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public float[] score(float[][] rows) {
        Rows.requireWidth(rows, featureCount);
        if (rows.length == 0) {
            return new float[0];
        }
        float[] flat = new float[rows.length * featureCount];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * featureCount, featureCount);
        }
        float[][] out;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new ScorerClosedException(name());
            }
            out = booster.inplace_predict(flat, rows.length, featureCount, Float.NaN);
        } catch (XGBoostError e) {
            throw new ScoringException(name() + ": prediction failed: " + firstLine(e.getMessage()), e, false);
        } finally {
            lock.readLock().unlock();
        }
        float[] scores = new float[rows.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = out[i][0];
        }
        return scores;
    }

    public int featureCount() {
        return featureCount;
    }

    @Override
    public String name() {
        return "local:" + name;
    }

    /** Frees the native booster once in-flight calls are done; later calls fail with a {@link ScoringException}. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                booster.dispose();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
