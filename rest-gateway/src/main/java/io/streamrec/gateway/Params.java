package io.streamrec.gateway;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Query parameters read by hand, so that a bad value is a 400 problem naming the parameter (not JAX-RS's bare 404). */
final class Params {
    static final int MAX_ID_LENGTH = 256;

    private Params() {
    }

    /** A parameter that cannot be used; {@link #response()} is the problem to answer. */
    static final class BadParameter extends RuntimeException {
        private final String parameter;
        private final String reason;

        BadParameter(String parameter, String reason) {
            super(parameter + ": " + reason, null, false, false);
            this.parameter = parameter;
            this.reason = reason;
        }

        Response response() {
            return Problems.badParameter(parameter, reason);
        }
    }

    /** An integer in [1, max], {@code fallback} when absent. */
    static int count(String name, String raw, int fallback, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw new BadParameter(name, "must be an integer between 1 and " + max + ", got '" + raw + "'");
        }
        if (n < 1 || n > max) {
            throw new BadParameter(name, "must be between 1 and " + max + ", got " + n);
        }
        return n;
    }

    static String id(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new BadParameter(name, "must not be blank");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new BadParameter(name, "longer than " + MAX_ID_LENGTH + " characters");
        }
        return value;
    }

    /** What the owner of a key is asked when a query is forwarded: the same path and query. */
    static String pathAndQuery(UriInfo uri) {
        return uri.getRequestUri().getRawPath() + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery());
    }

    static String iso(Long epochMillis) {
        return epochMillis == null ? null : java.time.Instant.ofEpochMilli(epochMillis).toString();
    }
}
