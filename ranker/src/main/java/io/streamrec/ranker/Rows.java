package io.streamrec.ranker;

/** Checks on the rows handed to a {@link Scorer}. */
final class Rows {

    private Rows() {
    }

    /** Throws unless every row has {@code width} features. */
    static void requireWidth(float[][] rows, int width) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != width) {
                throw new IllegalArgumentException("row " + i + " has " + (rows[i] == null ? "no" : rows[i].length)
                        + " features, the model expects " + width);
            }
        }
    }
}
