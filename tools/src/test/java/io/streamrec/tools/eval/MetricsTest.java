package io.streamrec.tools.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void singleTargetLeaveOneOut() {
        Metrics.Accumulator m = new Metrics.Accumulator();
        m.add(List.of("a", "b", "c"), Set.of("a"), 10);      // rank 0: ndcg 1
        m.add(List.of("a", "b", "c"), Set.of("c"), 10);      // rank 2: ndcg 1/log2(4) = 0.5
        m.add(List.of("a", "b", "c"), Set.of("z"), 10);      // miss
        m.add(List.of("a", "b", "c"), Set.of("c"), 2);       // outside the top 2: miss
        assertEquals(4, m.users());
        assertEquals(0.5, m.hr(), EPS);
        assertEquals((1.0 + 0.5) / 4, m.ndcg(), EPS);
    }

    @Test
    void gradedByTargetSet() {
        Metrics.Accumulator m = new Metrics.Accumulator();
        // targets {a, c, x}; a at rank 0, c at rank 2; ideal: 3 hits at ranks 0..2
        m.add(List.of("a", "b", "c", "d"), Set.of("a", "c", "x"), 4);
        double dcg = 1 + 0.5;
        double idcg = 1 + 1 / (Math.log(3) / Math.log(2)) + 0.5;
        assertEquals(1.0, m.hr(), EPS);
        assertEquals(2.0 / 4, m.precision(), EPS);
        assertEquals(2.0 / 3, m.recall(), EPS);
        assertEquals(dcg / idcg, m.ndcg(), EPS);
    }

    @Test
    void baselines() {
        List<String> byPop = List.of("p1", "p2", "p3", "p4");
        assertEquals(List.of("p2", "p4"), EvalData.popular(byPop, Set.of("p1", "p3"), 2));
        // b bought twice, then a and c once each, c more recently than a; padded with popular items
        assertEquals(List.of("b", "c", "a", "p1"), EvalData.buyAgain(List.of("a", "b", "c", "b"), byPop, 4));
    }
}
