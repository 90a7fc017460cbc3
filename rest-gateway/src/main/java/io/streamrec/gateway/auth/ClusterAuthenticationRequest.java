package io.streamrec.gateway.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** Another instance's signed request: the {@link ClusterSignature#HEADER} value and what it must sign. */
public final class ClusterAuthenticationRequest extends BaseAuthenticationRequest {
    private final String signature;
    private final String method;
    private final String pathAndQuery;

    public ClusterAuthenticationRequest(String signature, String method, String pathAndQuery) {
        this.signature = signature;
        this.method = method;
        this.pathAndQuery = pathAndQuery;
    }

    String signature() {
        return signature;
    }

    String method() {
        return method;
    }

    String pathAndQuery() {
        return pathAndQuery;
    }
}
