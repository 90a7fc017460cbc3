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
 * however many tasks it runs, and the per-second budget of examples.
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

    private long second = -1;
    private int inSecond;

    /**
     * Whether one more training example fits in this wall-clock second's budget ({@code max-per-second}, shared by
     * every task of the instance: the cost is the instance's CPU, however many tasks it runs).
     */
    synchronized boolean exampleWithinRate() {
        int max = config.recommend().maxExamplesPerSecond();
        if (max == 0) {
            return true;
        }
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            second = now;
            inSecond = 0;
        }
        return inSecond++ < max;
    }
}
