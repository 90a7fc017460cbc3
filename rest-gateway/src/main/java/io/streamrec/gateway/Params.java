package io.streamrec.gateway;

import io.streamrec.schemas.EventRules;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Path and query parameters read by hand, so that a bad value is a 400 problem naming the parameter (JAX-RS answers a
 * query parameter it cannot convert with a bare 404). Resources throw {@link BadParameter}; {@link ProblemMappers} answers.
 */
final class Params {
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

    /** An id as events carry it ({@link EventRules#idProblem}). */
    static String id(String name, String value) {
        String problem = value == null ? "must not be blank" : EventRules.idProblem(value);
        if (problem != null) {
            throw new BadParameter(name, problem);
        }
        return value;
    }

    /** An optional id: null when absent. */
    static String optionalId(String name, String value) {
        return value == null ? null : id(name, value);
    }

    /** What the owner of a key is asked when a query is forwarded: the same path and query. */
    static String pathAndQuery(UriInfo uri) {
        return uri.getRequestUri().getRawPath() + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery());
    }

    static String iso(Long epochMillis) {
        return epochMillis == null ? null : java.time.Instant.ofEpochMilli(epochMillis).toString();
    }
}
