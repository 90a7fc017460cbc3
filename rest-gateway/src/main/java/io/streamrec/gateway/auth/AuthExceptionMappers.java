package io.streamrec.gateway.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.RoutingContext;
import io.streamrec.gateway.Problems;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * 401 and 403 of the JAX-RS resources as problem documents. 401: no key (the mechanism's answer, counted there). 403:
 * a valid key whose role does not cover the endpoint; says which role would, never the key, and is counted as
 * {@code streamrec_auth_forbidden_total{needs}}.
 */
public class AuthExceptionMappers {
    @Inject
    MeterRegistry meters;

    @Inject
    ApiKeyAuthenticationMechanism mechanism;

    /** An anonymous request to a resource that needs a role: the mechanism's 401. */
    @ServerExceptionMapper(UnauthorizedException.class)
    public Response unauthorized(UnauthorizedException e, RoutingContext context) {
        return mechanism.unauthorized(context.get(ApiKeyAuthenticationMechanism.FAILURE));
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden(ForbiddenException e, SimpleResourceInfo resource) {
        String needs = needed(resource);
        meters.counter("streamrec.auth.forbidden", "needs", needs).increment();
        String detail = Roles.CLUSTER.equals(needs)
                ? "instance-to-instance endpoint: only other streamrec instances (cluster secret) may call it, no client key"
                : "this API key's role may not do this; it needs a key with role " + needs + " (or admin)";
        return Problems.of(403, "Forbidden", detail);
    }

    private static String needed(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return "unknown";
        }
        RolesAllowed allowed = null;
        try {
            Method m = resource.getResourceClass().getMethod(resource.getMethodName(), resource.parameterTypes());
            allowed = m.getAnnotation(RolesAllowed.class);
        } catch (NoSuchMethodException ignored) {
            // fall back to the class
        }
        if (allowed == null) {
            allowed = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return allowed == null ? "unknown" : String.join(" or ", Arrays.asList(allowed.value()));
    }
}
