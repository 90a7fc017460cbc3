package io.streamrec.gateway;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.streamrec.avro.Erasure;
import io.streamrec.gateway.auth.Roles;
import io.streamrec.schemas.Erasures;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * {@code DELETE /users/{id}} (admin): erases a user (GDPR article 17). The command goes through the user's partition of
 * {@code streamrec.events}, so the instance that owns the user deletes the state (history, features, long-term items,
 * dedupe entries) and its changelog entry, after every event of the user accepted before the request, and records the
 * erasure (request id, time, requester, the SHA-256 of the key) on {@code streamrec.erasures}, which {@code train}
 * reads to skip the user's training examples. 202: accepted; the state is gone as soon as the user side has processed
 * what was before it (normally well under a second).
 */
@Path("/users/{id}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ErasureResource {
    private static final Logger LOG = Logger.getLogger(ErasureResource.class);

    @Inject
    EventPublisher publisher;

    @Inject
    SecurityIdentity identity;

    public record Accepted(String requestId, String userKeyHash, long requestedAt, String status) {
    }

    @DELETE
    @Blocking
    @Operation(summary = "Erase a user: history, features, long-term items and dedupe entries, on every instance (admin)")
    public Response erase(@PathParam("id") String userId) {
        Params.id("id", userId);
        Erasure command = Erasures.command(userId, System.currentTimeMillis(), identity.getPrincipal().getName());
        publisher.publishErasure(userId, command);
        LOG.infof("erasure %s of user %s accepted from %s", command.getRequestId(), command.getUserKeyHash(), command.getRequester());
        return Response.accepted(new Accepted(command.getRequestId(), command.getUserKeyHash(), command.getRequestedAt(), "accepted")).build();
    }
}
