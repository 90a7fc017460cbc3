package io.streamrec.gateway;

import io.streamrec.avro.Item;
import io.streamrec.processor.StoreNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The catalog from the global items store: every instance holds all of it, so a lookup never leaves the process. */
@ApplicationScoped
public class Catalog {
    @Inject
    KafkaStreams streams;

    /** The item, or null when unknown (or the store is not ready yet: metadata is then left out, not an error). */
    public Item get(String itemId) {
        try {
            ReadOnlyKeyValueStore<String, Item> store = streams.store(StoreQueryParameters.fromNameAndType(StoreNames.ITEMS,
                    QueryableStoreTypes.<String, Item>keyValueStore()));
            return store.get(itemId);
        } catch (InvalidStateStoreException | org.apache.kafka.common.errors.SerializationException e) {
            return null;
        }
    }
}
