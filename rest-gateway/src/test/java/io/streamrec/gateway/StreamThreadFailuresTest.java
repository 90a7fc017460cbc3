package io.streamrec.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The uncaught-exception policy of both Kafka Streams applications (README, "Broker outage"). */
class StreamThreadFailuresTest {
    private static final String STREAM_THREAD = "streamrec-1b2c-StreamThread-1";
    private static final String GLOBAL_THREAD = "streamrec-1b2c-GlobalStreamThread";

    private static StreamThreadFailures policy(int maxReplacements, String window) {
        StreamThreadFailures f = new StreamThreadFailures();
        f.registry = new SimpleMeterRegistry();
        f.maxReplacements = maxReplacements;
        f.windowText = window;
        f.init();
        return f;
    }

    @Test
    void aFailedStreamThreadIsReplacedAndCounted() {
        StreamThreadFailures f = policy(20, "10m");
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, f.decide("user", STREAM_THREAD, new RuntimeException("x"), 0));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, f.decide("item", STREAM_THREAD, new RuntimeException("x"), 0));
        assertEquals(1.0, f.failures("user"));
        assertEquals(1.0, f.failures("item"));
        assertEquals(1.0, f.registry.get("streamrec.streams.thread.failures").tag("side", "user")
                .tag("response", "replace_thread").counter().count());
    }

    @Test
    void theGlobalThreadCannotBeReplacedSoTheClientIsShutDown() {
        StreamThreadFailures f = policy(20, "10m");
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, f.decide("user", GLOBAL_THREAD, new RuntimeException("x"), 0));
        assertEquals(1.0, f.registry.get("streamrec.streams.thread.failures").tag("side", "user")
                .tag("response", "shutdown_client").counter().count());
    }

    @Test
    void aThreadThatKeepsFailingEndsTheClientButOldFailuresAgeOut() {
        StreamThreadFailures f = policy(3, "1m");
        long minute = TimeUnit.MINUTES.toNanos(1);
        for (int i = 0; i < 3; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, f.decide("user", STREAM_THREAD, new RuntimeException(), i));
        }
        // a fourth within the minute: more than 3 replacements within the window
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, f.decide("user", STREAM_THREAD, new RuntimeException(), 10));
        // the other side keeps its own count
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, f.decide("item", STREAM_THREAD, new RuntimeException(), 10));
        // two minutes later the earlier failures have left the window
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, f.decide("user", STREAM_THREAD, new RuntimeException(), 2 * minute + 20));
        assertEquals(5.0, f.failures("user"));
    }
}
