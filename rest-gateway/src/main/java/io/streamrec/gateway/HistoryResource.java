package io.streamrec.gateway;

import io.smallrye.mutiny.Uni;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.UserState;
import io.streamrec.gateway.auth.Roles;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.StoreNames;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@Path("/users/{id}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.QUERY)
public class HistoryResource {
    static final int DEFAULT_LIMIT = 20;

    @Inject
    StateQueries queries;

    @Inject
    ProcessorConfig config;

    public record Entry(String itemId, String eventType, long timestamp, String time) {
    }

    public record History(String userId, int count, List<Entry> items) {
    }

    @GET
    @Path("history")
    @Operation(summary = "A user's recent items, newest first (unknown user: an empty list)")
    public Uni<jakarta.ws.rs.core.Response> history(@PathParam("id") String userId,
                                                    @QueryParam("limit") String limitText,
                                                    @QueryParam("eventType") String eventType,
                                                    @HeaderParam(StateQueries.FORWARDED_HEADER) String forwardedBy,
                                                    @Context UriInfo uri) {
        Params.id("id", userId);
        int max = config.historyMaxEntries();
        int n = Params.count("limit", limitText, Math.min(DEFAULT_LIMIT, max), max);
        if (eventType != null && !config.eventTypes().contains(eventType)) {
            throw new Params.BadParameter("eventType", "unknown event type '" + eventType + "'");
        }
        return queries.<UserState>byKey(StoreNames.USER_STATE, userId, Params.pathAndQuery(uri), forwardedBy != null, h -> {
            List<Entry> out = new ArrayList<>();
            if (h != null) {
                for (HistoryEntry e : h.getHistory()) {
                    if (eventType == null || eventType.equals(e.getEventType())) {
                        out.add(new Entry(e.getItemId(), e.getEventType(), e.getTimestamp(), Instant.ofEpochMilli(e.getTimestamp()).toString()));
                        if (out.size() == n) {
                            break;
                        }
                    }
                }
            }
            return new History(userId, out.size(), out);
        });
    }
}
