package io.streamrec.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.streamrec.gateway.auth.AuthSettings;
import io.streamrec.gateway.auth.ClusterSignature;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;

/**
 * Answers a query for one key from whichever instance owns it. Locally owned keys are read from the local store;
 * others are fetched from the owner server-side, once, with a timeout (the owner answers locally and never forwards
 * again). While the group rebalances (no owner known, store migrating) the query is retried briefly with back-off, then
 * answered 503 with Retry-After.
 */
@ApplicationScoped
public class StateQueries {
    public static final String FORWARDED_HEADER = "X-Streamrec-Forwarded";

    @Inject
    KafkaStreams streams;

    @Inject
    MeterRegistry registry;

    @Inject
    AuthSettings auth;

    @ConfigProperty(name = "quarkus.kafka-streams.application-server")
    String applicationServer;

    @ConfigProperty(name = "streamrec.query.forward-timeout", defaultValue = "2s")
    String forwardTimeoutText;

    @ConfigProperty(name = "streamrec.query.retry-for", defaultValue = "3s")
    String retryForText;

    private HostInfo self;
    private HttpClient http;
    private Duration forwardTimeout;
    private int retries;

    @PostConstruct
    void init() {
        self = HostInfo.buildFromEndpoint(applicationServer);
        forwardTimeout = io.streamrec.processor.ProcessorConfig.parseDuration("streamrec.query.forward-timeout", forwardTimeoutText);
        Duration retryFor = io.streamrec.processor.ProcessorConfig.parseDuration("streamrec.query.retry-for", retryForText);
        // back-off 50 ms doubling to 500 ms: this many attempts fit in retry-for
        retries = (int) Math.max(1, Math.min(30, retryFor.toMillis() / 300));
        http = HttpClient.newBuilder().connectTimeout(forwardTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public HostInfo self() {
        return self;
    }

    /**
     * @param pathAndQuery what the owner is asked when the key lives elsewhere (the same public endpoint)
     * @param local        builds the answer from the owner's store; null value means the key is absent
     */
    public <V> Uni<Response> byKey(String store, String key, String pathAndQuery, boolean forwarded,
                                   Function<V, Object> local) {
        return this.<V>byKeyAsync(store, key, pathAndQuery, forwarded, (V v) -> Uni.createFrom().item(Response.ok(local.apply(v)).build()));
    }

    /** Like {@link #byKey}, for an answer that needs further lookups (other stores, other instances) once the value is read. */
    public <V> Uni<Response> byKeyAsync(String store, String key, String pathAndQuery, boolean forwarded,
                                        Function<V, Uni<Response>> local) {
        return this.<V>byOwnerAsync(store, key, pathAndQuery, forwarded, kv -> local.apply(kv.get(key)));
    }

    /**
     * Like {@link #byKeyAsync}, for an answer read from several entries of the owner's partition (a prefix scan of
     * composite keys that start with {@code key}): {@code local} gets that partition of the store.
     */
    public <V> Uni<Response> byOwnerAsync(String store, String key, String pathAndQuery, boolean forwarded,
                                         Function<ReadOnlyKeyValueStore<String, V>, Uni<Response>> local) {
        Uni<Response> attempt = Uni.createFrom().deferred(() -> once(store, key, pathAndQuery, forwarded, local));
        if (forwarded) {
            return attempt.onFailure(NotReady.class).recoverWithItem(e -> Problems.unavailable(e.getMessage(), 1));
        }
        return attempt
                .onFailure(NotReady.class).retry().withBackOff(Duration.ofMillis(50), Duration.ofMillis(500)).atMost(retries)
                .onFailure(NotReady.class).recoverWithItem(e -> {
                    registry.counter("streamrec.query.unavailable", "store", store).increment();
                    return Problems.unavailable("state for this key is not available right now (" + e.getMessage() + ")", 1);
                });
    }

    private <V> Uni<Response> once(String storeName, String key, String pathAndQuery, boolean forwarded,
                                   Function<ReadOnlyKeyValueStore<String, V>, Uni<Response>> local) {
        KeyQueryMetadata md;
        try {
            md = owner(storeName, key);
        } catch (NotReady e) {
            return Uni.createFrom().failure(e);
        }
        if (md.activeHost().equals(self)) {
            Uni<Response> answer;
            try {
                answer = local.apply(this.<V>partition(storeName, md.partition()));
            } catch (NotReady e) {
                return Uni.createFrom().failure(e);
            } catch (InvalidStateStoreException e) {
                return Uni.createFrom().failure(new NotReady("store " + storeName + " is migrating: " + e.getMessage()));
            }
            registry.counter("streamrec.query", "store", storeName, "served", "local").increment();
            return answer;
        }
        if (forwarded) {
            return Uni.createFrom().failure(new NotReady("this instance does not own the key; owner is " + md.activeHost()));
        }
        registry.counter("streamrec.query", "store", storeName, "served", "forwarded").increment();
        return forward(md.activeHost(), pathAndQuery);
    }

    /** Who owns the key of this store now; {@link NotReady} while that is not known. */
    public KeyQueryMetadata owner(String storeName, String key) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw new NotReady("Kafka Streams is " + state);
        }
        KeyQueryMetadata md;
        try {
            md = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
        } catch (IllegalStateException e) {
            throw new NotReady(e.getMessage());
        }
        if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE) || md.activeHost() == null) {
            throw new NotReady("no instance owns the key yet (rebalancing)");
        }
        return md;
    }

    /** Reads a key from this instance's own partition of a store; {@link NotReady} while the store migrates. */
    public <V> V readLocal(String storeName, String key, int partition) {
        try {
            return this.<V>partition(storeName, partition).get(key);
        } catch (InvalidStateStoreException e) {
            throw new NotReady("store " + storeName + " is migrating: " + e.getMessage());
        }
    }

    /** This instance's own partition of a store; {@link NotReady} while the store migrates. */
    public <V> ReadOnlyKeyValueStore<String, V> partition(String storeName, int partition) {
        try {
            return streams.store(StoreQueryParameters
                    .fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore())
                    .withPartition(partition));
        } catch (InvalidStateStoreException e) {
            throw new NotReady("store " + storeName + " is migrating: " + e.getMessage());
        }
    }

    /**
     * Asks another instance's internal endpoint (never forwarded further); the body on 200, {@link NotReady} on
     * anything else or no answer in time.
     */
    public Uni<byte[]> fetchInternal(HostInfo instance, String pathAndQuery) {
        return send(instance, pathAndQuery).flatMap(r -> r.statusCode() == 200
                ? Uni.createFrom().item(r.body())
                : Uni.createFrom().failure(new NotReady("instance " + instance + " answered " + r.statusCode())));
    }

    private Uni<HttpResponse<byte[]>> send(HostInfo owner, String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + pathAndQuery))
                .timeout(forwardTimeout)
                .header(FORWARDED_HEADER, self.host() + ":" + self.port())
                .header("Accept", "application/json");
        // the owner takes it as another instance's request (forwarded queries, /internal): signed with the cluster secret
        auth.cluster().ifPresent(c -> request.header(ClusterSignature.HEADER,
                c.sign("GET", pathAndQuery, System.currentTimeMillis() / 1000)));
        return Uni.createFrom().completionStage(() -> http.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray()))
                .onFailure().transform(e -> new NotReady("owner " + owner + " did not answer: " + e));
    }

    private Uni<Response> forward(HostInfo owner, String pathAndQuery) {
        return send(owner, pathAndQuery)
                .flatMap(r -> {
                    if (r.statusCode() == 503) {
                        return Uni.createFrom().failure(new NotReady("owner " + owner + " is not ready"));
                    }
                    Response.ResponseBuilder b = Response.status(r.statusCode()).entity(r.body());
                    r.headers().firstValue("content-type").ifPresent(ct -> b.header("Content-Type", ct));
                    return Uni.createFrom().item(b.build());
                });
    }

    /** The answer is not available now but may be in a moment: the query is retried, then answered 503. */
    public static final class NotReady extends RuntimeException {
        public NotReady(String message) {
            super(message, null, false, false);
        }
    }
}
