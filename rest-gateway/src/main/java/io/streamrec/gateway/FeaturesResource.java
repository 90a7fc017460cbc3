package io.streamrec.gateway;

import io.smallrye.mutiny.Uni;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.WeightedKey;
import io.streamrec.gateway.auth.Roles;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.Sketches;
import io.streamrec.processor.StoreNames;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

@Path("/users/{id}/features")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.QUERY)
public class FeaturesResource {
    private static final double DAY_MS = 86_400_000.0;

    @Inject
    StateQueries queries;

    @Inject
    ProcessorConfig config;

    public record Affinity(String category, double weight) {
    }

    /**
     * A user's engagement features. Decayed values (engagement, affinity) are as of {@code asOf}, the user's last event
     * time; {@code daysSinceLastPurchase} is computed when asked. Null where there is nothing to say yet.
     */
    public record Features(String userId, Map<String, Long> counts, long totalEvents, double totalSpend, long orders,
                           double averageOrderValue, Long firstSeen, String firstSeenTime, Long lastSeen, String lastSeenTime,
                           Long lastPurchase, String lastPurchaseTime, Double daysSinceLastPurchase, long purchaseDays,
                           Double purchaseFrequencyDays, long distinctItems, long distinctCategories,
                           List<Affinity> categoryAffinity, long sessions, double engagementScore, Long asOf) {
    }

    @GET
    @Operation(summary = "A user's engagement features (unknown user: zero counts)")
    public Uni<Response> features(@PathParam("id") String userId,
                                  @HeaderParam(StateQueries.FORWARDED_HEADER) String forwardedBy,
                                  @Context UriInfo uri) {
        Params.id("id", userId);
        return queries.<io.streamrec.avro.UserState>byKey(StoreNames.USER_STATE, userId, Params.pathAndQuery(uri), forwardedBy != null,
                s -> toJson(userId, s == null ? null : s.getFeatures(), System.currentTimeMillis()));
    }

    Features toJson(String userId, UserFeatures f, long now) {
        Map<String, Long> counts = new TreeMap<>();
        config.eventTypes().forEach(t -> counts.put(t, 0L));
        if (f == null) {
            return new Features(userId, counts, 0, 0.0, 0, 0.0, null, null, null, null, null, null, null, 0, null,
                    0, 0, List.of(), 0, 0.0, null);
        }
        counts.putAll(f.getEventCounts());
        long total = f.getEventCounts().values().stream().mapToLong(Long::longValue).sum();
        Double daysSince = f.getLastPurchase() == null ? null : (now - f.getLastPurchase()) / DAY_MS;
        Double frequency = f.getPurchaseDays() < 2 || f.getFirstPurchaseDay() == null ? null
                : (f.getLastPurchaseDay() - f.getFirstPurchaseDay()) / (double) (f.getPurchaseDays() - 1);
        List<Affinity> affinity = f.getCategoryAffinity().stream().map((WeightedKey k) -> new Affinity(k.getKey(), k.getWeight())).toList();
        return new Features(userId, counts, total, f.getTotalSpend(), f.getOrders(),
                f.getOrders() == 0 ? 0.0 : f.getTotalSpend() / f.getOrders(),
                f.getFirstSeen(), Params.iso(f.getFirstSeen()), f.getLastSeen(), Params.iso(f.getLastSeen()),
                f.getLastPurchase(), Params.iso(f.getLastPurchase()), daysSince, f.getPurchaseDays(), frequency,
                Sketches.estimate(f.getItemSketch()), Sketches.estimate(f.getCategorySketch()), affinity,
                f.getSessions(), f.getEngagement(), f.getLastSeen());
    }
}
