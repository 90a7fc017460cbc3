package io.streamrec.ranker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training settings: XGBoost hyper-parameters, the time-ordered validation split and early stopping.
 * Validated when built, so a bad value fails before any data is read.
 *
 * @param validationFraction  share of groups, newest by timestamp, held out for validation and early stopping
 * @param earlyStoppingRounds stop after this many rounds without a better validation NDCG@k
 * @param baselineFeature     feature whose raw value ranks the baseline the model is compared with; {@code null}
 *                            means the schema's first feature
 * @param threads             XGBoost threads; 0 means all processors
 */
public record TrainerConfig(
        double eta,
        int maxDepth,
        double minChildWeight,
        double subsample,
        double colsampleBytree,
        double lambda,
        int maxRounds,
        int earlyStoppingRounds,
        double validationFraction,
        int evalAt,
        long seed,
        int threads,
        String baselineFeature) {

    public static final String OBJECTIVE = "rank:ndcg";

    public TrainerConfig {
        require(eta > 0 && eta <= 1, "eta must be in (0, 1], got " + eta);
        require(maxDepth >= 1 && maxDepth <= 32, "maxDepth must be in [1, 32], got " + maxDepth);
        require(minChildWeight >= 0, "minChildWeight must be >= 0, got " + minChildWeight);
        require(subsample > 0 && subsample <= 1, "subsample must be in (0, 1], got " + subsample);
        require(colsampleBytree > 0 && colsampleBytree <= 1, "colsampleBytree must be in (0, 1], got " + colsampleBytree);
        require(lambda >= 0, "lambda must be >= 0, got " + lambda);
        require(maxRounds >= 1, "maxRounds must be >= 1, got " + maxRounds);
        require(earlyStoppingRounds >= 1, "earlyStoppingRounds must be >= 1, got " + earlyStoppingRounds);
        require(validationFraction > 0 && validationFraction < 1,
                "validationFraction must be in (0, 1), got " + validationFraction);
        require(evalAt >= 1, "evalAt must be >= 1, got " + evalAt);
        require(threads >= 0, "threads must be >= 0, got " + threads);
    }

    /** eta 0.1, depth 6, min_child_weight 1, subsample 0.8, colsample 0.8, lambda 1, 500 rounds, patience 30, 10 %. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(0.1, 6, 1.0, 0.8, 0.8, 1.0, 500, 30, 0.1, 10, 42L, 0, null);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some settings of a config; {@link #build()} validates the result. */
    public static final class Builder {
        private double eta;
        private int maxDepth;
        private double minChildWeight;
        private double subsample;
        private double colsampleBytree;
        private double lambda;
        private int maxRounds;
        private int earlyStoppingRounds;
        private double validationFraction;
        private int evalAt;
        private long seed;
        private int threads;
        private String baselineFeature;

        private Builder(TrainerConfig c) {
            eta = c.eta;
            maxDepth = c.maxDepth;
            minChildWeight = c.minChildWeight;
            subsample = c.subsample;
            colsampleBytree = c.colsampleBytree;
            lambda = c.lambda;
            maxRounds = c.maxRounds;
            earlyStoppingRounds = c.earlyStoppingRounds;
            validationFraction = c.validationFraction;
            evalAt = c.evalAt;
            seed = c.seed;
            threads = c.threads;
            baselineFeature = c.baselineFeature;
        }

        public Builder eta(double v) {
            eta = v;
            return this;
        }

        public Builder maxDepth(int v) {
            maxDepth = v;
            return this;
        }

        public Builder minChildWeight(double v) {
            minChildWeight = v;
            return this;
        }

        public Builder subsample(double v) {
            subsample = v;
            return this;
        }

        public Builder colsampleBytree(double v) {
            colsampleBytree = v;
            return this;
        }

        public Builder lambda(double v) {
            lambda = v;
            return this;
        }

        public Builder maxRounds(int v) {
            maxRounds = v;
            return this;
        }

        public Builder earlyStoppingRounds(int v) {
            earlyStoppingRounds = v;
            return this;
        }

        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        public Builder evalAt(int v) {
            evalAt = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder baselineFeature(String v) {
            baselineFeature = v;
            return this;
        }

        public TrainerConfig build() {
            return new TrainerConfig(eta, maxDepth, minChildWeight, subsample, colsampleBytree, lambda, maxRounds,
                    earlyStoppingRounds, validationFraction, evalAt, seed, threads, baselineFeature);
        }
    }

    /** Name of the XGBoost metric early stopping watches, e.g. {@code ndcg@10}. */
    public String stoppingMetric() {
        return "ndcg@" + evalAt;
    }

    /** Every XGBoost metric evaluated per round; the first one drives early stopping. */
    public String[] evalMetrics() {
        return new String[] {"ndcg@" + evalAt, "map@" + evalAt};
    }

    /** The parameters handed to XGBoost, with XGBoost's own names (also written to metrics.json). */
    public Map<String, Object> xgboostParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objective", OBJECTIVE);
        p.put("tree_method", "hist");
        p.put("eta", eta);
        p.put("max_depth", maxDepth);
        p.put("min_child_weight", minChildWeight);
        p.put("subsample", subsample);
        p.put("colsample_bytree", colsampleBytree);
        p.put("lambda", lambda);
        p.put("seed", seed);
        p.put("nthread", threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        p.put("verbosity", 1);
        return p;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
