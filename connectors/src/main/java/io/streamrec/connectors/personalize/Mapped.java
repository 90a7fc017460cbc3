package io.streamrec.connectors.personalize;

/**
 * One Kafka record turned into a Personalize request element, or the reason it cannot be one.
 *
 * @param value   the element (an Event, Item or User), null when rejected
 * @param groupKey which call it may share: events share a call only with the same user and session
 * @param field   the field at fault when rejected
 * @param reason  why it was rejected, null when mapped
 */
record Mapped<T>(T value, Object groupKey, String field, String reason) {
    static <T> Mapped<T> ok(T value, Object groupKey) {
        return new Mapped<>(value, groupKey, null, null);
    }

    static <T> Mapped<T> invalid(String field, String reason) {
        return new Mapped<>(null, null, field, reason);
    }

    boolean isValid() {
        return reason == null;
    }
}
