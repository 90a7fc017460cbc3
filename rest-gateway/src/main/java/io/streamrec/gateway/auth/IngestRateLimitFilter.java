package io.streamrec.gateway.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamrec.gateway.Problems;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

/**
 * Per-key token bucket on the ingest endpoints ({@code streamrec.auth.rate-limit.*}): a key with the ingest role gets
 * {@code burst} requests at once and {@code requests-per-second} after that; over it, 429 with {@code Retry-After}.
 * Ingest keys are the ones handed to storefronts and tags, so they are the ones that leak; admin keys (operators, the
 * load tools) and the open mode are not limited.
 */
@Provider
@IngestRateLimited
@Priority(Priorities.AUTHORIZATION + 10)
public class IngestRateLimitFilter implements ContainerRequestFilter {
    @Inject
    AuthSettings settings;

    @Inject
    MeterRegistry meters;

    @Override
    public void filter(ContainerRequestContext request) {
        SecurityContext security = request.getSecurityContext();
        if (security.getUserPrincipal() == null || !security.isUserInRole(Roles.INGEST) || security.isUserInRole(Roles.ADMIN)) {
            return;
        }
        String key = security.getUserPrincipal().getName();
        long waitNanos = settings.ingestBuckets().tryAcquire(key, System.nanoTime());
        if (waitNanos > 0) {
            meters.counter("streamrec.auth.rate_limited").increment();
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            request.abortWith(Problems.tooManyRequests("this API key is over its ingest rate limit; retry after "
                    + seconds + " s (the limit is per key: streamrec.auth.rate-limit.*)", seconds));
        }
    }
}
