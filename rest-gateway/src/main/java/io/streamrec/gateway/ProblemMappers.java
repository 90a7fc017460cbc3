package io.streamrec.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Every exception a resource lets out, as an RFC 9457 problem document: resources throw, these answer. Bad input is a
 * 4xx that names the field or parameter; state that is not ready and a broker that does not acknowledge are 503 with
 * {@code Retry-After}; anything unexpected is a 500 that carries a reference to the server-side log entry, never the
 * exception or its stack trace. (401 and 403: {@code auth.AuthExceptionMappers}; what never reaches JAX-RS, an unknown
 * path or a body over the HTTP limit: {@link HttpProblems}.)
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response badParameter(Params.BadParameter e) {
        return e.response();
    }

    @ServerExceptionMapper
    public Response notReady(StateQueries.NotReady e) {
        return Problems.unavailable("not available right now (" + e.getMessage() + ")", 1);
    }

    /**
     * A store read that found Kafka Streams not running or a store migrating, where no resource turned it into
     * {@link StateQueries.NotReady}: still "not available right now", never a 500.
     */
    @ServerExceptionMapper
    public Response storeUnavailable(InvalidStateStoreException e) {
        return Problems.unavailable("state not available right now (" + e.getMessage() + ")", 1);
    }

    @ServerExceptionMapper
    public Response notAcknowledged(EventPublisher.PublishException e) {
        return Problems.unavailable(e.getMessage() + "; retry the request (events with an eventId are deduplicated, "
                + "upserts and erasures may be repeated)", 5);
    }

    /** Jackson's own: a syntax error, a limit (nesting depth, number length), a wrong type or an unknown field. */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response json(JsonProcessingException e) {
        return Problems.malformedJson(field(e), reason(e));
    }

    /**
     * JAX-RS's own answers (405, 406, 415, a body the JSON reader could not parse, ...) with their status, as problems.
     * A response a resource built itself is kept.
     */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, Request request, UriInfo uri, HttpHeaders headers) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        Response r = e.getResponse();
        if (r != null && r.hasEntity()) {
            return r;
        }
        int status = r == null ? 500 : r.getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String endpoint = request.getMethod() + " " + uri.getPath();
        String detail;
        if (e instanceof NotFoundException) {
            detail = Problems.noEndpoint(request.getMethod(), uri.getPath());
        } else if (e instanceof NotAllowedException) {
            String allow = r.getHeaderString(HttpHeaders.ALLOW);
            detail = endpoint + ": method not allowed" + (allow == null || allow.isBlank() ? "" : "; allowed: " + allow);
        } else if (e instanceof NotAcceptableException) {
            detail = endpoint + " answers application/json (problems: application/problem+json), not " + headers.getHeaderString(HttpHeaders.ACCEPT);
        } else if (e instanceof NotSupportedException) {
            String type = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
            detail = endpoint + " takes application/json, not " + (type == null ? "a body without Content-Type" : type);
        } else {
            detail = endpoint;
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        Response problem = Problems.of(status, type == null ? "HTTP " + status : type.getReasonPhrase(), detail);
        return r.getHeaders().containsKey(HttpHeaders.ALLOW)
                ? Response.fromResponse(problem).header(HttpHeaders.ALLOW, r.getHeaderString(HttpHeaders.ALLOW)).build()
                : problem;
    }

    /** A programming error or a failure nothing expected: logged here with its stack trace, answered without it. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error, reference %s", reference);
        return Problems.of(500, "Internal server error", "an unexpected error, logged with reference " + reference);
    }

    /** Where in the body: the JSON path of a mapping error ({@code itemIds[2]}), {@code $} for the body itself. */
    static String field(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
            return "$";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "$" : path.toString();
    }

    static String reason(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null && !m.getPath().isEmpty()) {
            return "must be " + jsonType(m.getTargetType());
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "malformed JSON" + where + ": " + e.getOriginalMessage();
    }

    private static String jsonType(Class<?> type) {
        if (type == String.class || CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) || !type.isEnum() ? "an object" : "one of the allowed values";
    }
}
