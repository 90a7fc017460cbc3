package io.streamrec.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.processor.StoreNames;
import io.streamrec.testsupport.EmbeddedKafka;
import io.streamrec.testsupport.TopicReader;
import io.streamrec.testsupport.Wait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged gateways as separate processes on one real broker: every user's history is answered by both, whichever
 * owns the key; a gateway killed with SIGKILL and restarted loses no accepted event; with the broker gone, ingestion
 * answers 503 with Retry-After and never 202. Users erased while a third instance joins and while it leaves (tasks
 * moving between instances) are gone on every instance, their changelog entries are tombstones, and an instance
 * restarted without its state directory, holding every partition, restores none of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 40;
    private static final String USER_STATE_CHANGELOG = "streamrec-" + StoreNames.USER_STATE + "-changelog";
    private static final long T = Instant.now().minusSeconds(3600).toEpochMilli();

    private static EmbeddedKafka kafka;
    private static GatewayProcess a;
    private static GatewayProcess b;
    /** user -> item ids accepted for that user, newest first (what history must show) */
    private static final Map<String, List<String>> expected = new LinkedHashMap<>();
    /** users erased: no later test sends them events, and they must stay unknown on every instance */
    private static final Set<String> erased = new LinkedHashSet<>();
    private static Path work;
    private static long clock = T;

    @BeforeAll
    static void startCluster() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createStreamrecTopics(6);
        work = Files.createDirectories(Path.of("target", "it-work", "multi-" + System.currentTimeMillis()));
        a = new GatewayProcess(kafka.bootstrapServers(), work, "a").start();
        b = new GatewayProcess(kafka.bootstrapServers(), work, "b").start();
        awaitReady(a);
        awaitReady(b);
        Wait.until("both instances own partitions", Duration.ofSeconds(90), () -> {
            JsonNode instances = json(a, "/instances").get("instances");
            return instances.size() == 2 && instances.get(0).get("activePartitions").size() > 0
                    && instances.get(1).get("activePartitions").size() > 0
                    && json(a, "/instances").get("state").asText().equals("RUNNING")
                    && json(b, "/instances").get("state").asText().equals("RUNNING");
        });
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void everyUsersHistoryIsAnsweredByBothInstances() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < USERS; u++) {
                send(u % 2 == 0 ? a : b, "user-" + u, "item-" + u + "-" + round);
            }
        }
        assertAllHistories();
        // the query spread proves forwarding: half the keys live on the other instance
        String metrics = a.get("/q/metrics").body();
        assertTrue(metrics.contains("served=\"forwarded\""), "instance a never forwarded a query");
        assertTrue(metrics.contains("served=\"local\""), "instance a never answered locally");
    }

    /**
     * Popular and trending are global lists merged from every instance's partitions: both instances answer the same
     * list, and it holds items of partitions owned by each of them (item hot-k is viewed by k users, k = 2..9, so the
     * popular order is fixed and the eight items spread over the six item partitions).
     */
    @Test
    @Order(2)
    void popularAndTrendingAnswerTheSameFromEitherInstance() throws Exception {
        List<String> hot = new ArrayList<>();
        for (int k = 9; k >= 2; k--) {
            hot.add("hot-" + k);
            for (int u = 0; u < k; u++) {
                send(u % 2 == 0 ? a : b, "user-" + u, "hot-" + k);
            }
        }
        for (GatewayProcess gw : List.of(a, b)) {
            Wait.until("popular on port " + gw.port + " starts with " + hot, Duration.ofSeconds(60),
                    () -> ids(json(gw, "/items/popular?count=8")).equals(hot));
        }
        Wait.until("both instances answer the same trending list", Duration.ofSeconds(60), () -> {
            List<String> fromA = ids(json(a, "/items/trending?window=1h&count=20"));
            return !fromA.isEmpty() && fromA.equals(ids(json(b, "/items/trending?window=1h&count=20")));
        });
        // the hot items' updates went to item partitions (default partitioner, 6 partitions) of both instances' item
        // sides, yet each instance answers the whole list from its own copy of the global profiles
        Set<Integer> partitions = new java.util.HashSet<>();
        for (String item : hot) {
            partitions.add(org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2(item.getBytes(StandardCharsets.UTF_8))) % 6);
        }
        assertTrue(partitions.size() > 1, "the hot items all live on one item partition: " + partitions);
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("items").forEach(i -> out.add(i.get("itemId").asText()));
        return out;
    }

    /**
     * A recommendation is computed by the instance asked, with the user's state read from its owner: every user gets a
     * list from either instance, half of them through the internal state read of the other one.
     */
    @Test
    @Order(3)
    void recommendationsAnswerOnEitherInstance() throws Exception {
        for (GatewayProcess gw : List.of(a, b)) {
            for (int u = 0; u < USERS; u++) {
                String user = "user-" + u;
                Wait.until("recommendations for " + user + " on port " + gw.port, Duration.ofSeconds(30), () -> {
                    try {
                        HttpResponse<String> r = gw.get("/recommendations/" + user + "?count=5");
                        return r.statusCode() == 200 && JSON.readTree(r.body()).get("items").size() == 5;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
        for (GatewayProcess gw : List.of(a, b)) {
            String metrics = gw.get("/q/metrics").body();
            assertTrue(metrics.lines().anyMatch(l -> l.contains("store=\"user-state\"") && l.contains("served=\"forwarded\"")),
                    "port " + gw.port + " never read a user's state from the other instance");
        }
    }

    /**
     * Forwarded queries and internal state reads carry the cluster signature, which no client holds: a query key is
     * answered for every user by either instance (half of them forwarded), while a client key on {@code /internal} is
     * refused, even an admin's.
     */
    @Test
    @Order(4)
    void instancesSignTheirCallsAndClientKeysStayOutOfInternal() throws Exception {
        for (GatewayProcess gw : List.of(a, b)) {
            for (String user : expected.keySet()) {
                HttpResponse<String> r = gw.get("/users/" + user + "/history?limit=1", TestKeys.QUERY);
                assertEquals(200, r.statusCode(), user + " on port " + gw.port + ": " + r.body());
            }
            for (String key : List.of(TestKeys.ADMIN, TestKeys.QUERY)) {
                HttpResponse<String> r = gw.get("/internal/users/user-0/state", key);
                assertEquals(403, r.statusCode(), r.body());
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
            }
            assertEquals(401, gw.get("/internal/users/user-0/state", null).statusCode());
            assertEquals(401, gw.get("/users/user-0/history", null).statusCode());
        }
    }

    /**
     * Erased through one instance, gone on both, whichever owns the user; the next test restarts b, whose restore from
     * the changelog must not bring the erased history back (it checks every history after the restart).
     */
    @Test
    @Order(5)
    void aUserErasedThroughOneInstanceIsGoneOnBoth() throws Exception {
        for (String user : List.of("user-1", "user-2")) {
            assertTrue(expected.containsKey(user));
            HttpResponse<String> r = a.delete("/users/" + user);
            assertEquals(202, r.statusCode(), r.body());
            expected.remove(user);
            erased.add(user);
        }
        for (GatewayProcess gw : List.of(a, b)) {
            for (String user : List.of("user-1", "user-2")) {
                Wait.until(user + " erased on port " + gw.port, Duration.ofSeconds(60),
                        () -> json(gw, "/users/" + user + "/history").get("count").asInt() == 0);
            }
        }
        assertAllHistories(); // the other users are untouched
    }

    /**
     * Erasures written while the group rebalances, tasks moving to a third instance as it joins and back as it leaves:
     * each erased user's last event is sent just before its erasure, so the event and the erasure may be processed by
     * different owners of the partition. Every erased user answers as unknown on every instance, every other history
     * is exact, and the last record of each erased user in the user-state changelog is a tombstone.
     */
    @Test
    @Order(6)
    void usersErasedWhileAnInstanceJoinsAndLeavesAreGoneOnEveryInstance() throws Exception {
        List<String> duringJoin = List.of("user-3", "user-4", "user-5", "user-6", "user-7", "user-8");
        List<String> duringLeave = List.of("user-9", "user-10", "user-11", "user-12", "user-13", "user-14");
        GatewayProcess c = new GatewayProcess(kafka.bootstrapServers(), work, "c").start();
        try {
            String seen = eraseWhenRebalancing(duringJoin, () -> c.alive());
            System.out.println("MultiInstanceIT: erased " + duringJoin + " as instance c joined; states seen (a, b, c): " + seen);
            awaitReady(c);
            Wait.until("three instances RUNNING, c owning partitions", Duration.ofSeconds(120), () -> {
                JsonNode i = json(a, "/instances");
                boolean cOwns = false;
                for (JsonNode n : i.get("instances")) {
                    cOwns |= n.get("port").asInt() == c.port && n.get("activePartitions").toString().contains("streamrec.events-");
                }
                return i.get("instances").size() == 3 && cOwns && state(a).equals("RUNNING") && state(b).equals("RUNNING")
                        && state(c).equals("RUNNING");
            });
            assertErasedUnknown(a, b, c);
            assertAllHistories(a, b, c);

            Thread closer = new Thread(() -> {
                try {
                    c.close(); // SIGTERM: c leaves the group, its tasks move back to a and b
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            closer.start();
            seen = eraseWhenRebalancing(duringLeave, () -> true);
            System.out.println("MultiInstanceIT: erased " + duringLeave + " as instance c left; states seen (a, b, c): " + seen);
            closer.join();
        } finally {
            c.close();
        }
        assertErasedUnknown(a, b);
        assertAllHistories();

        // what a restore reads: the last record of every erased user in the user-state changelog is a tombstone
        Map<String, byte[]> last = new HashMap<>();
        Wait.until("a tombstone last in the user-state changelog for every erased user", Duration.ofSeconds(60), () -> {
            last.clear();
            for (var r : TopicReader.readToEnd(kafka.bootstrapServers(), USER_STATE_CHANGELOG,
                    Duration.ofSeconds(30))) {
                last.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
            }
            return erased.stream().allMatch(u -> last.containsKey(u) && last.get(u) == null);
        });
        assertTrue(expected.keySet().stream().allMatch(u -> last.get(u) != null), "a user not erased has no state in the changelog");
    }

    /**
     * Sends each user an event and erases it right after, through a and b in turn, as soon as a or b reports a
     * rebalance or a membership other than at the call (or after 60 s, or once {@code going} turns false); answers the
     * states (a/b, instances in a's metadata) seen until then.
     */
    private static String eraseWhenRebalancing(List<String> users, BooleanSupplier going) throws Exception {
        List<String> seen = new ArrayList<>();
        int members = members(a);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && going.getAsBoolean()) {
            String states = state(a) + "/" + state(b) + " " + members(a);
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(states)) {
                seen.add(states);
            }
            if (!states.startsWith("RUNNING/RUNNING") || members(a) != members) {
                break;
            }
            Thread.sleep(50);
        }
        int i = 0;
        for (String user : users) {
            GatewayProcess gw = i++ % 2 == 0 ? a : b;
            send(gw, user, "last-before-erase");
            HttpResponse<String> r = (gw == a ? b : a).delete("/users/" + user);
            assertEquals(202, r.statusCode(), r.body());
            expected.remove(user);
            erased.add(user);
        }
        seen.add("erased at " + state(a) + "/" + state(b) + " " + members(a));
        return String.join(" -> ", seen);
    }

    /** How many instances the gateway's {@code /instances} lists (-1 when it does not answer). */
    private static int members(GatewayProcess gw) {
        try {
            HttpResponse<String> r = gw.get("/instances");
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("instances").size() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Kafka Streams' state as the gateway's {@code /instances} reports it ("unavailable" for a 503 or no answer). */
    private static String state(GatewayProcess gw) {
        try {
            HttpResponse<String> r = gw.get("/instances");
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("state").asText() : "unavailable";
        } catch (Exception e) {
            return "unavailable";
        }
    }

    /** Every erased user answers as an unknown user on each of these instances: empty history, zero features. */
    private static void assertErasedUnknown(GatewayProcess... gateways) {
        for (GatewayProcess gw : gateways) {
            for (String user : erased) {
                Wait.until(user + " unknown on port " + gw.port, Duration.ofSeconds(60), () -> {
                    JsonNode f = json(gw, "/users/" + user + "/features");
                    return json(gw, "/users/" + user + "/history?limit=100").get("count").asInt() == 0
                            && f.get("totalEvents").asLong() == 0 && f.get("lastSeen").isNull();
                });
            }
        }
    }

    /**
     * b is SIGKILLed with its state directory deleted and restarted, so it restores what it is given from the
     * changelogs alone; once a is stopped, b holds every partition: every history exact and every erased user unknown,
     * answered from stores restored from the changelog.
     */
    @Test
    @Order(7)
    void killedInstanceLosesNoAcceptedEventAndRestoresNoErasedUser() throws Exception {
        for (int u = 0; u < USERS; u++) {
            if (!erased.contains("user-" + u)) {
                send(b, "user-" + u, "before-kill-" + u); // all accepted (202) by b
            }
        }
        b.kill();
        b.wipeState();
        for (int u = 0; u < USERS; u++) {
            if (!erased.contains("user-" + u)) {
                send(a, "user-" + u, "while-down-" + u); // accepted by a while the group rebalances
            }
        }
        b.start();
        awaitReady(b);
        assertAllHistories();
        assertErasedUnknown(a, b);

        a.close(); // SIGTERM: b takes every partition over, restoring a's from the changelogs into its empty state directory
        Wait.until("b alone, owning all 6 partitions", Duration.ofSeconds(120), () -> {
            JsonNode i = json(b, "/instances");
            if (!i.get("state").asText().equals("RUNNING") || i.get("instances").size() != 1) {
                return false;
            }
            String active = i.get("instances").get(0).get("activePartitions").toString();
            return IntStream.range(0, 6).allMatch(p -> active.contains("\"streamrec.events-" + p + "\""));
        });
        assertAllHistories(b);
        assertErasedUnknown(b);
        a.start();
        awaitReady(a);
    }

    @Test
    @Order(8)
    void brokerDownMeansServiceUnavailableNeverAccepted() throws Exception {
        kafka.close();
        kafka = null;
        HttpResponse<String> r = a.post("/events",
                "{\"userId\":\"late\",\"itemId\":\"x\",\"eventType\":\"view\",\"timestamp\":" + T + "}");
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    }

    private static void send(GatewayProcess gw, String user, String item) throws Exception {
        clock += 1000;
        HttpResponse<String> r = gw.post("/events", "{\"userId\":\"" + user + "\",\"itemId\":\"" + item
                + "\",\"eventType\":\"view\",\"timestamp\":" + clock + "}");
        assertEquals(202, r.statusCode(), r.body());
        expected.computeIfAbsent(user, k -> new ArrayList<>()).add(0, item);
    }

    private static void assertAllHistories() {
        assertAllHistories(a, b);
    }

    private static void assertAllHistories(GatewayProcess... gateways) {
        for (GatewayProcess gw : gateways) {
            for (Map.Entry<String, List<String>> e : expected.entrySet()) {
                List<String> want = e.getValue();
                Wait.until("history of " + e.getKey() + " on port " + gw.port + " is " + want, Duration.ofSeconds(60), () -> {
                    JsonNode h = json(gw, "/users/" + e.getKey() + "/history?limit=100");
                    List<String> got = new ArrayList<>();
                    h.get("items").forEach(i -> got.add(i.get("itemId").asText()));
                    return got.equals(want);
                });
            }
        }
    }

    private static void awaitReady(GatewayProcess gw) {
        gw.awaitReady(Duration.ofSeconds(120));
    }

    private static JsonNode json(GatewayProcess gw, String path) {
        try {
            HttpResponse<String> r = gw.get(path);
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
