package io.streamrec.gateway.auth;

import io.quarkus.runtime.StartupEvent;
import io.streamrec.processor.ProcessorConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code streamrec.auth.*} settings, read and checked once at start-up: a bad value stops the start with a message
 * naming the setting. Authentication is on unless {@code streamrec.auth.enabled=false}, which is logged as a warning.
 */
@ApplicationScoped
public class AuthSettings {
    private static final Logger LOG = Logger.getLogger(AuthSettings.class);
    static final String KEYS = "streamrec.auth.keys.";
    static final int MIN_SECRET_LENGTH = 32;

    @ConfigProperty(name = "streamrec.auth.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "streamrec.auth.keys.ingest") Optional<List<String>> ingestHashes;

    @ConfigProperty(name = "streamrec.auth.keys.query") Optional<List<String>> queryHashes;

    @ConfigProperty(name = "streamrec.auth.keys.admin") Optional<List<String>> adminHashes;

    @ConfigProperty(name = "streamrec.auth.cluster-secret") Optional<String> clusterSecret;

    @ConfigProperty(name = "streamrec.auth.cluster-max-skew", defaultValue = "60s")
    String clusterMaxSkewText;

    @ConfigProperty(name = "streamrec.auth.rate-limit.requests-per-second", defaultValue = "100")
    double ratePerSecond;

    @ConfigProperty(name = "streamrec.auth.rate-limit.burst", defaultValue = "200")
    int burst;

    @ConfigProperty(name = "streamrec.auth.rate-limit.max-keys", defaultValue = "10000")
    int maxKeys;

    private ApiKeys keys;
    private ClusterSignature cluster;
    private TokenBuckets ingestBuckets;

    @PostConstruct
    void init() {
        Map<String, List<String>> hashes = new LinkedHashMap<>();
        hashes.put(Roles.INGEST, ingestHashes.orElse(List.of()));
        hashes.put(Roles.QUERY, queryHashes.orElse(List.of()));
        hashes.put(Roles.ADMIN, adminHashes.orElse(List.of()));
        keys = ApiKeys.of(hashes, KEYS);
        Duration skew = ProcessorConfig.parseDuration("streamrec.auth.cluster-max-skew", clusterMaxSkewText);
        String secret = clusterSecret.map(String::strip).orElse("");
        if (!secret.isEmpty() && secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("streamrec.auth.cluster-secret: at least " + MIN_SECRET_LENGTH
                    + " characters (a random string, e.g. head -c 32 /dev/urandom | base64)");
        }
        if (enabled) {
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("streamrec.auth.keys.ingest, .query and .admin: no API key hash is "
                        + "configured, so no client could call anything. Configure SHA-256 digests of keys "
                        + "(./streamrec up generates them), or set streamrec.auth.enabled=false to run without authentication");
            }
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("streamrec.auth.cluster-secret: missing. Instances sign their "
                        + "/internal reads and forwarded queries with it; every instance needs the same one");
            }
        }
        cluster = secret.isEmpty() ? null : new ClusterSignature(secret, skew);
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("streamrec.auth.rate-limit.requests-per-second: must be > 0, got " + ratePerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("streamrec.auth.rate-limit.burst: must be >= 1, got " + burst);
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("streamrec.auth.rate-limit.max-keys: must be >= 1, got " + maxKeys);
        }
        ingestBuckets = new TokenBuckets(ratePerSecond, burst, maxKeys);
    }

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.warn("streamrec.auth.enabled=false: authentication is OFF. Every endpoint, /admin and /internal "
                    + "included, answers anyone who can reach this port");
        } else {
            LOG.infof("API keys: %d configured (%s); instance-to-instance calls signed with the cluster secret; "
                            + "ingest rate limit %s requests/s per key, burst %d",
                    keys.size(), describe(), ratePerSecond, burst);
        }
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        for (String role : Roles.CLIENT_ROLES) {
            long n = switch (role) {
                case Roles.INGEST -> count(ingestHashes);
                case Roles.QUERY -> count(queryHashes);
                default -> count(adminHashes);
            };
            sb.append(sb.length() == 0 ? "" : ", ").append(role).append(' ').append(n);
        }
        return sb.toString();
    }

    private static long count(Optional<List<String>> hashes) {
        return hashes.orElse(List.of()).stream().filter(h -> !h.isBlank()).count();
    }

    public boolean enabled() {
        return enabled;
    }

    public ApiKeys keys() {
        return keys;
    }

    /** The cluster signature, or empty when no secret is configured (only possible with authentication off). */
    public Optional<ClusterSignature> cluster() {
        return Optional.ofNullable(cluster);
    }

    public TokenBuckets ingestBuckets() {
        return ingestBuckets;
    }
}
