package io.streamrec.tools.train;

import io.streamrec.avro.ExampleCandidate;
import io.streamrec.schemas.FeatureVectors;
import io.streamrec.avro.TrainingExample;
import io.streamrec.ranker.TrainingGroup;
import io.streamrec.recommend.Features;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrainingDataTest {
    private static float[] filled(float value) {
        float[] v = new float[Features.SIZE];
        java.util.Arrays.fill(v, value);
        return v;
    }

    private static ExampleCandidate c(String item, float label, float value) {
        return new ExampleCandidate(item, label, List.of(), FeatureVectors.pack(filled(value)));
    }

    private static TrainingExample e(String id, String user, long t, String chosen, int rank, List<ExampleCandidate> candidates) {
        return TrainingExample.newBuilder().setGroupId(id).setUserKey(user).setEventType("purchase").setItemId(chosen)
                .setTimestamp(t).setFeatureVersion(Features.VERSION).setCandidateCount(candidates.size() + 5)
                .setPositiveRank(rank).setCandidates(candidates).build();
    }

    @Test
    void linesOfOneOrderBecomeOneGroupWithEveryChosenItemRelevant() {
        TrainingData d = new TrainingData();
        d.add(e("e1", "u", 10, "a", 0, List.of(c("a", 1, 1), c("b", 0, 2), c("c", 0, 3))));
        d.add(e("e2", "u", 10, "b", 12, List.of(c("a", 0, 1), c("b", 1, 2), c("d", 0, 4))));
        d.add(e("e3", "u", 20, "x", -1, List.of()));                       // chosen item was no candidate
        d.add(e("e4", "v", 5, "c", 3, List.of(c("c", 1, 3), c("a", 0, 1))));
        TrainingExample old = e("e5", "v", 6, "c", 0, List.of(c("c", 1, 3)));
        old.setFeatureVersion("other");
        d.add(old);

        List<TrainingGroup> groups = d.groups(10);
        assertEquals(2, groups.size());
        assertEquals("e4", groups.get(0).groupId(), "oldest first");
        TrainingGroup order = groups.get(1);
        assertEquals(List.of("a", "b", "c", "d"), order.candidates().stream().map(TrainingGroup.Candidate::itemId).toList());
        assertEquals(List.of(1f, 1f, 0f, 0f), order.candidates().stream().map(TrainingGroup.Candidate::label).toList());
        assertEquals(5, d.examples());
        assertEquals(1, d.otherVersion());
        assertEquals(3 / 4.0, d.candidateRecall(), 1e-12);
        assertEquals(2 / 4.0, d.retrievalHitRate(), 1e-12);
        assertEquals(List.of("e1"), d.groups(1).stream().map(TrainingGroup::groupId).toList(), "the newest group kept");
    }

    @Test
    void aRowBudgetKeepsTheNewestGroupsWhateverTheReadingOrder() {
        TrainingData d = new TrainingData(4);
        d.add(e("e2", "u", 20, "a", 0, List.of(c("a", 1, 1), c("b", 0, 2))));
        d.add(e("e1", "v", 10, "a", 0, List.of(c("a", 1, 1), c("b", 0, 2))));
        d.add(e("e3", "w", 30, "a", 0, List.of(c("a", 1, 1), c("b", 0, 2))));  // 6 rows: the oldest (e1) goes
        d.add(e("e0", "x", 5, "a", 0, List.of(c("a", 1, 1), c("b", 0, 2))));   // older than all kept, no room
        assertEquals(List.of("e2", "e3"), d.groups(10).stream().map(TrainingGroup::groupId).toList());
        assertEquals(4, d.rows());
        assertEquals(2, d.droppedGroups());
        assertEquals(1.0, d.candidateRecall(), 1e-12, "dropped groups still count for recall");
    }
}
