package io.streamrec.connectors.s3;

/** Where finished objects go: S3 in production, anything that stores bytes under a key in tests. */
@FunctionalInterface
interface ObjectSink {
    /** Stores {@code body} under {@code key}, replacing what was there; throws when it could not. */
    void put(String key, byte[] body);
}
