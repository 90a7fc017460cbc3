package io.streamrec.connectors.common;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RateLimiterTest {
    @Test
    void waitsSoThatNoSecondHasMoreThanTheRate() throws Exception {
        long[] now = {0};
        List<Long> sleeps = new ArrayList<>();
        RateLimiter limiter = new RateLimiter(10, () -> now[0], ms -> {
            sleeps.add(ms);
            now[0] += ms * 1_000_000L;
        });
        for (int i = 0; i < 21; i++) {
            limiter.acquire();
        }
        // one permit at start, then one every 100 ms: 20 more permits take 2 s of waiting
        assertEquals(2_000L, sleeps.stream().mapToLong(Long::longValue).sum());
        assertEquals(20, sleeps.size());
        now[0] += 5_000_000_000L; // idle 5 s: no savings beyond one permit, so no burst over the rate
        sleeps.clear();
        limiter.acquire();
        limiter.acquire();
        limiter.acquire();
        assertEquals(List.of(100L, 100L), sleeps);
    }
}
