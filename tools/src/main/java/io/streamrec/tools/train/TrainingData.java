package io.streamrec.tools.train;

import io.streamrec.avro.ExampleCandidate;
import io.streamrec.schemas.FeatureVectors;
import io.streamrec.avro.TrainingExample;
import io.streamrec.ranker.TrainingGroup;
import io.streamrec.recommend.Features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns training examples into query groups for the trainer. Examples of the same user at the same instant (the lines
 * of one order) had the same state before them, so they are merged into one group in which every item chosen at that
 * instant is relevant: the model learns to rank the whole basket, as the evaluation asks. Examples built with another
 * feature list are skipped and counted; so are examples whose chosen item was no candidate (they still count for the
 * candidate recall).
 */
public final class TrainingData {
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** Groups by time, oldest first, to drop the oldest when the rows exceed {@link #maxRows}. */
    private final java.util.TreeSet<Group> byTime = new java.util.TreeSet<>(
            Comparator.comparingLong((Group g) -> g.timestamp).thenComparing(g -> g.key));
    private final long maxRows;
    private long rows;
    private long droppedGroups;
    private long examples;
    private long otherVersion;
    private long withPositive;
    private long positiveInTop10;
    private long candidateSum;

    private static final class Group {
        final String key;
        final String id;
        final long timestamp;
        final Map<String, TrainingGroup.Candidate> candidates = new LinkedHashMap<>();

        Group(String key, String id, long timestamp) {
            this.key = key;
            this.id = id;
            this.timestamp = timestamp;
        }
    }

    /** Keeps every group. */
    public TrainingData() {
        this(Long.MAX_VALUE);
    }

    /**
     * @param maxRows at most this many candidate rows are held (each a feature vector): past it the oldest groups are
     *                dropped while reading, so memory stays bounded however many examples the topic has
     */
    public TrainingData(long maxRows) {
        this.maxRows = maxRows;
    }

    public void add(TrainingExample e) {
        examples++;
        if (!Features.VERSION.equals(e.getFeatureVersion())) {
            otherVersion++;
            return;
        }
        candidateSum += e.getCandidateCount();
        if (e.getPositiveRank() >= 0 && e.getPositiveRank() < 10) {
            positiveInTop10++;
        }
        if (e.getCandidates().isEmpty()) {
            return;
        }
        withPositive++;
        String key = e.getUserKey() + '\u001F' + e.getTimestamp();
        if (rows >= maxRows && !groups.containsKey(key) && !byTime.isEmpty() && e.getTimestamp() < byTime.first().timestamp) {
            droppedGroups++; // older than everything kept, and no room
            return;
        }
        Group g = groups.computeIfAbsent(key, k -> {
            Group n = new Group(k, e.getGroupId(), e.getTimestamp());
            byTime.add(n);
            return n;
        });
        for (ExampleCandidate c : e.getCandidates()) {
            TrainingGroup.Candidate before = g.candidates.get(c.getItemId());
            if (before == null) {
                g.candidates.put(c.getItemId(), new TrainingGroup.Candidate(c.getItemId(), c.getLabel(), FeatureVectors.of(c)));
                rows++;
            } else if (c.getLabel() > before.label()) {
                g.candidates.put(c.getItemId(), new TrainingGroup.Candidate(c.getItemId(), c.getLabel(), before.features()));
            }
        }
        while (rows > maxRows && byTime.size() > 1) {
            Group oldest = byTime.pollFirst();
            groups.remove(oldest.key);
            rows -= oldest.candidates.size();
            droppedGroups++;
        }
    }

    /** Groups dropped (the oldest) to stay within the row budget. */
    public long droppedGroups() {
        return droppedGroups;
    }

    /** Candidate rows held. */
    public long rows() {
        return rows;
    }


    /** The newest {@code maxGroups} groups (by time), oldest first. */
    public List<TrainingGroup> groups(int maxGroups) {
        List<Group> all = new ArrayList<>(groups.values());
        all.sort(Comparator.comparingLong((Group g) -> g.timestamp).thenComparing(g -> g.id));
        if (all.size() > maxGroups) {
            all = all.subList(all.size() - maxGroups, all.size());
        }
        List<TrainingGroup> out = new ArrayList<>(all.size());
        for (Group g : all) {
            out.add(new TrainingGroup(g.id, g.timestamp, new ArrayList<>(g.candidates.values())));
        }
        return out;
    }

    public long examples() {
        return examples;
    }

    public long otherVersion() {
        return otherVersion;
    }

    /** Share of examples whose chosen item was among the scored candidates. */
    public double candidateRecall() {
        long usable = examples - otherVersion;
        return usable == 0 ? 0 : withPositive / (double) usable;
    }

    /** Share of examples whose chosen item had one of the 10 best retrieval scores (the no-model ranking's HR@10). */
    public double retrievalHitRate() {
        long usable = examples - otherVersion;
        return usable == 0 ? 0 : positiveInTop10 / (double) usable;
    }

    public double meanCandidates() {
        long usable = examples - otherVersion;
        return usable == 0 ? 0 : candidateSum / (double) usable;
    }

    public int groupCount() {
        return groups.size();
    }
}
