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
 * however many tasks it runs, and the budget of training examples.
 */
final class RecommendationState {
    private final ProcessorConfig config;
    private CandidateGenerator generator;
    private ItemIndex index;
    private CachedStore<Item> items;

    RecommendationState(ProcessorConfig config) {
        this.config = config;
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
        int max = config.recommend().maxExamplesPerSecond();
        if (max == 0) {
            return true;
        }
        long now = System.nanoTime();
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
}
