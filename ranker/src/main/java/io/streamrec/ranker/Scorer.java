package io.streamrec.ranker;

/**
 * Scores candidate rows with a ranking model: a higher score means rank higher. Scores are only comparable within
 * one model. Implementations are safe for concurrent callers.
 */
public interface Scorer {

    /**
     * @param rows one row per candidate, features in the model's {@link FeatureSchema} order ({@code NaN} = missing)
     * @return one score per row, in row order
     * @throws ScoringException         when the model or the endpoint could not score
     * @throws IllegalArgumentException when a row does not have the model's number of features
     */
    float[] score(float[][] rows);

    /** Says where scores come from, for logs and metrics tags, e.g. {@code local:20261122-142501}. */
    String name();
}
