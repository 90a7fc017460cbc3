package io.streamrec.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;

/**
 * Problem documents for what the HTTP layer answers before JAX-RS sees the request: a path no endpoint serves (Vert.x
 * would answer an HTML page) and a body whose {@code Content-Length} is over {@code quarkus.http.limits.max-body-size}
 * (Quarkus would answer an empty 413), and a body without a {@code Content-Type} (415; JAX-RS would read it as JSON).
 * Everything JAX-RS answers goes through {@link ProblemMappers}.
 */
@ApplicationScoped
public class HttpProblems {
    /** Before Quarkus' own body-size check ({@code RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT}, -2), which answers without a body. */
    static final int ORDER_BEFORE_UPLOAD_LIMIT = -3;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    void routes(@Observes Router router) {
        long limit = maxBodySize.asLongValue();
        router.route().order(ORDER_BEFORE_UPLOAD_LIMIT).handler(context -> {
            String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            boolean hasBody = length != null ? !length.strip().equals("0") : context.request().headers().contains(HttpHeaders.TRANSFER_ENCODING);
            if (length != null && tooLong(length, limit)) {
                context.response().putHeader(HttpHeaders.CONNECTION, "close");
                answer(context, 413, "Request too large", "at most " + limit + " bytes per request, got " + length);
            } else if (hasBody && context.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
                // JAX-RS would take a body without a type as anything a resource consumes
                answer(context, 415, "Unsupported Media Type", "a request body needs a Content-Type (application/json)");
            } else {
                context.next();
            }
        });
        router.errorHandler(404, context -> answer(context, 404, "Not Found",
                Problems.noEndpoint(context.request().method().name(), context.request().path())));
    }

    private static boolean tooLong(String length, long limit) {
        try {
            return Long.parseLong(length.strip()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP codec rejects a Content-Length that is not a number
        }
    }

    private void answer(RoutingContext context, int status, String title, String detail) {
        if (context.response().headWritten()) {
            context.response().end();
            return;
        }
        Map<String, Object> body = Problems.body(status, title, detail);
        try {
            context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE)
                    .end(io.vertx.core.buffer.Buffer.buffer(json.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            context.response().setStatusCode(status).end();
        }
    }
}
