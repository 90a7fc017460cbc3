package io.streamrec.gateway;

import io.streamrec.processor.Rankings;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/**
 * Instance-to-instance reads of this instance's own state, for answers that merge all instances. Never forwarded;
 * 503 while the state is not ready here.
 */
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
public class InternalResource {
    @Inject
    RankingLists rankings;

    @Inject
    ItemLookups lookups;

    @GET
    @Path("rankings")
    @Operation(summary = "Internal: this instance's entries of a popular or trending list")
    public Response rankings(@QueryParam("list") String list) {
        if (list == null || list.isBlank() || !(list.equals(Rankings.POPULAR) || Rankings.isCategoryList(list) || Rankings.isTrending(list))) {
            return Problems.badParameter("list", "must be popular, popular:<category> or trending:<window>");
        }
        try {
            return Response.ok(rankings.localEntries(list)).build();
        } catch (StateQueries.NotReady e) {
            return Problems.unavailable(e.getMessage(), 1);
        }
    }

    @GET
    @Path("items/weighted-events")
    @Operation(summary = "Internal: all-time weighted event counts of the items this instance owns among the ids")
    public Response weightedEvents(@QueryParam("id") List<String> ids) {
        try {
            return Response.ok(lookups.localWeightedEvents(ids == null ? List.of() : ids)).build();
        } catch (StateQueries.NotReady e) {
            return Problems.unavailable(e.getMessage(), 1);
        }
    }
}
