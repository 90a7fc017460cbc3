package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrec.avro.ClickEvent;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The verifier of the fault-injection test (after Kafka's exactly-once system tests): it generates a seeded synthetic
 * input, records the outcome of every attempt to send each event, and computes from those outcomes alone, not from
 * anything the system reports, what every user's features and history and every item's statistics must hold; then it
 * compares that with what the gateways answer and with the DLQ.
 *
 * <p>Every event has a timestamp of its own, so a history entry ({@code itemId}, {@code eventType}, {@code timestamp})
 * names the one event it came from: history tells, event by event, what was processed and how many times. Each user
 * gets at most {@link #MAX_EVENTS_PER_USER} events, below the 100 entries history keeps, so nothing is evicted. An
 * event's fate follows from its attempts:
 * <ul>
 *   <li>any attempt answered 202: <b>accepted</b>, it must be counted exactly once;</li>
 *   <li>every attempt answered 400 (its batch held an invalid event): <b>rejected</b>, it must be absent;</li>
 *   <li>otherwise (503, no answer, the gateway killed under the request): <b>uncertain</b>, absent or present once.</li>
 * </ul>
 * The expected counts are those of the accepted events plus the uncertain ones found in history (each of those at most
 * once); the item statistics, computed by another Kafka Streams application from other topics, must then agree
 * exactly. Malformed records are written straight to {@code streamrec.events}; the DLQ must hold each of them once,
 * with its bytes, stage and field, and nothing else.
 */
final class ChaosVerifier {
    /** Event types of the input, with their weights: every one an item event (so in history) and counted apart. */
    static final List<String> TYPES = List.of("view", "click", "add_to_cart", "remove_from_cart", "purchase");
    private static final int[] TYPE_WEIGHTS = {60, 15, 10, 5, 10};
    /** Below history's 100 entries, so that history shows every event of a user. */
    static final int MAX_EVENTS_PER_USER = 90;
    /** The status recorded for an attempt that got no answer (connection refused or reset, timeout). */
    static final int NO_ANSWER = -1;

    /** One synthetic event; its timestamp is unique in the input. */
    record Event(String eventId, String userId, String itemId, String type, long timestamp) {
        String json() {
            return "{\"eventId\":\"" + eventId + "\",\"userId\":\"" + userId + "\",\"itemId\":\"" + itemId
                    + "\",\"eventType\":\"" + type + "\",\"timestamp\":" + timestamp
                    + (type.equals("purchase") ? ",\"price\":4.5,\"quantity\":1" : "") + "}";
        }

        ClickEvent avro() {
            ClickEvent.Builder b = ClickEvent.newBuilder().setEventId(eventId).setUserId(userId).setItemId(itemId)
                    .setEventType(type).setTimestamp(timestamp);
            if (type.equals("purchase")) {
                b.setPrice(4.5).setQuantity(1);
            }
            return b.build();
        }
    }

    /** A record that must end in the DLQ: its key (unique), value as written, and the stage and field it must name. */
    record BadRecord(String key, byte[] value, String stage, String field) {
    }

    enum Fate { ACCEPTED, REJECTED, UNCERTAIN }

    /** What an event was sent as, and the statuses of its attempts, in order. */
    private static final class Sent {
        final Event event;
        final List<Integer> statuses = new ArrayList<>();

        Sent(Event event) {
            this.event = event;
        }

        Fate fate() {
            if (statuses.contains(202)) {
                return Fate.ACCEPTED;
            }
            return !statuses.isEmpty() && statuses.stream().allMatch(s -> s == 400) ? Fate.REJECTED : Fate.UNCERTAIN;
        }
    }

    /** Reads a gateway's JSON answer to a GET (a 404 as {@code null}); throws for anything but 200 and 404. */
    @FunctionalInterface
    interface Api {
        JsonNode get(String path) throws Exception;
    }

    private final Random random;
    private final String run;
    private int users;
    private final int items;
    private final long t0;
    private final Map<String, Sent> byId = new LinkedHashMap<>();
    private final Map<Long, Sent> byTimestamp = new HashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final List<Event> accepted = new ArrayList<>();
    private final Map<String, BadRecord> bad = new LinkedHashMap<>();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private int next;
    private int badNext;
    private int duplicatesSent;
    private int invalidSent;

    /**
     * @param seed  the input's seed: the same seed, the same events (the faults' timing differs from run to run)
     * @param users distinct users to begin with (more are added as they fill up)
     * @param items distinct items (chosen with a skew: a few items get most events)
     * @param t0    the first event's time; event {@code n} is at {@code t0 + 10 n} ms
     */
    ChaosVerifier(long seed, int users, int items, long t0) {
        this.random = new Random(seed);
        this.run = Long.toString(seed, 36);
        this.users = users;
        this.items = items;
        this.t0 = t0;
    }

    /**
     * A new event (never sent before): a user with room left in history (a new user once the random pick found none),
     * a skewed item, a weighted type.
     */
    synchronized Event next() {
        String user = null;
        for (int tries = 0; tries < 10 && user == null; tries++) {
            String u = "cu" + random.nextInt(users);
            if (perUser.getOrDefault(u, 0) < MAX_EVENTS_PER_USER) {
                user = u;
            }
        }
        if (user == null) {
            user = "cu" + users++;
        }
        perUser.merge(user, 1, Integer::sum);
        String item = "ci" + Math.min(items - 1, (int) Math.abs(random.nextGaussian() * items / 3));
        int w = random.nextInt(Arrays.stream(TYPE_WEIGHTS).sum());
        int t = 0;
        while (w >= TYPE_WEIGHTS[t]) {
            w -= TYPE_WEIGHTS[t++];
        }
        int n = next++;
        Event e = new Event("chaos-" + run + "-" + n, user, item, TYPES.get(t), t0 + 10L * n);
        Sent s = new Sent(e);
        byId.put(e.eventId(), s);
        byTimestamp.put(e.timestamp(), s);
        return e;
    }

    /** An event the gateway must refuse (an unknown event type): the whole batch holding it is answered 400. */
    synchronized String invalidJson() {
        invalidSent++;
        return "{\"eventId\":\"chaos-" + run + "-invalid-" + invalidSent + "\",\"userId\":\"cu0\",\"itemId\":\"ci0\","
                + "\"eventType\":\"teleport\",\"timestamp\":" + t0 + "}";
    }

    /** Up to {@code n} accepted events, to be sent again with their eventIds (each must still count once). */
    synchronized List<Event> duplicates(int n) {
        List<Event> out = new ArrayList<>();
        for (int k = 0; k < n && !accepted.isEmpty(); k++) {
            out.add(accepted.get(random.nextInt(accepted.size())));
        }
        duplicatesSent += out.size();
        return out;
    }

    /** Records one attempt to send these events (a POST answered {@code status}, or {@link #NO_ANSWER}). */
    synchronized void attempted(List<Event> batch, int status) {
        statuses.merge(status, 1, Integer::sum);
        for (Event e : batch) {
            Sent s = byId.get(e.eventId());
            if (s == null) {
                throw new IllegalArgumentException("not an event of this input: " + e);
            }
            boolean wasAccepted = s.fate() == Fate.ACCEPTED;
            s.statuses.add(status);
            if (!wasAccepted && s.fate() == Fate.ACCEPTED) {
                accepted.add(e);
            }
        }
    }

    /**
     * {@code n} malformed records, of every kind a raw producer may write, each keyed uniquely: bytes that are not Avro,
     * random bytes, an empty value, no value, truncated Avro, an unknown schema fingerprint, an event without an item,
     * an event of an unknown type. Call {@link #badWritten} once Kafka acknowledged one.
     */
    synchronized List<BadRecord> malformed(int n) {
        List<BadRecord> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int id = badNext++;
            String key = "chaos-bad-" + run + "-" + id;
            byte[] valid = Serdes.CLICK_EVENT.serialize(Topics.EVENTS,
                    new Event(key, "cu-bad", "ci-bad", "view", t0).avro());
            out.add(switch (id % 8) {
                case 0 -> new BadRecord(key, ("{not avro " + key + "}").getBytes(StandardCharsets.UTF_8), "deserialize", "value");
                case 1 -> {
                    byte[] b = new byte[50 + random.nextInt(200)];
                    random.nextBytes(b);
                    b[0] = 0x11; // not the single-object encoding's marker, so never by chance a readable record
                    yield new BadRecord(key, b, "deserialize", "value");
                }
                case 2 -> new BadRecord(key, new byte[0], "deserialize", "value");
                case 3 -> new BadRecord(key, null, "deserialize", "value");
                case 4 -> new BadRecord(key, Arrays.copyOf(valid, valid.length - 3), "deserialize", "value");
                case 5 -> {
                    byte[] b = valid.clone();
                    b[2] ^= (byte) 0xFF; // another fingerprint: a schema no reader knows
                    yield new BadRecord(key, b, "deserialize", "value");
                }
                case 6 -> new BadRecord(key, Serdes.CLICK_EVENT.serialize(Topics.EVENTS, ClickEvent.newBuilder()
                        .setEventId(key).setUserId("cu-bad").setEventType("view").setTimestamp(t0).build()), "validate", "itemId");
                default -> new BadRecord(key, Serdes.CLICK_EVENT.serialize(Topics.EVENTS, ClickEvent.newBuilder()
                        .setEventId(key).setUserId("cu-bad").setItemId("ci-bad").setEventType("teleport").setTimestamp(t0).build()),
                        "validate", "eventType");
            });
        }
        return out;
    }

    /** A malformed record Kafka acknowledged: the DLQ must hold it exactly once. */
    synchronized void badWritten(BadRecord r) {
        bad.put(r.key(), r);
    }

    synchronized int acceptedCount() {
        return accepted.size();
    }

    /** The users that were sent at least one event. */
    synchronized List<String> users() {
        return new ArrayList<>(new TreeMap<>(perUser).keySet());
    }

    /** Every item some event was for. */
    synchronized List<String> items() {
        return byId.values().stream().map(s -> s.event.itemId()).distinct().sorted().toList();
    }

    /** The input as sent so far, in numbers, for the log. */
    synchronized String inputSummary() {
        Map<Fate, Integer> fates = new TreeMap<>();
        byId.values().forEach(s -> fates.merge(s.fate(), 1, Integer::sum));
        return "events " + byId.size() + " (" + fates + "), attempts by status " + statuses + ", duplicates sent "
                + duplicatesSent + ", batches with an invalid event " + invalidSent + ", malformed records written " + bad.size();
    }

    /** How many POSTs were answered with each status ({@link #NO_ANSWER}: none). */
    synchronized Map<Integer, Integer> statuses() {
        return new TreeMap<>(statuses);
    }

    synchronized int duplicatesSent() {
        return duplicatesSent;
    }

    synchronized int malformedWritten() {
        return bad.size();
    }

    /**
     * Reads every user's history and features and every item's statistics through {@code api} and the DLQ's records,
     * and compares them with what the input's outcomes imply.
     */
    synchronized Report verify(Api api, List<ConsumerRecord<byte[], byte[]>> dlq) throws Exception {
        Report r = new Report();
        Map<String, Map<String, Long>> expectedUser = new TreeMap<>();
        Map<String, Map<String, Long>> expectedItem = new TreeMap<>();
        Map<String, List<Sent>> byUser = new HashMap<>();
        byId.values().forEach(s -> byUser.computeIfAbsent(s.event.userId(), k -> new ArrayList<>()).add(s));
        for (String user : users()) {
            JsonNode h = api.get("/users/" + user + "/history?limit=100");
            Map<Long, Integer> seen = new HashMap<>();
            for (JsonNode entry : h.get("items")) {
                long ts = entry.get("timestamp").asLong();
                Sent s = byTimestamp.get(ts);
                if (s == null || !s.event.userId().equals(user) || !s.event.itemId().equals(entry.get("itemId").asText())
                        || !s.event.type().equals(entry.get("eventType").asText())) {
                    r.problem("unexpected history entry of " + user + ": " + entry);
                    r.unexpected++;
                    continue;
                }
                seen.merge(ts, 1, Integer::sum);
            }
            for (Sent s : byUser.getOrDefault(user, List.of())) {
                int times = seen.getOrDefault(s.event.timestamp(), 0);
                Fate fate = s.fate();
                if (times > 1) {
                    r.duplicated++;
                    r.problem(s.event.eventId() + " (" + fate + ", attempts " + s.statuses + ") in history " + times + " times");
                }
                if (fate == Fate.ACCEPTED && times == 0) {
                    r.lost++;
                    r.problem(s.event.eventId() + " accepted (attempts " + s.statuses + ") but not in history");
                }
                if (fate == Fate.REJECTED && times > 0) {
                    r.rejectedPresent++;
                    r.problem(s.event.eventId() + " rejected with its batch (400) but in history");
                }
                if (fate == Fate.UNCERTAIN) {
                    if (times == 0) {
                        r.uncertainAbsent++;
                    } else {
                        r.uncertainPresent++;
                    }
                }
                boolean counts = fate == Fate.ACCEPTED || fate == Fate.UNCERTAIN && times > 0;
                if (counts) {
                    r.counted++;
                    expectedUser.computeIfAbsent(user, k -> new TreeMap<>()).merge(s.event.type(), 1L, Long::sum);
                    Map<String, Long> item = expectedItem.computeIfAbsent(s.event.itemId(), k -> new TreeMap<>());
                    item.merge("events", 1L, Long::sum);
                    switch (s.event.type()) {
                        case "view" -> item.merge("views", 1L, Long::sum);
                        case "click" -> item.merge("clicks", 1L, Long::sum);
                        case "add_to_cart" -> item.merge("carts", 1L, Long::sum);
                        case "purchase" -> item.merge("purchases", 1L, Long::sum);
                        default -> {
                            // remove_from_cart counts only as an event
                        }
                    }
                }
            }
            JsonNode f = api.get("/users/" + user + "/features");
            Map<String, Long> want = expectedUser.getOrDefault(user, Map.of());
            long total = 0;
            for (String type : TYPES) {
                long w = want.getOrDefault(type, 0L);
                total += w;
                r.compare("features of " + user + ": " + type, w, f.get("counts").path(type).asLong());
            }
            r.compare("features of " + user + ": totalEvents", total, f.get("totalEvents").asLong());
        }
        for (String item : items()) {
            JsonNode s = api.get("/items/" + item + "/stats");
            Map<String, Long> want = expectedItem.getOrDefault(item, Map.of());
            for (String field : List.of("events", "views", "clicks", "carts", "purchases")) {
                r.compare("stats of " + item + ": " + field, want.getOrDefault(field, 0L), s == null ? 0 : s.get(field).asLong());
            }
        }
        checkDlq(dlq, r);
        return r;
    }

    private void checkDlq(List<ConsumerRecord<byte[], byte[]>> dlq, Report r) {
        Map<String, Integer> times = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dlq) {
            String key = d.key() == null ? null : new String(d.key(), StandardCharsets.UTF_8);
            BadRecord b = key == null ? null : bad.get(key);
            if (b == null) {
                r.dlqUnexpected++;
                r.problem("DLQ record not injected: key " + key + ", reason " + header(d, Topics.HEADER_ERROR_REASON));
                continue;
            }
            if (times.merge(key, 1, Integer::sum) > 1) {
                r.dlqDuplicated++;
                r.problem("DLQ holds " + key + " more than once");
            }
            if (!b.stage().equals(header(d, Topics.HEADER_ERROR_STAGE)) || !b.field().equals(header(d, Topics.HEADER_ERROR_FIELD))
                    || !Arrays.equals(emptyAsNull(b.value()), emptyAsNull(d.value()))) {
                r.dlqWrong++;
                r.problem("DLQ record " + key + ": stage " + header(d, Topics.HEADER_ERROR_STAGE) + ", field "
                        + header(d, Topics.HEADER_ERROR_FIELD) + ", " + (d.value() == null ? 0 : d.value().length)
                        + " bytes; expected " + b.stage() + ", " + b.field() + ", " + (b.value() == null ? 0 : b.value().length) + " bytes");
            }
        }
        for (String key : bad.keySet()) {
            if (!times.containsKey(key)) {
                r.dlqMissing++;
                r.problem("injected " + key + " is not in the DLQ");
            }
        }
        r.dlqRecords = dlq.size();
        r.malformed = bad.size();
    }

    private static byte[] emptyAsNull(byte[] b) {
        return b == null || b.length == 0 ? null : b;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** What {@link #verify} found: every figure must be zero but the counted, uncertain and DLQ sizes. */
    static final class Report {
        /** Accepted events not in history, or counted twice there. */
        int lost;
        int duplicated;
        /** Events of a batch answered 400 that were processed anyway; history entries of no event. */
        int rejectedPresent;
        int unexpected;
        /** Events the expected counts hold; uncertain events (503 or no answer, not accepted later) absent and present. */
        int counted;
        int uncertainAbsent;
        int uncertainPresent;
        /** Counters (a user's count of one type, an item's count of one kind) below and above what was expected, summed. */
        long countsMissing;
        long countsExtra;
        int countsMismatched;
        int malformed;
        int dlqRecords;
        int dlqMissing;
        int dlqDuplicated;
        int dlqUnexpected;
        int dlqWrong;
        private final List<String> problems = new ArrayList<>();

        void compare(String what, long expected, long actual) {
            if (expected != actual) {
                countsMismatched++;
                if (actual < expected) {
                    countsMissing += expected - actual;
                } else {
                    countsExtra += actual - expected;
                }
                problem(what + ": expected " + expected + ", got " + actual);
            }
        }

        void problem(String p) {
            problems.add(p);
        }

        boolean exact() {
            return problems.isEmpty();
        }

        List<String> problems() {
            return List.copyOf(problems);
        }

        @Override
        public String toString() {
            return "lost " + lost + ", duplicated " + duplicated + ", rejected but present " + rejectedPresent
                    + ", unexpected history entries " + unexpected + "; counted " + counted + " events (uncertain: "
                    + uncertainPresent + " present once, " + uncertainAbsent + " absent); counters mismatched "
                    + countsMismatched + " (" + countsMissing + " missing, " + countsExtra + " extra); DLQ " + dlqRecords
                    + " records for " + malformed + " injected (missing " + dlqMissing + ", duplicated " + dlqDuplicated
                    + ", not injected " + dlqUnexpected + ", wrong " + dlqWrong + ")"
                    + (problems.isEmpty() ? "" : "; first problems: " + problems.subList(0, Math.min(20, problems.size())));
        }
    }
}
