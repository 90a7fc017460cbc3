package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.User;
import io.streamrec.gateway.auth.IngestRateLimited;
import io.streamrec.gateway.auth.Roles;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Violation;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Ingestion. A batch is validated whole before anything is written: one invalid record rejects the batch with every
 * error listed (index, field, reason). A valid batch answers 202 only after Kafka acknowledged every record.
 */
@Path("/")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.INGEST)
@IngestRateLimited
public class IngestResource {
    static final int MAX_BATCH = 1000;

    @Inject
    ObjectMapper mapper;

    @Inject
    EventRules rules;

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "streamrec.ingest.max-body-bytes", defaultValue = "1048576")
    int maxBodyBytes;

    /** Kafka 4 brokers refuse record timestamps more than an hour ahead (log.message.timestamp.after.max.ms). */
    static final long MAX_FUTURE_MS = 3_600_000L;

    private List<Violation> validateEvent(ClickEvent e) {
        List<Violation> out = rules.validate(e);
        if (e.getTimestamp() > System.currentTimeMillis() + MAX_FUTURE_MS) {
            out = new ArrayList<>(out);
            out.add(new Violation(0, "timestamp", "more than 1 hour in the future"));
        }
        return out;
    }

    @POST
    @Path("events")
    @Blocking
    @Operation(summary = "Send one event or an array of at most 1,000 events (1 MiB)")
    public Response events(byte[] body) throws IOException {
        return ingest(body, "events", node -> JsonReader.event(node, System::currentTimeMillis), this::validateEvent, events -> {
            publisher.publishEvents(events);
            return Map.of("accepted", events.size(), "eventIds", events.stream().map(ClickEvent::getEventId).toList());
        });
    }

    @POST
    @Path("items")
    @Blocking
    @Operation(summary = "Upsert one catalog item or an array of items")
    public Response items(byte[] body) throws IOException {
        return ingest(body, "items", JsonReader::item, rules::validate, items -> {
            publisher.publishItems(items);
            return Map.of("accepted", items.size());
        });
    }

    @POST
    @Path("users")
    @Blocking
    @Operation(summary = "Upsert one user or an array of users")
    public Response users(byte[] body) throws IOException {
        return ingest(body, "users", node -> JsonReader.user(node, System::currentTimeMillis), u -> List.of(), users -> {
            publisher.publishUsers(users);
            return Map.of("accepted", users.size());
        });
    }

    private <T> Response ingest(byte[] body, String what, Function<JsonNode, JsonReader.Parsed<T>> reader,
                                Function<T, List<Violation>> validator, Function<List<T>, Object> publish) throws IOException {
        if (body == null || body.length == 0) {
            return Problems.validation("Empty request", "the body must be a JSON object or array of " + what,
                    List.of(new Violation(0, "$", "request body is empty")));
        }
        if (body.length > maxBodyBytes) {
            return Problems.of(413, "Request too large", "at most " + maxBodyBytes + " bytes per request, got " + body.length);
        }
        JsonNode root = mapper.readTree(body); // malformed JSON: ProblemMappers.json
        List<JsonNode> nodes = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(nodes::add);
        } else if (root != null) {
            nodes.add(root);
        }
        if (nodes.isEmpty()) {
            return Problems.validation("Empty batch", "send at least one of " + what, List.of(new Violation(0, "$", "no " + what + " in the request")));
        }
        if (nodes.size() > MAX_BATCH) {
            return Problems.validation("Batch too large", "at most " + MAX_BATCH + " " + what + " per request, got " + nodes.size(),
                    List.of(new Violation(0, "$", "at most " + MAX_BATCH + " " + what + " per request")));
        }
        List<T> records = new ArrayList<>(nodes.size());
        List<Violation> errors = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonReader.Parsed<T> parsed = reader.apply(nodes.get(i));
            List<Violation> found = new ArrayList<>(parsed.errors());
            if (found.isEmpty()) {
                found.addAll(validator.apply(parsed.value()));
            }
            for (Violation v : found) {
                errors.add(v.withIndex(i));
            }
            records.add(parsed.value());
        }
        if (!errors.isEmpty()) {
            return Problems.validation("Invalid " + what, errors.size() + " error(s) in " + nodes.size() + " " + what + "; nothing was written", errors);
        }
        return Response.accepted(publish.apply(records)).build();
    }
}
