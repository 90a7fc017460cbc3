package io.streamrec.gateway;

import io.streamrec.gateway.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;


/**
 * Instance-to-instance reads of this instance's own state, for answers that merge all instances. Never forwarded;
 * 503 while the state is not ready here.
 */
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.CLUSTER)
public class InternalResource {
    @Inject
    UserStates states;

    /**
     * A user key's history, features and items, read by the instance that answers {@code GET /recommendations} for a
     * key owned here. (It lives in this class, not beside the recommendations: JAX-RS picks the resource class by its
     * own path first, so no {@code /internal/...} path outside the {@code /internal} class is ever reached.)
     */
    @GET
    @Path("users/{key}/state")
    @Operation(summary = "Internal: this instance's history, features and items of a user key it owns")
    public Response userState(@PathParam("key") String key) {
        return Response.ok(UserStates.encode(states.readOwned(key))).build();
    }
}
