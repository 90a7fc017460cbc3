package io.streamrec.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.UserHistory;
import io.streamrec.avro.UserItems;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.StoreNames;
import io.streamrec.schemas.Serdes;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A user's (or session's) state for recommendations: history, features and long-term items, all on the partition of
 * the user's key. Read locally when this instance owns the key, otherwise fetched from the owner in one internal
 * request (a few KB of Avro), retried briefly while the group rebalances. The recommendation itself is then computed
 * here: the item side (profiles, lists) is global and every instance has it.
 */
@ApplicationScoped
public class UserStates {
    static final String INTERNAL_PATH = "/internal/users/";

    @Inject
    StateQueries queries;

    @Inject
    ObjectMapper mapper;

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "streamrec.query.retry-for", defaultValue = "3s")
    String retryForText;

    private int retries;

    /** The three values, each null when the store has nothing for the key. */
    public record UserState(UserHistory history, UserFeatures features, UserItems items) {
        public static final UserState EMPTY = new UserState(null, null, null);
    }

    /** The wire form between instances: the store's one value, Avro single-object encoded, base64, or null. */
    public record Encoded(String state) {
    }

    @PostConstruct
    void init() {
        Duration retryFor = ProcessorConfig.parseDuration("streamrec.query.retry-for", retryForText);
        retries = (int) Math.max(1, Math.min(30, retryFor.toMillis() / 300));
    }

    public Uni<UserState> get(String key) {
        return Uni.createFrom().deferred(() -> once(key))
                .onFailure(StateQueries.NotReady.class).retry().withBackOff(Duration.ofMillis(50), Duration.ofMillis(500)).atMost(retries);
    }

    private Uni<UserState> once(String key) {
        KeyQueryMetadata md = queries.owner(StoreNames.USER_STATE, key);
        if (md.activeHost().equals(queries.self())) {
            meters.counter("streamrec.query", "store", "user-state", "served", "local").increment();
            return Uni.createFrom().item(readLocal(key, md.partition()));
        }
        meters.counter("streamrec.query", "store", "user-state", "served", "forwarded").increment();
        return queries.fetchInternal(md.activeHost(), INTERNAL_PATH + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + "/state")
                .map(body -> {
                    try {
                        return decode(mapper.readValue(body, Encoded.class));
                    } catch (IOException | RuntimeException e) {
                        throw new StateQueries.NotReady("unreadable user state from " + md.activeHost() + ": " + e.getMessage());
                    }
                });
    }

    /** This instance's own state of the key; {@link StateQueries.NotReady} when it does not own it (any more). */
    public UserState readOwned(String key) {
        KeyQueryMetadata md = queries.owner(StoreNames.USER_STATE, key);
        if (!md.activeHost().equals(queries.self())) {
            throw new StateQueries.NotReady("this instance does not own the key; owner is " + md.activeHost());
        }
        return readLocal(key, md.partition());
    }

    private UserState readLocal(String key, int partition) {
        return of(queries.readLocal(StoreNames.USER_STATE, key, partition));
    }

    /** The store's value as the three parts; an unknown key has none. */
    static UserState of(io.streamrec.avro.UserState s) {
        if (s == null) {
            return UserState.EMPTY;
        }
        return new UserState(new UserHistory(s.getHistory()), s.getFeatures(), new UserItems(s.getItems()));
    }

    public static Encoded encode(UserState s) {
        if (s.history() == null && s.features() == null && s.items() == null) {
            return new Encoded(null);
        }
        io.streamrec.avro.UserState v = new io.streamrec.avro.UserState(
                s.history() == null ? List.of() : s.history().getEntries(), s.features(),
                s.items() == null ? List.of() : s.items().getItems(), List.of(), java.nio.ByteBuffer.allocate(0));
        return new Encoded(b64(Serdes.USER_STATE.serialize("", v)));
    }

    static UserState decode(Encoded e) {
        return e.state() == null ? UserState.EMPTY : of(Serdes.USER_STATE.deserialize("", unb64(e.state())));
    }

    private static String b64(byte[] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] unb64(String s) {
        return Base64.getDecoder().decode(s);
    }
}
