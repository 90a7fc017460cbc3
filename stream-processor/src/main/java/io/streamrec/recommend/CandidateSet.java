package io.streamrec.recommend;

import java.util.List;

/**
 * Candidates of one request or training example.
 *
 * @param ranked   every candidate that passed the filters, best retrieval score first
 * @param scored   how many of the first {@code ranked} are scored (at most the max-candidates setting)
 * @param features one vector per scored candidate, in {@link Features#NAMES} order
 */
public record CandidateSet(List<Candidate> ranked, int scored, float[][] features) {

    public List<Candidate> scoredCandidates() {
        return ranked.subList(0, scored);
    }

    /** 0-based rank of the item by retrieval score among all candidates, -1 when it is none. */
    public int rankOf(String itemId) {
        for (int i = 0; i < ranked.size(); i++) {
            if (ranked.get(i).itemId().equals(itemId)) {
                return i;
            }
        }
        return -1;
    }
}
