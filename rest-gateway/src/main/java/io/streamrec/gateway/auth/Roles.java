package io.streamrec.gateway.auth;

import java.util.List;
import java.util.Set;

/**
 * Who may do what. A key has one role; an identity carries the roles that role implies: an admin key may do everything a
 * client may ({@code admin}, {@code ingest}, {@code query}); an ingest or query key only its own class of endpoints; the
 * cluster secret of the instances opens {@code /internal} and the query endpoints (forwarded queries), and is never a
 * client's.
 */
public final class Roles {
    /** {@code POST /events}, {@code /items}, {@code /users}: what a storefront or tag holds. */
    public static final String INGEST = "ingest";
    /** Reads: history, features, item statistics, similar, popular, trending, recommendations, models. */
    public static final String QUERY = "query";
    /** Everything under {@code /admin}, {@code /instances}, and whatever the other client roles may do. */
    public static final String ADMIN = "admin";
    /** Another streamrec instance (cluster secret): {@code /internal} and forwarded queries. */
    public static final String CLUSTER = "cluster";

    /** The roles a client key can be configured for, in the order they are listed in configuration and documentation. */
    public static final List<String> CLIENT_ROLES = List.of(INGEST, QUERY, ADMIN);

    private Roles() {
    }

    /** What an identity of this role is allowed, {@link jakarta.annotation.security.RolesAllowed} being checked against it. */
    public static Set<String> implied(String role) {
        return switch (role) {
            case ADMIN -> Set.of(ADMIN, INGEST, QUERY);
            case CLUSTER -> Set.of(CLUSTER, QUERY);
            case INGEST -> Set.of(INGEST);
            case QUERY -> Set.of(QUERY);
            default -> throw new IllegalArgumentException("unknown role " + role);
        };
    }
}
