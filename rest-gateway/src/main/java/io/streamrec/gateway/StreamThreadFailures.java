package io.streamrec.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamrec.processor.ProcessorConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happens when a stream thread of either Kafka Streams application dies (README, "Broker outage"): it is
 * replaced ({@link StreamThreadExceptionResponse#REPLACE_THREAD}), so a failure that outlived the retries inside Kafka
 * Streams (a broker away for longer than a client timeout) costs one thread restart, not the whole client. The new
 * thread rejoins the group and picks its tasks up again as soon as the broker answers.
 *
 * <p>Two cases shut the client down instead, so that liveness goes DOWN ({@link StreamsLivenessCheck}) and the process
 * is restarted (Kubernetes, or {@code ./streamrec supervise}):
 * <ul>
 *   <li>a failure of the global thread (the catalog and item profiles): Kafka Streams cannot replace it and would
 *       shut the client down anyway; saying so here logs it as what it is. {@code task.timeout.ms} is set to a day so
 *       that an outage does not make it fail (application.properties);</li>
 *   <li>more than {@code streamrec.streams.max-thread-replacements} (default 20) failures of one side within
 *       {@code streamrec.streams.thread-replacement-window} (10m): a thread that dies again and again is not an outage
 *       that replacing outlasts but a fault that needs a fresh process (and an operator's eye), not an endless loop.</li>
 * </ul>
 * Every failure is counted in {@code streamrec.streams.thread.failures{side=user|item,response}}.
 */
@ApplicationScoped
public class StreamThreadFailures {
    private static final Logger LOG = Logger.getLogger(StreamThreadFailures.class);

    /** Kafka Streams names its global thread {@code <client id>-GlobalStreamThread}. */
    static final String GLOBAL_THREAD_MARKER = "GlobalStreamThread";

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "streamrec.streams.max-thread-replacements", defaultValue = "20")
    int maxReplacements;

    @ConfigProperty(name = "streamrec.streams.thread-replacement-window", defaultValue = "10m")
    String windowText;

    private Duration window;
    private final Map<String, Deque<Long>> recent = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("streamrec.streams.max-thread-replacements must be >= 0, got " + maxReplacements);
        }
        window = ProcessorConfig.parseDuration("streamrec.streams.thread-replacement-window", windowText);
    }

    /** The user side's handler: the Quarkus Kafka Streams extension sets the one bean of this type on its client. */
    @Produces
    @Singleton
    StreamsUncaughtExceptionHandler userSide() {
        return handler("user");
    }

    /** A handler for one side ({@code user}, {@code item}). */
    public StreamsUncaughtExceptionHandler handler(String side) {
        return e -> decide(side, Thread.currentThread().getName(), e, System.nanoTime());
    }

    /** Failures counted so far for a side (any response). */
    public double failures(String side) {
        return registry.find("streamrec.streams.thread.failures").tag("side", side).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    StreamThreadExceptionResponse decide(String side, String threadName, Throwable e, long nowNanos) {
        StreamThreadExceptionResponse response;
        String why;
        if (threadName != null && threadName.contains(GLOBAL_THREAD_MARKER)) {
            response = StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            why = "the global thread cannot be replaced: shutting the " + side + " side down, liveness goes DOWN";
        } else {
            int inWindow = record(side, nowNanos);
            if (inWindow > maxReplacements) {
                response = StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                why = inWindow + " stream thread failures within " + window + " (streamrec.streams.max-thread-replacements="
                        + maxReplacements + "): shutting the " + side + " side down, liveness goes DOWN";
            } else {
                response = StreamThreadExceptionResponse.REPLACE_THREAD;
                why = "replacing it (" + inWindow + " failure(s) within " + window + ")";
            }
        }
        registry.counter("streamrec.streams.thread.failures", "side", side, "response", response.name().toLowerCase()).increment();
        LOG.errorf(e, "%s side: thread %s failed; %s", side, threadName, why);
        return response;
    }

    /** Adds a failure at {@code nowNanos} and answers how many of the side's failures fall within the window. */
    private int record(String side, long nowNanos) {
        Deque<Long> times = recent.computeIfAbsent(side, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(nowNanos);
            while (!times.isEmpty() && nowNanos - times.peekFirst() > window.toNanos()) {
                times.removeFirst();
            }
            return times.size();
        }
    }
}
