package io.streamrec.ranker;

/** The model was unloaded (replaced by a newer one) while a caller still held it. */
final class ScorerClosedException extends ScoringException {
    ScorerClosedException(String scorer) {
        super(scorer + " is closed");
    }
}
