package io.streamrec.gateway.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A client's API key as presented ({@code Authorization: Bearer} or {@code X-Api-Key}). Never printed. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {
    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[key hidden]";
    }
}
