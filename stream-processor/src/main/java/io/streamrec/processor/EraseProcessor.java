package io.streamrec.processor;

import io.streamrec.avro.Erasure;
import io.streamrec.avro.UserState;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases a user (GDPR article 17): deletes the user's one value (history, features, long-term items, the eventIds
 * seen for dedupe) from the user state store, which writes a tombstone to its changelog at the next commit, and
 * forwards the audit record (keyed by the SHA-256 of the user's key, no personal data) to {@code streamrec.erasures}
 * in the same transaction. The command arrives on the user's own partition after every event of the user written
 * before it; events written after it start a new, unrelated state. Item-level aggregates (counts, co-occurrence)
 * are not personal data and stay.
 */
final class EraseProcessor implements Processor<String, Erasure, String, Erasure> {
    static final String NAME = "erase";
    static final String SINK = "erasures-sink";
    private static final Logger LOG = LoggerFactory.getLogger(EraseProcessor.class);

    private ProcessorContext<String, Erasure> context;
    private KeyValueStore<String, UserState> store;

    @Override
    public void init(ProcessorContext<String, Erasure> context) {
        this.context = context;
        this.store = context.getStateStore(StoreNames.USER_STATE);
    }

    @Override
    public void process(Record<String, Erasure> record) {
        Erasure command = record.value();
        UserState old = store.delete(record.key());
        Erasure done = Erasure.newBuilder(command).setErasedAt(context.currentSystemTimeMs()).build();
        // the audit log names the request and the hash, never the key
        LOG.info("erasure {} of user {} requested by {}: {}", command.getRequestId(), command.getUserKeyHash(),
                command.getRequester(), old == null ? "no state held" : "state deleted");
        context.forward(new Record<>(done.getUserKeyHash(), done, record.timestamp()), SINK);
    }
}
