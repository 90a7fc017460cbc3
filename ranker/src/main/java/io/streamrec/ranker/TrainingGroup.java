package io.streamrec.ranker;

import java.util.List;
import java.util.Objects;

/**
 * One query group: an observed event and the candidate set as it stood just before it. The item the user actually
 * chose has label 1, every other candidate 0. Features are in the {@link FeatureSchema}'s order.
 *
 * @param groupId   identifies the event (for example its eventId); used in error messages and as a tie-breaker
 * @param timestamp event time in epoch milliseconds; the validation split takes the newest groups
 */
public record TrainingGroup(String groupId, long timestamp, List<Candidate> candidates) {

    public TrainingGroup {
        Objects.requireNonNull(groupId, "groupId");
        candidates = List.copyOf(candidates);
    }

    /** Whether at least one candidate is labelled relevant; groups without one teach a ranker nothing. */
    public boolean hasPositive() {
        for (Candidate c : candidates) {
            if (c.label() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param label    1 for the chosen item, 0 otherwise (graded labels up to 31 also work with rank:ndcg)
     * @param features one value per schema feature; {@code NaN} means missing
     */
    public record Candidate(String itemId, float label, float[] features) {
        public Candidate {
            Objects.requireNonNull(itemId, "itemId");
            Objects.requireNonNull(features, "features");
        }
    }
}
