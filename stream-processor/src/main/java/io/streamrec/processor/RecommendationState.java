package io.streamrec.processor;

import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.recommend.CachedStore;
import io.streamrec.recommend.CandidateGenerator;
import io.streamrec.recommend.ItemIndex;
import io.streamrec.recommend.ItemProfiles;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the training-example tasks of one topology share: the decoded-profile cache and the popular/trending index over
 * the global profiles store (the same store object in every task of an instance), so an instance keeps one of each
 * however many tasks it runs, the budget of training examples (how many per second, how much CPU) and the threads
 * that build them.
 */
final class RecommendationState {
    /** Examples handed over and not yet started, per instance at most; past that an example is skipped. */
    static final int BUILDER_QUEUE = 64;

    private final ProcessorConfig config;
    /** Null when the examples are built in the stream threads ({@code builder-threads} 0). */
    private final java.util.concurrent.ThreadPoolExecutor builder;
    private final java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    private final java.util.concurrent.atomic.AtomicLong built = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong skippedBusy = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
    private CandidateGenerator generator;
    private ItemIndex index;
    private CachedStore<Item> items;

    RecommendationState(ProcessorConfig config) {
        this.config = config;
        int threads = config.recommend().builderThreads();
        if (threads == 0) {
            builder = null;
        } else {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            // daemon threads that end when idle: a topology built and dropped (tests, a restarted application) leaves
            // nothing running
            builder = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 30, java.util.concurrent.TimeUnit.SECONDS,
                    new java.util.concurrent.ArrayBlockingQueue<>(BUILDER_QUEUE), r -> {
                        Thread t = new Thread(r, "streamrec-training-examples-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
            builder.allowCoreThreadTimeOut(true);
        }
    }

    /**
     * Builds a training example: on a builder thread, or here when there is none. False when the builders are
     * {@value #BUILDER_QUEUE} examples behind: the example is skipped (examples are a sample; the event is not delayed).
     * The CPU the build takes is charged to the budget.
     */
    boolean build(Runnable example) {
        Runnable charged = () -> {
            long t0 = cpuTime();
            example.run();
            long used = cpuTime() - t0;
            cpuNanos.addAndGet(used);
            built.incrementAndGet();
            charge(used);
        };
        if (builder == null) {
            charged.run();
            return true;
        }
        try {
            builder.execute(charged);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            skippedBusy.incrementAndGet();
            return false;
        }
    }

    private long cpuTime() {
        long t = cpu.isCurrentThreadCpuTimeSupported() ? cpu.getCurrentThreadCpuTime() : -1;
        return t >= 0 ? t : System.nanoTime();
    }

    /** Examples built so far, the CPU they took (ns), and those skipped because the builders were behind. */
    long examplesBuilt() {
        return built.get();
    }

    long exampleCpuNanos() {
        return cpuNanos.get();
    }

    long examplesSkippedBusy() {
        return skippedBusy.get();
    }

    synchronized void attach(ReadOnlyKeyValueStore<String, ItemProfile> profiles, ReadOnlyKeyValueStore<String, Item> catalog) {
        if (generator == null) {
            ItemProfiles cached = new ItemProfiles(profiles, config.recommend().profileCacheTtl());
            items = new CachedStore<>(id -> CatalogProcessor.lookup(catalog, id), config.recommend().profileCacheTtl());
            generator = new CandidateGenerator(config.recommend(), config.features(), cached, items);
            index = new ItemIndex(items, config.features(), config.recommend().indexRefresh());
            index.attach(profiles);
        }
    }

    synchronized CandidateGenerator generator() {
        return generator;
    }

    /** Catalog entries by id, decoded once per cache time-to-live (the global catalog store is read at most that often). */
    synchronized CachedStore<Item> catalog() {
        return items;
    }

    synchronized ItemIndex index() {
        return index;
    }

    /** Seconds of the per-second budget that may be saved up and spent at once. */
    static final int BURST_SECONDS = 10;
    private double tokens = -1;
    private long refilledAt;

    /**
     * Whether one more training example fits the budget ({@code max-per-second}, shared by every task of the instance:
     * the cost is the instance's CPU and the bytes it writes, however many tasks it runs). A token bucket: on average at
     * most that many per second, with up to {@value #BURST_SECONDS} seconds' worth saved up for a burst (a replay loaded
     * in waves, a sale's first seconds) when fewer were used before.
     */
    synchronized boolean exampleWithinBudget() {
        long now = System.nanoTime();
        if (!cpuWithinBudget(now)) {
            return false;
        }
        int max = config.recommend().maxExamplesPerSecond();
        if (max == 0) {
            return true;
        }
        double capacity = (double) max * BURST_SECONDS;
        if (tokens < 0) {
            tokens = capacity;
        } else {
            tokens = Math.min(capacity, tokens + (now - refilledAt) / 1e9 * max);
        }
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    /** CPU nanoseconds the examples may still use: refilled at max-cpu-share per second, at most ten seconds' worth. */
    private double cpuTokens = -1;
    private long cpuRefilledAt;

    private boolean cpuWithinBudget(long now) {
        double share = config.recommend().maxCpuShare();
        if (share == 0) {
            return true;
        }
        double capacity = share * BURST_SECONDS * 1e9;
        if (cpuTokens < 0 && cpuRefilledAt == 0) {
            cpuTokens = capacity;
        } else {
            cpuTokens = Math.min(capacity, cpuTokens + (now - cpuRefilledAt) * share);
        }
        cpuRefilledAt = now;
        return cpuTokens > 0;
    }

    /** What an example cost, once built (it may overdraw the budget: the next ones wait until it is paid back). */
    private synchronized void charge(long nanos) {
        if (config.recommend().maxCpuShare() > 0) {
            cpuTokens -= nanos;
        }
    }
}
