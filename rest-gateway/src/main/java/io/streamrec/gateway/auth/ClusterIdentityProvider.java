package io.streamrec.gateway.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Another streamrec instance, recognised by a valid {@link ClusterSignature} of this very request. */
@ApplicationScoped
public class ClusterIdentityProvider implements IdentityProvider<ClusterAuthenticationRequest> {
    @Inject
    AuthSettings settings;

    @Override
    public Class<ClusterAuthenticationRequest> getRequestType() {
        return ClusterAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ClusterAuthenticationRequest request, AuthenticationRequestContext context) {
        boolean valid = settings.cluster()
                .map(c -> c.verify(request.signature(), request.method(), request.pathAndQuery(), System.currentTimeMillis() / 1000))
                .orElse(false);
        return valid
                ? Uni.createFrom().item(ApiKeyIdentityProvider.identity(Roles.CLUSTER, "cluster"))
                : Uni.createFrom().failure(new AuthenticationFailedException("invalid cluster signature"));
    }
}
