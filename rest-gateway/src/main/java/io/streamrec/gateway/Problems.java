package io.streamrec.gateway;

import io.streamrec.schemas.Violation;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 9457 problem details: every error the gateway answers goes through here. */
public final class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static Response of(int status, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(body(status, title, detail)).build();
    }

    public static Response validation(String title, String detail, List<Violation> errors) {
        Map<String, Object> body = body(400, title, detail);
        body.put("errors", errors.stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", v.index());
            m.put("field", v.field());
            m.put("reason", v.reason());
            return m;
        }).toList());
        return Response.status(400).type(MEDIA_TYPE).entity(body).build();
    }

    /** 400 for a body that is not the JSON asked for: {@code field} is where it went wrong ({@code $}: the body itself). */
    public static Response malformedJson(String field, String reason) {
        return validation("Malformed JSON", field + ": " + reason, List.of(new Violation(0, field, reason)));
    }

    /** The detail of a 404 for a path no endpoint serves, whether JAX-RS or Vert.x answers it. */
    public static String noEndpoint(String method, String path) {
        return "no endpoint at " + method + " " + path + " (the API: /q/openapi, /q/swagger-ui)";
    }

    public static Response badParameter(String parameter, String reason) {
        return validation("Invalid request parameter", parameter + ": " + reason, List.of(new Violation(0, parameter, reason)));
    }

    public static Response unavailable(String detail, int retryAfterSeconds) {
        return Response.status(503).type(MEDIA_TYPE).header("Retry-After", retryAfterSeconds)
                .entity(body(503, "Service temporarily unavailable", detail)).build();
    }

    /** 429: a client over its rate; {@code Retry-After} says when the next request will be taken. */
    public static Response tooManyRequests(String detail, long retryAfterSeconds) {
        return Response.status(429).type(MEDIA_TYPE).header("Retry-After", retryAfterSeconds)
                .entity(body(429, "Too many requests", detail)).build();
    }

    /** The problem document itself, for answers written outside JAX-RS (the authentication challenge). */
    public static Map<String, Object> body(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }
}
