package io.streamrec.connectors.personalize;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which delivered records are done (accepted by Personalize, or reported to the dead letter queue), per partition,
 * and so which offset may be committed: the one after the longest done prefix. Records finish out of order (events
 * are regrouped by user and session), so a record done ahead of an earlier one waits in {@code doneAhead}. Used by the
 * task thread only.
 */
final class OffsetLedger {
    private static final class Partition {
        final ArrayDeque<Long> pending = new ArrayDeque<>();
        final Set<Long> pendingSet = new HashSet<>();
        final Set<Long> doneAhead = new HashSet<>();
        long next = -1;
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    /**
     * Notes a delivered record. Returns false when it is already done (a redelivery of a batch given back with a
     * RetriableException, of which part was accepted): such a record must not be sent again.
     */
    boolean track(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
        if ((p.next >= 0 && offset < p.next) || p.doneAhead.contains(offset)) {
            return false;
        }
        if (p.pendingSet.add(offset)) {
            p.pending.addLast(offset);
        }
        return true;
    }

    void done(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p == null || !p.pendingSet.contains(offset)) {
            return;
        }
        p.doneAhead.add(offset);
        while (!p.pending.isEmpty() && p.doneAhead.contains(p.pending.peekFirst())) {
            long head = p.pending.removeFirst();
            p.pendingSet.remove(head);
            p.doneAhead.remove(head);
            p.next = head + 1;
        }
    }

    /**
     * Offsets safe to commit, from the worker's {@code consumed} offsets (what it handed to put() successfully, including
     * records it skipped itself, such as those its converter sent to the dead letter queue): a partition with nothing
     * pending commits what was consumed, one with pending records the offset after its done prefix.
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> consumed) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        consumed.forEach((tp, offset) -> {
            Partition p = partitions.get(tp);
            if (p == null || p.pending.isEmpty()) {
                out.put(tp, offset);
            } else if (p.next >= 0) {
                out.put(tp, new OffsetAndMetadata(p.next));
            }
        });
        return out;
    }

    int pending() {
        return partitions.values().stream().mapToInt(p -> p.pending.size()).sum();
    }

    void forget(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }
}
