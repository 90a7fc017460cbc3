package io.streamrec.ranker;

/** A {@link Scorer} could not produce scores; {@link #isTimeout()} tells a slow model from a failing one. */
public class ScoringException extends RuntimeException {

    private final boolean timeout;

    public ScoringException(String message, Throwable cause, boolean timeout) {
        super(message, cause);
        this.timeout = timeout;
    }

    public ScoringException(String message) {
        this(message, null, false);
    }

    public boolean isTimeout() {
        return timeout;
    }
}
