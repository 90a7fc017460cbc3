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
    private final java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
    private CandidateGenerator generator;
    private ItemIndex index;
    private CachedStore<Item> items;

    RecommendationState(ProcessorConfig config) {
        this.config = config;
        int max = config.recommend().maxExamplesPerSecond();
        examples = max == 0 ? null : new TokenBucket(max, (double) max * BURST_SECONDS);
        double share = config.recommend().maxCpuShare();
        cpuBudget = share == 0 ? null : new TokenBucket(share * 1e9, share * 1e9 * BURST_SECONDS);
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
                        // examples are a sample that may wait; the stream threads may not (see ItemStateProcessor.init)
                        t.setPriority(Thread.MIN_PRIORITY);
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
            return false;
        }
    }

    private long cpuTime() {
        long t = cpu.isCurrentThreadCpuTimeSupported() ? cpu.getCurrentThreadCpuTime() : -1;
        return t >= 0 ? t : System.nanoTime();
    }

    /** Examples built so far, and the CPU they took (ns). */
    long examplesBuilt() {
        return built.get();
    }

    long exampleCpuNanos() {
        return cpuNanos.get();
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
    /** Examples; null when not limited. */
    private final TokenBucket examples;
    /** CPU nanoseconds the examples may use; null when not limited. */
    private final TokenBucket cpuBudget;

    /**
     * Whether one more training example fits the budget ({@code max-per-second}, shared by every task of the instance:
     * the cost is the instance's CPU and the bytes it writes, however many tasks it runs). A token bucket: on average at
     * most that many per second, with up to {@value #BURST_SECONDS} seconds' worth saved up for a burst (a replay loaded
     * in waves, a sale's first seconds) when fewer were used before. And the CPU budget ({@code max-cpu-share}, as much
     * saved up) must not be overdrawn by the examples built before.
     */
    synchronized boolean exampleWithinBudget() {
        long now = System.nanoTime();
        if (cpuBudget != null && !cpuBudget.positive(now)) {
            return false;
        }
        return examples == null || examples.tryTake(1, now);
    }

    /** What an example cost, once built (it may overdraw the budget: the next ones wait until it is paid back). */
    private synchronized void charge(long nanos) {
        if (cpuBudget != null) {
            cpuBudget.charge(nanos);
        }
    }
}
