package io.streamrec.connectors.common;

/** Pauses the calling thread; injectable so tests of back-off and rate limits do not wait. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = millis -> {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    };

    void sleep(long millis) throws InterruptedException;
}
