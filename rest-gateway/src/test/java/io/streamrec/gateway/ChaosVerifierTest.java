package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verifier of {@link ChaosIT} against a system simulated here from the input: exact when the simulated answers
 * hold every accepted event once, and each kind of fault reported when they do not: an event lost, counted twice,
 * a rejected one present, a counter off on the item side only, the DLQ short, long or wrong.
 */
class ChaosVerifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChaosVerifier verifier;
    private final List<ChaosVerifier.Event> accepted = new ArrayList<>();
    private final List<ChaosVerifier.Event> rejected = new ArrayList<>();
    private final List<ChaosVerifier.Event> uncertain = new ArrayList<>();
    private final List<ChaosVerifier.BadRecord> bad = new ArrayList<>();

    @BeforeEach
    void input() {
        verifier = new ChaosVerifier(7, 5, 4, 1_000_000L);
        for (int batch = 0; batch < 30; batch++) {
            List<ChaosVerifier.Event> events = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                events.add(verifier.next());
            }
            switch (batch % 10) {
                case 3 -> { // refused, then accepted when sent again
                    verifier.attempted(events, 503);
                    verifier.attempted(events, 202);
                    accepted.addAll(events);
                }
                case 5 -> {
                    verifier.attempted(events, 400);
                    rejected.addAll(events);
                }
                case 7 -> { // refused (or no answer) and given up
                    verifier.attempted(events, 503);
                    verifier.attempted(events, ChaosVerifier.NO_ANSWER);
                    uncertain.addAll(events);
                }
                default -> {
                    verifier.attempted(events, 202);
                    accepted.addAll(events);
                }
            }
        }
        verifier.attempted(verifier.duplicates(10), 202);
        for (ChaosVerifier.BadRecord b : verifier.malformed(8)) {
            verifier.badWritten(b);
            bad.add(b);
        }
    }

    @Test
    void exactWhenEveryAcceptedEventCountsOnce() throws Exception {
        List<ChaosVerifier.Event> processed = new ArrayList<>(accepted);
        processed.add(uncertain.get(0)); // an event of a batch given up may have been written: once is fine
        ChaosVerifier.Report r = verifier.verify(new Simulated(processed, processed), dlq(bad));
        assertTrue(r.exact(), r.toString());
        assertEquals(accepted.size() + 1, r.counted);
        assertEquals(1, r.uncertainPresent);
        assertEquals(uncertain.size() - 1, r.uncertainAbsent);
        assertEquals(bad.size(), r.dlqRecords);
        assertEquals(accepted.size(), verifier.acceptedCount());
    }

    @Test
    void anAcceptedEventMissingIsLost() throws Exception {
        List<ChaosVerifier.Event> processed = new ArrayList<>(accepted);
        processed.remove(17);
        ChaosVerifier.Report r = verifier.verify(new Simulated(processed, processed), dlq(bad));
        assertFalse(r.exact());
        assertEquals(1, r.lost);
        assertEquals(0, r.duplicated);
        assertTrue(r.countsMissing >= 2, r.toString()); // its type in features and its item's counts
        assertEquals(0, r.countsExtra);
    }

    @Test
    void anEventCountedTwiceIsDuplicated() throws Exception {
        List<ChaosVerifier.Event> processed = new ArrayList<>(accepted);
        processed.add(accepted.get(3));
        processed.add(uncertain.get(2));
        processed.add(uncertain.get(2)); // given up after a 503, yet present twice
        ChaosVerifier.Report r = verifier.verify(new Simulated(processed, processed), dlq(bad));
        assertEquals(2, r.duplicated, r.toString());
        assertEquals(0, r.lost);
        assertFalse(r.exact());
    }

    @Test
    void aRejectedEventPresentIsReported() throws Exception {
        List<ChaosVerifier.Event> processed = new ArrayList<>(accepted);
        processed.add(rejected.get(0));
        ChaosVerifier.Report r = verifier.verify(new Simulated(processed, processed), dlq(bad));
        assertEquals(1, r.rejectedPresent, r.toString());
        assertFalse(r.exact());
    }

    @Test
    void theItemSideIsCheckedOnItsOwn() throws Exception {
        List<ChaosVerifier.Event> itemSide = new ArrayList<>(accepted);
        itemSide.add(accepted.get(0)); // counted twice by the item side only
        ChaosVerifier.Event other = accepted.stream().filter(e -> !e.itemId().equals(accepted.get(0).itemId())).findFirst().orElseThrow();
        itemSide.remove(other); // and one of another item lost there only
        ChaosVerifier.Report r = verifier.verify(new Simulated(accepted, itemSide), dlq(bad));
        assertEquals(0, r.lost);
        assertEquals(0, r.duplicated);
        assertTrue(r.countsExtra >= 2 && r.countsMissing >= 2, r.toString());
        assertFalse(r.exact());
    }

    @Test
    void theDlqMustHoldExactlyTheInjectedRecords() throws Exception {
        Simulated system = new Simulated(accepted, accepted);
        List<ConsumerRecord<byte[], byte[]>> dlq = dlq(bad.subList(1, bad.size()));
        dlq.add(dlq.get(0));
        dlq.add(dead("not-injected", new byte[]{1}, "deserialize", "value"));
        ChaosVerifier.BadRecord b = bad.get(3);
        dlq.set(2, dead(b.key(), b.value(), "validate", "userId")); // bad.get(3)'s with another stage and field
        ChaosVerifier.Report r = verifier.verify(system, dlq);
        assertEquals(1, r.dlqMissing, r.toString());
        assertEquals(1, r.dlqDuplicated);
        assertEquals(1, r.dlqUnexpected);
        assertEquals(1, r.dlqWrong);
        assertFalse(r.exact());
    }

    private static List<ConsumerRecord<byte[], byte[]>> dlq(List<ChaosVerifier.BadRecord> records) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (ChaosVerifier.BadRecord b : records) {
            out.add(dead(b.key(), b.value(), b.stage(), b.field()));
        }
        return out;
    }

    private static ConsumerRecord<byte[], byte[]> dead(String key, byte[] value, String stage, String field) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(Topics.EVENTS_DLQ, 0, 0L, key.getBytes(StandardCharsets.UTF_8), value);
        r.headers().add(Topics.HEADER_ERROR_STAGE, stage.getBytes(StandardCharsets.UTF_8));
        r.headers().add(Topics.HEADER_ERROR_FIELD, field.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /** Answers as the gateways would, had the user side processed {@code userSide} and the item side {@code itemSide}. */
    private static final class Simulated implements ChaosVerifier.Api {
        private final Map<String, JsonNode> answers = new HashMap<>();

        Simulated(List<ChaosVerifier.Event> userSide, List<ChaosVerifier.Event> itemSide) {
            for (ChaosVerifier.Event e : userSide) {
                ObjectNode h = (ObjectNode) answers.computeIfAbsent("/users/" + e.userId() + "/history?limit=100",
                        p -> JSON.createObjectNode().set("items", JSON.createArrayNode()));
                ((ArrayNode) h.get("items")).addObject().put("itemId", e.itemId()).put("eventType", e.type()).put("timestamp", e.timestamp());
                ObjectNode f = (ObjectNode) answers.computeIfAbsent("/users/" + e.userId() + "/features", p -> {
                    ObjectNode n = JSON.createObjectNode().put("totalEvents", 0);
                    n.putObject("counts");
                    return n;
                });
                ObjectNode counts = (ObjectNode) f.get("counts");
                counts.put(e.type(), counts.path(e.type()).asLong() + 1);
                f.put("totalEvents", f.get("totalEvents").asLong() + 1);
            }
            for (ChaosVerifier.Event e : itemSide) {
                ObjectNode s = (ObjectNode) answers.computeIfAbsent("/items/" + e.itemId() + "/stats", p -> JSON.createObjectNode()
                        .put("events", 0).put("views", 0).put("clicks", 0).put("carts", 0).put("purchases", 0));
                s.put("events", s.get("events").asLong() + 1);
                String field = switch (e.type()) {
                    case "view" -> "views";
                    case "click" -> "clicks";
                    case "add_to_cart" -> "carts";
                    case "purchase" -> "purchases";
                    default -> null;
                };
                if (field != null) {
                    s.put(field, s.get(field).asLong() + 1);
                }
            }
        }

        @Override
        public JsonNode get(String path) {
            if (path.endsWith("/history?limit=100")) {
                return answers.getOrDefault(path, JSON.createObjectNode().set("items", JSON.createArrayNode()));
            }
            if (path.endsWith("/features")) {
                return answers.getOrDefault(path, JSON.createObjectNode().put("totalEvents", 0).set("counts", JSON.createObjectNode()));
            }
            return answers.get(path); // an item no event reached: 404
        }
    }
}
