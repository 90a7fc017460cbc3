package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.ExampleCandidate;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.TrainingExample;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.UserHistory;
import io.streamrec.avro.UserItems;
import io.streamrec.recommend.Candidate;
import io.streamrec.recommend.CandidateSet;
import io.streamrec.recommend.Features;
import io.streamrec.recommend.UserContext;
import io.streamrec.schemas.FeatureVectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Training examples: for a sample of item events, the candidate set exactly as serving would build it from the state
 * just before the event, labelled by the item the user chose. An example keeps the chosen item, the hardest other
 * candidates and a deterministic random draw of the rest; when the chosen item is no candidate the example is still
 * written, without candidates, so candidate recall can be measured. Sampling is a deterministic function of the
 * eventId (per-type rates), so reprocessing samples the same events.
 */
final class TrainingExamples {
    private TrainingExamples() {
    }

    static TrainingExample example(ClickEvent e, String userKey, CandidateSet set, RecommendSettings s) {
        List<Candidate> scored = set.scoredCandidates();
        int positive = -1;
        for (int i = 0; i < scored.size(); i++) {
            if (scored.get(i).itemId().equals(e.getItemId())) {
                positive = i;
                break;
            }
        }
        List<ExampleCandidate> kept = new ArrayList<>();
        if (positive >= 0) {
            List<Integer> picked = new ArrayList<>();
            picked.add(positive);
            int hard = 0;
            List<Integer> rest = new ArrayList<>();
            for (int i = 0; i < scored.size(); i++) {
                if (i == positive) {
                    continue;
                }
                if (hard < s.hardNegatives()) {
                    picked.add(i);
                    hard++;
                } else {
                    rest.add(i);
                }
            }
            rest.sort(Comparator.comparingDouble(i -> unit(e.getEventId() + "|" + scored.get(i).itemId())));
            picked.addAll(rest.subList(0, Math.min(s.randomNegatives(), rest.size())));
            picked.sort(Integer::compare);
            for (int i : picked) {
                kept.add(new ExampleCandidate(scored.get(i).itemId(), i == positive ? 1f : 0f, List.of(), FeatureVectors.pack(set.features()[i])));
            }
        }
        return TrainingExample.newBuilder()
                .setGroupId(e.getEventId())
                .setUserKey(userKey)
                .setEventType(e.getEventType())
                .setItemId(e.getItemId())
                .setTimestamp(e.getTimestamp())
                .setFeatureVersion(Features.VERSION)
                .setCandidateCount(set.ranked().size())
                .setPositiveRank(set.rankOf(e.getItemId()))
                .setCandidates(kept)
                .build();
    }

    /** A uniform number in [0, 1) from a string (FNV-1a, then SplitMix64's finaliser). */
    static double unit(String s) {
        return (Dedupe.hash(s) >>> 11) * 0x1.0p-53;
    }
}
