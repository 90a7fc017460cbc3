package io.streamrec.gateway.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.streamrec.gateway.Problems;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashSet;
import java.util.Set;

/**
 * Reads the credentials of a request and hands them to the identity providers: another instance's
 * {@link ClusterSignature#HEADER}, else a client's key from {@code Authorization: Bearer <key>} or {@code X-Api-Key}
 * (Bearer first; other Authorization schemes are not ours and are ignored). No credentials: anonymous, which only the
 * open paths ({@code /q/health}) accept. A 401 is a problem document that never repeats what was sent, and every one is
 * counted ({@code streamrec_auth_failures_total{reason}}).
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {
    public static final String API_KEY_HEADER = "X-Api-Key";
    static final String FAILURE = "streamrec.auth.failure";
    static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    static final String REALM = "Bearer realm=\"streamrec\"";

    /** With authentication off every request is this identity: every role, /internal included. */
    private static final SecurityIdentity OPEN = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("anonymous (authentication disabled)"))
            .addRoles(Set.of(Roles.ADMIN, Roles.INGEST, Roles.QUERY, Roles.CLUSTER))
            .build();

    @Inject
    AuthSettings settings;

    @Inject
    MeterRegistry meters;

    @Inject
    ObjectMapper json;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!settings.enabled()) {
            return Uni.createFrom().item(OPEN);
        }
        HttpServerRequest request = context.request();
        String signature = request.getHeader(ClusterSignature.HEADER);
        if (signature != null) {
            return verified(context, identities, "bad-cluster-signature",
                    new ClusterAuthenticationRequest(signature, request.method().name(), request.uri()));
        }
        String key = presentedKey(request);
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return verified(context, identities, "unknown-key", new ApiKeyAuthenticationRequest(key));
    }

    private static Uni<SecurityIdentity> verified(RoutingContext context, IdentityProviderManager identities,
                                                  String failure, AuthenticationRequest request) {
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, context))
                .onFailure().invoke(() -> context.put(FAILURE, failure));
    }

    /** The key from {@code Authorization: Bearer} or {@code X-Api-Key}; null when neither carries one. */
    static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).strip();
            if (!key.isEmpty()) {
                return key;
            }
        }
        String key = request.getHeader(API_KEY_HEADER);
        return key == null || key.isBlank() ? null : key.strip();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, WWW_AUTHENTICATE, REALM));
    }

    /** 401 as a problem document, never naming the key that was sent (a failed authentication, or none on a closed path). */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        String reason = failureReason(context.get(FAILURE));
        meters.counter("streamrec.auth.failures", "reason", reason).increment();
        HttpServerResponse response = context.response();
        if (response.ended()) {
            return Uni.createFrom().item(true);
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(Problems.body(401, "Unauthorized", detail(reason)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(401)
                .putHeader(WWW_AUTHENTICATE, REALM)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length));
        return Uni.createFrom().completionStage(response.end(io.vertx.core.buffer.Buffer.buffer(body)).toCompletionStage())
                .replaceWith(true);
    }

    /** The same 401 where JAX-RS answers it (an anonymous request to a {@code @RolesAllowed} resource). */
    jakarta.ws.rs.core.Response unauthorized(String failure) {
        String reason = failureReason(failure);
        meters.counter("streamrec.auth.failures", "reason", reason).increment();
        return jakarta.ws.rs.core.Response.fromResponse(Problems.of(401, "Unauthorized", detail(reason)))
                .header(WWW_AUTHENTICATE, REALM).build();
    }

    private static String failureReason(String failure) {
        return failure == null ? "missing" : failure;
    }

    private static String detail(String reason) {
        return switch (reason) {
            case "unknown-key" -> "the API key is not one of this gateway's keys";
            case "bad-cluster-signature" -> "the " + ClusterSignature.HEADER + " signature is not valid for this request (or too old)";
            default -> "this endpoint needs an API key: send Authorization: Bearer <key> or " + API_KEY_HEADER + ": <key>";
        };
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return new HashSet<>(Set.of(ApiKeyAuthenticationRequest.class, ClusterAuthenticationRequest.class));
    }
}
