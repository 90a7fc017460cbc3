package io.streamrec.tools.eval;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Top-k ranking metrics. Ranks start at 0; NDCG uses 1/log2(rank+2) gains, binary relevance. With one target (the
 * leave-one-out protocol) NDCG@k is 1/log2(rank+2) when the target is in the top k, else 0, and the ideal DCG is 1.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Accumulates per-user values and reports their means. */
    public static final class Accumulator {
        private long users;
        private double hits;
        private double precision;
        private double recall;
        private double ndcg;

        public void add(List<String> ranked, Collection<String> targets, int k) {
            Set<String> t = targets instanceof Set<String> s ? s : Set.copyOf(targets);
            users++;
            int found = 0;
            double dcg = 0;
            int n = Math.min(k, ranked.size());
            for (int r = 0; r < n; r++) {
                if (t.contains(ranked.get(r))) {
                    found++;
                    dcg += gain(r);
                }
            }
            double idcg = 0;
            for (int r = 0; r < Math.min(k, t.size()); r++) {
                idcg += gain(r);
            }
            hits += found > 0 ? 1 : 0;
            precision += (double) found / k;
            recall += t.isEmpty() ? 0 : (double) found / t.size();
            ndcg += idcg == 0 ? 0 : dcg / idcg;
        }

        public long users() {
            return users;
        }

        public double hr() {
            return users == 0 ? 0 : hits / users;
        }

        public double precision() {
            return users == 0 ? 0 : precision / users;
        }

        public double recall() {
            return users == 0 ? 0 : recall / users;
        }

        public double ndcg() {
            return users == 0 ? 0 : ndcg / users;
        }
    }

    static double gain(int rank) {
        return 1.0 / (Math.log(rank + 2) / Math.log(2));
    }
}
