package io.streamrec.processor;

import io.streamrec.avro.ExampleCandidate;
import io.streamrec.schemas.FeatureVectors;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.TrainingExample;
import io.streamrec.avro.UserItem;
import io.streamrec.avro.UserItems;
import io.streamrec.avro.WeightedKey;
import io.streamrec.recommend.Features;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.streamrec.processor.Harness.MIN;
import static io.streamrec.processor.Harness.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Item profiles published to the global store, user items, and point-in-time training examples. */
class TrainingExamplesTest {
    private static final double EPS = 1e-6;

    private static Harness harness(Map<String, String> props) {
        Map<String, String> p = new HashMap<>();
        p.put(RecommendSettings.PROFILE_CACHE_TTL, "0s");
        p.put(RecommendSettings.INDEX_REFRESH, "0s");
        p.put(RecommendSettings.SAMPLE_RATES, "view:1,purchase:1");
        // built in the stream thread, so each example is there right after its event (the builder thread's own test below)
        p.put(RecommendSettings.BUILDER_THREADS, "0");
        p.putAll(props);
        return new Harness(ProcessorConfig.defaults().withRecommend(RecommendSettings.from(p)));
    }

    private static TestOutputTopic<String, TrainingExample> examples(Harness h) {
        return h.driver.createOutputTopic(Topics.TRAINING_EXAMPLES, new StringDeserializer(), Serdes.TRAINING_EXAMPLE);
    }

    private static ItemProfile profile(Harness h, String itemId) {
        KeyValueStore<String, ItemProfile> s = h.driver.getKeyValueStore(StoreNames.ITEM_PROFILES);
        return s.get(itemId);
    }

    private static void flush(Harness h) {
        h.combine();
    }

    private static float feature(ExampleCandidate c, String name) {
        return FeatureVectors.of(c)[Features.NAMES.indexOf(name)];
    }

    private static ExampleCandidate candidate(TrainingExample e, String itemId) {
        return e.getCandidates().stream().filter(c -> c.getItemId().equals(itemId)).findFirst().orElseThrow(
                () -> new AssertionError(itemId + " is not among " + e.getCandidates().stream().map(ExampleCandidate::getItemId).toList()));
    }

    @Test
    void profilesArePublishedOnTheFlushWithNeighborsByDirection() {
        try (Harness h = harness(Map.of())) {
            h.sendOnly("u1", "a", "view", T0);
            h.sendOnly("u1", "b", "purchase", T0 + MIN);
            assertNull(profile(h, "a"), "nothing is published before the flush");
            flush(h);
            ItemProfile a = profile(h, "a");
            ItemProfile b = profile(h, "b");
            double w = Math.sqrt(8 * 1) * Math.pow(0.5, MIN / (double) Harness.DAY); // purchase x view, 1 minute apart
            assertEquals(1, a.getForward().size());
            assertEquals("b", a.getForward().get(0).getKey());
            assertEquals(w, a.getForward().get(0).getWeight(), 1e-12);
            assertEquals(List.of(), a.getBackward());
            assertEquals(List.of(new WeightedKey("a", w)), b.getBackward());
            assertEquals(List.of(), b.getForward());
            assertEquals(1, b.getPurchases());
            assertEquals(8.0, b.getWeightedEvents(), 1e-12);
            assertEquals(T0 + MIN, b.getAsOf());
            // a second flush without new events publishes nothing new
            flush(h);
            assertEquals(a, profile(h, "a"));
        }
    }

    @Test
    void theExampleReflectsTheStateBeforeTheEvent() {
        try (Harness h = harness(Map.of())) {
            h.send("u1", "a", "view", T0);
            h.send("u1", "b", "view", T0 + MIN);
            flush(h);
            TestOutputTopic<String, TrainingExample> out = examples(h);
            out.readValuesToList(); // u1's own examples

            h.sendOnly("u2", "a", "view", T0 + 2 * MIN);
            TrainingExample first = out.readValue();
            assertEquals("a", first.getItemId());
            assertEquals(0f, feature(candidate(first, "a"), "u_history_len"));
            assertEquals(0f, feature(candidate(first, "a"), "u_events"), "the user's features do not include the event yet");

            h.sendOnly("u2", "b", "view", T0 + 3 * MIN);
            TrainingExample e = out.readValue();
            assertEquals("u2", e.getUserKey());
            assertEquals("b", e.getItemId());
            assertEquals(Features.VERSION, e.getFeatureVersion());
            assertEquals(0, e.getPositiveRank(), "b is the only neighbor of a, the best retrieval score");
            ExampleCandidate b = candidate(e, "b");
            assertEquals(1f, b.getLabel());
            // u2 knows a (one view); a's profile says one view of a was followed by b (weight 1, view x view, same day)
            double pairWeight = Math.pow(0.5, MIN / (double) Harness.DAY);
            double sim = 2.0 * pairWeight / Math.sqrt(1.0 * 1.0);      // forward x2, pop(a) = pop(b) = 1 at the flush
            double recency = 1.0 * 1.0 / (1.0 + 1.0);                  // position 0, view weight 1: w / (1 + w)
            assertEquals(recency * sim, feature(b, "c_nb_score"), EPS);
            assertEquals(recency * sim, feature(b, "c_nb_fwd"), EPS);
            assertEquals(0f, feature(b, "c_nb_bwd"));
            assertEquals(sim, feature(b, "c_sim_1"), EPS);
            assertEquals(0f, feature(b, "c_sim_2"));
            assertEquals(1f, feature(b, "c_links"));
            assertEquals(pairWeight, feature(b, "c_fwd_raw_1"), EPS);
            assertEquals(1f, feature(b, "c_nb_rel"));
            assertEquals(0f, feature(b, "c_nb_rank"));
            assertEquals(pairWeight / 1.0, feature(b, "c_fwd_rate_1"), EPS, "went-on-to weight over a's weighted events");
            assertEquals(0f, feature(b, "c_bwd_rate_1"));
            assertEquals(0f, feature(b, "c_fwd_rate_2"));
            assertEquals(0f, feature(b, "c_fwd_rank_1"), "first in a's went-on-to list");
            assertTrue(Float.isNaN(feature(b, "c_bwd_rank_1")), "not in a's came-from list");
            assertEquals(1f, feature(b, "c_fwd_links"));
            assertEquals(sim * 0.5, feature(b, "c_nb_long"), EPS, "position 0: only the event-type factor w / (1 + w)");
            assertTrue(Float.isNaN(feature(b, "ui_interval_days")), "u2 never had b");
            assertEquals(1f, feature(b, "u_history_len"));
            assertEquals(1f, feature(b, "u_events"), "the features know a, not b");
            assertEquals(0f, feature(b, "ui_events"), "u2 never had b before");
            assertEquals(1f, feature(b, "i_events"), "b's profile as flushed before u2's events");
            ExampleCandidate a = candidate(e, "a");
            assertEquals(0f, a.getLabel());
            assertEquals(1f, feature(a, "ui_events"));
            assertEquals(0f, feature(a, "ui_last_pos"));
            assertEquals((float) (MIN / 86_400_000.0), feature(a, "ui_days_since"), 1e-9f);
            assertEquals(2, e.getCandidateCount());

            // u2's own a->b pair has not reached a's profile: only the flush publishes it
            assertEquals(pairWeight, profile(h, "a").getForward().get(0).getWeight(), 1e-12);
            flush(h);
            assertEquals(2 * pairWeight, profile(h, "a").getForward().get(0).getWeight(), 1e-12);
        }
    }

    @Test
    void linesOfOneOrderAllSeeTheStateBeforeTheOrder() {
        try (Harness h = harness(Map.of())) {
            h.sendOnly("u1", "x", "purchase", T0);
            h.sendOnly("u1", "y", "purchase", T0);
            List<TrainingExample> out = examples(h).readValuesToList();
            assertEquals(2, out.size());
            assertEquals(0, out.get(1).getCandidateCount(), "y's example does not know x, bought at the same instant");
            assertEquals(-1, out.get(1).getPositiveRank());
            assertEquals(List.of(), out.get(1).getCandidates());
        }
    }

    @Test
    void theLinesOfOneOrderShareTheCandidateSetOfTheStateBeforeTheOrder() {
        try (Harness h = harness(Map.of())) {
            h.send("u1", "a", "purchase", T0);
            h.send("u1", "b", "purchase", T0 + MIN);
            h.send("u1", "c", "purchase", T0 + MIN);
            flush(h);
            TestOutputTopic<String, TrainingExample> out = examples(h);
            out.readValuesToList();

            h.sendOnly("u2", "a", "purchase", T0 + 2 * MIN);
            h.sendOnly("u2", "b", "purchase", T0 + 3 * MIN);
            h.sendOnly("u2", "c", "purchase", T0 + 3 * MIN);
            List<TrainingExample> lines = out.readValuesToList().subList(1, 3);
            assertEquals(List.of("b", "c"), lines.stream().map(TrainingExample::getItemId).toList());
            TrainingExample b = lines.get(0);
            TrainingExample c = lines.get(1);
            assertEquals(b.getCandidateCount(), c.getCandidateCount());
            for (String item : List.of("b", "c")) {
                assertArrayEquals(FeatureVectors.of(candidate(b, item)), FeatureVectors.of(candidate(c, item)),
                        item + ": both lines see the state before the order, u2's events and all");
            }
            assertEquals(1f, feature(candidate(c, "b"), "u_events"), "c's example does not count b, bought at the same instant");
            assertEquals(1f, candidate(b, "b").getLabel());
            assertEquals(0f, candidate(b, "c").getLabel());
            assertEquals(1f, candidate(c, "c").getLabel());
            assertEquals(0f, candidate(c, "b").getLabel());
        }
    }

    @Test
    void examplesAreBoundedByATokenBucket() {
        RecommendationState budget = new RecommendationState(ProcessorConfig.defaults().withRecommend(
                RecommendSettings.from(Map.of(RecommendSettings.MAX_EXAMPLES_PER_SECOND, "1"))));
        int granted = 0;
        for (int i = 0; i < 1_000; i++) {
            if (budget.exampleWithinBudget()) {
                granted++;
            }
        }
        // ten seconds' worth saved up at start, then one per second: the loop takes far less than the seconds it would need
        assertTrue(granted >= RecommendationState.BURST_SECONDS && granted <= RecommendationState.BURST_SECONDS + 5, "granted " + granted);
        RecommendationState unlimited = new RecommendationState(ProcessorConfig.defaults().withRecommend(
                RecommendSettings.from(Map.of(RecommendSettings.MAX_EXAMPLES_PER_SECOND, "0"))));
        for (int i = 0; i < 1_000; i++) {
            assertTrue(unlimited.exampleWithinBudget());
        }
    }

    @Test
    void examplesBuiltOnTheBuilderThreadAreTheSameAndReachTheTopicFromTheStreamThread() {
        List<TrainingExample> inline;
        try (Harness h = harness(Map.of())) {
            orderedEvents(h);
            inline = examples(h).readValuesToList();
        }
        assertEquals(4, inline.size());
        try (Harness h = harness(Map.of(RecommendSettings.BUILDER_THREADS, "1"))) {
            orderedEvents(h);
            TestOutputTopic<String, TrainingExample> out = examples(h);
            List<TrainingExample> got = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (got.size() < inline.size() && System.nanoTime() < deadline) {
                // the stream thread forwards what the builder finished at its next record or tick
                h.driver.advanceWallClockTime(java.time.Duration.ofMillis(100));
                got.addAll(out.readValuesToList());
            }
            assertEquals(inline, got, "the same examples, in the order of their events");
        }
    }

    private static void orderedEvents(Harness h) {
        h.sendOnly("u1", "a", "purchase", T0);
        h.sendOnly("u1", "b", "purchase", T0 + MIN);
        h.sendOnly("u1", "c", "purchase", T0 + MIN);
        h.sendOnly("u2", "a", "view", T0 + 2 * MIN);
    }

    @Test
    void examplesAreBoundedByTheCpuTheyMayUse() {
        RecommendationState budget = new RecommendationState(ProcessorConfig.defaults().withRecommend(
                RecommendSettings.from(Map.of(RecommendSettings.MAX_EXAMPLES_PER_SECOND, "0",
                        RecommendSettings.MAX_CPU_SHARE, "0.001", RecommendSettings.BUILDER_THREADS, "0"))));
        // ten seconds at a thousandth of a core: 10 ms of CPU saved up; an example that burns 50 ms overdraws it
        assertTrue(budget.exampleWithinBudget());
        assertTrue(budget.build(() -> {
            long until = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() + 50_000_000L;
            while (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() < until) {
                Thread.onSpinWait();
            }
        }));
        assertEquals(1, budget.examplesBuilt());
        assertTrue(budget.exampleCpuNanos() >= 50_000_000L);
        for (int i = 0; i < 100; i++) {
            assertFalse(budget.exampleWithinBudget(), "the next ones wait until the 40 ms overdrawn are paid back (40 s)");
        }
    }

    @Test
    void samplingIsPerTypeAndDeterministicByEventId() {
        try (Harness h = harness(Map.of(RecommendSettings.SAMPLE_RATES, "view:0.5,purchase:0"))) {
            int expected = 0;
            for (int i = 0; i < 40; i++) {
                h.send(Harness.event("u" + i, "a", "view", T0 + i).setEventId("ev-" + i));
                h.send(Harness.event("u" + i, "b", "purchase", T0 + i).setEventId("pu-" + i));
                expected += TrainingExamples.unit("ev-" + i) < 0.5 ? 1 : 0;
            }
            List<TrainingExample> out = examples(h).readValuesToList();
            assertEquals(expected, out.size());
            assertTrue(expected > 10 && expected < 30, "about half: " + expected);
            out.forEach(e -> assertEquals("view", e.getEventType()));
            out.forEach(e -> assertTrue(TrainingExamples.unit(e.getGroupId()) < 0.5));
        }
    }

    @Test
    void anExampleKeepsThePositiveTheHardestAndARandomDrawOfTheRest() {
        Map<String, String> p = Map.of(RecommendSettings.HARD_NEGATIVES, "2", RecommendSettings.RANDOM_NEGATIVES, "1",
                RecommendSettings.POPULAR_CANDIDATES, "0", RecommendSettings.TRENDING_CANDIDATES, "0");
        try (Harness h = harness(p)) {
            // u0..u5 each view "a" then one of n0..n5; n_i follows a i+1 times so neighbor scores are all different
            int user = 0;
            for (int i = 0; i < 6; i++) {
                for (int k = 0; k <= i; k++) {
                    h.send("v" + user, "a", "view", T0);
                    h.send("v" + user, "n" + i, "view", T0);
                    user++;
                }
            }
            flush(h);
            TestOutputTopic<String, TrainingExample> out = examples(h);
            out.readValuesToList();
            h.send("w", "a", "view", T0 + MIN);
            h.send("w", "n2", "view", T0 + 2 * MIN);
            TrainingExample e = out.readValuesToList().get(1);
            assertEquals(7, e.getCandidateCount(), "a (own) and its 6 neighbors");
            List<String> ids = e.getCandidates().stream().map(ExampleCandidate::getItemId).toList();
            assertEquals(4, ids.size(), "positive + 2 hard + 1 random: " + ids);
            assertTrue(ids.containsAll(List.of("a", "n5", "n2")), ids.toString()); // a (own item) and n5 are the best two
        }
    }

    @Test
    void userItemsRememberCountsAndEvictTheLeastUsed() {
        UserItems u = null;
        u = UserItemsUpdate.add(u, "a", false, 1, 10, 2);
        u = UserItemsUpdate.add(u, "a", true, 8, 20, 2);
        u = UserItemsUpdate.add(u, "b", false, 1, 30, 2);
        u = UserItemsUpdate.add(u, "c", false, 1, 40, 2); // full: b (1 event) goes
        assertEquals(List.of(new UserItem("a", 2L, 1L, 9.0, 10L, 20L), new UserItem("c", 1L, 0L, 1.0, 40L, 40L)), u.getItems());
    }
}
