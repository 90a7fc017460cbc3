package io.streamrec.schemas;

/** One reason an event is invalid: which field and why. {@code index} is the position in a batch (0 for one event). */
public record Violation(int index, String field, String reason) {
    public Violation withIndex(int newIndex) {
        return new Violation(newIndex, field, reason);
    }

    @Override
    public String toString() {
        return "[" + index + "] " + field + ": " + reason;
    }
}
