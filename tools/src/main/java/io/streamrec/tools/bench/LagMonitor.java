package io.streamrec.tools.bench;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The user side's backlog while freshness is measured: every half second, the events written to the input topic and
 * not yet committed by the gateways' user side (which commits once a second, so up to a second's worth is normal).
 * Tells whether the probes ran against a system keeping up, and waits for it to do so before they start.
 */
final class LagMonitor implements AutoCloseable {
    static final long PERIOD_MILLIS = 500;

    private final GroupProgress kafka;
    private final String group;
    private final String topic;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<long[]> samples = new ArrayList<>();
    private final Thread thread;

    LagMonitor(GroupProgress kafka, String group, String topic) {
        this.kafka = kafka;
        this.group = group;
        this.topic = topic;
        this.thread = new Thread(this::run, "bench-lag-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long t0 = System.nanoTime();
        while (running.get()) {
            try {
                long lag = lag();
                synchronized (samples) {
                    samples.add(new long[]{(System.nanoTime() - t0) / 1_000_000, lag});
                }
            } catch (RuntimeException e) {
                // a slow admin call: skip this sample
            }
            GroupProgress.sleep(PERIOD_MILLIS);
        }
    }

    long lag() {
        return backlog(kafka, group, topic);
    }

    /** Events written to {@code topic} and not yet committed by {@code group}, summed over partitions. */
    static long backlog(GroupProgress kafka, String group, String topic) {
        Map<TopicPartition, Long> end = kafka.endOffsets(topic);
        Map<TopicPartition, Long> committed = kafka.committed(group);
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            lag += Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L));
        }
        return lag;
    }

    /** The latest sample's backlog, -1 before the first. */
    long latest() {
        synchronized (samples) {
            return samples.isEmpty() ? -1 : samples.get(samples.size() - 1)[1];
        }
    }

    /**
     * Waits until the backlog has stayed under {@code maxLag} events for {@code forMillis}, at most
     * {@code timeoutMillis}; true when it did.
     */
    boolean awaitSteady(long maxLag, long forMillis, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long since = -1;
        while (System.nanoTime() < deadline) {
            long l = latest();
            long now = System.nanoTime();
            if (l >= 0 && l <= maxLag) {
                if (since < 0) {
                    since = now;
                } else if (now - since >= forMillis * 1_000_000) {
                    return true;
                }
            } else {
                since = -1;
            }
            GroupProgress.sleep(PERIOD_MILLIS / 2);
        }
        return false;
    }

    /** Samples taken since {@code fromMillis} (monitor time): their median and largest backlog. */
    long[] medianAndMax(long fromMillis) {
        List<Long> lags = new ArrayList<>();
        synchronized (samples) {
            for (long[] s : samples) {
                if (s[0] >= fromMillis) {
                    lags.add(s[1]);
                }
            }
        }
        if (lags.isEmpty()) {
            return new long[]{-1, -1};
        }
        lags.sort(Long::compare);
        return new long[]{lags.get(lags.size() / 2), lags.get(lags.size() - 1)};
    }

    long elapsedMillis() {
        synchronized (samples) {
            return samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[0];
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5000);
    }
}
