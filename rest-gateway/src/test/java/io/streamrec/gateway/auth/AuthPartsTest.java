package io.streamrec.gateway.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts: key digests, the cluster signature, the token buckets. */
class AuthPartsTest {
    private static final String A = ApiKeys.sha256Hex("key-a");
    private static final String B = ApiKeys.sha256Hex("key-b");

    @Test
    void keysAreFoundByTheirDigestOnly() {
        // printf %s key-a | sha256sum
        assertEquals("f10f781241e2246678b6b45c857069208152a53863e47fac33f607ab405006f4", A);
        ApiKeys keys = ApiKeys.of(Map.of("ingest", List.of(A.toUpperCase(), " " + B + " ")), "streamrec.auth.keys.");
        assertEquals(2, keys.size());
        assertEquals("ingest", keys.find("key-a").orElseThrow().role());
        assertEquals(A.substring(0, 8), keys.find("key-a").orElseThrow().id());
        assertEquals("ingest:" + B.substring(0, 8), keys.find("key-b").orElseThrow().toString());
        assertTrue(keys.find("key-c").isEmpty());
        assertTrue(keys.find(A).isEmpty(), "the digest itself is no key");
    }

    @Test
    void aPlainKeyOrADigestForTwoRolesIsRefusedNamingTheSetting() {
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.of(Map.of("query", List.of("sr_plainkey")), "streamrec.auth.keys."));
        assertTrue(plain.getMessage().startsWith("streamrec.auth.keys.query: entry 1 is not a SHA-256 digest"), plain.getMessage());
        assertFalse(plain.getMessage().contains("sr_plainkey"));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.of(new java.util.LinkedHashMap<>(Map.of("query", List.of(A))) {{
                    put("admin", List.of(A));
                }}, "streamrec.auth.keys."));
        assertTrue(twice.getMessage().contains("also configured for role query"), twice.getMessage());
    }

    @Test
    void theSignatureCoversMethodPathAndTime() {
        ClusterSignature c = new ClusterSignature("a-cluster-secret-of-at-least-32-chars", Duration.ofSeconds(60));
        String h = c.sign("GET", "/internal/users/u%201/state", 1_000_000);
        assertTrue(h.matches("1000000\\.[0-9a-f]{64}"), h);
        assertTrue(c.verify(h, "GET", "/internal/users/u%201/state", 1_000_000));
        assertTrue(c.verify(h, "GET", "/internal/users/u%201/state", 1_000_060));
        assertFalse(c.verify(h, "GET", "/internal/users/u%201/state", 1_000_061), "too old");
        assertFalse(c.verify(h, "GET", "/internal/users/u%201/state", 999_939), "too far ahead");
        assertFalse(c.verify(h, "POST", "/internal/users/u%201/state", 1_000_000));
        assertFalse(c.verify(h, "GET", "/internal/users/u2/state", 1_000_000));
        assertFalse(c.verify(h.replace("1000000.", "1000001."), "GET", "/internal/users/u%201/state", 1_000_000));
        assertFalse(new ClusterSignature("another-secret-of-at-least-32-chars!!", Duration.ofSeconds(60))
                .verify(h, "GET", "/internal/users/u%201/state", 1_000_000));
        for (String bad : new String[]{null, "", ".", "x.y", "1000000.zz", "1000000." + "0".repeat(63)}) {
            assertFalse(c.verify(bad, "GET", "/", 1_000_000), String.valueOf(bad));
        }
    }

    @Test
    void aBucketGivesItsBurstThenItsRate() {
        TokenBuckets b = new TokenBuckets(2, 3, 100);   // 2 per second, burst 3
        long t = 1_000_000_000L;
        assertEquals(0, b.tryAcquire("k", t));
        assertEquals(0, b.tryAcquire("k", t));
        assertEquals(0, b.tryAcquire("k", t));
        assertEquals(500_000_000L, b.tryAcquire("k", t), "one token takes half a second");
        assertEquals(0, b.tryAcquire("other", t), "buckets are per key");
        assertEquals(250_000_000L, b.tryAcquire("k", t + 250_000_000L));
        assertEquals(0, b.tryAcquire("k", t + 500_000_000L));
        assertEquals(500_000_000L, b.tryAcquire("k", t + 500_000_000L));
        // a long pause refills to the burst, not beyond
        long later = t + 3_600_000_000_000L;
        for (int i = 0; i < 3; i++) {
            assertEquals(0, b.tryAcquire("k", later));
        }
        assertTrue(b.tryAcquire("k", later) > 0);
    }

    @Test
    void bucketsAreBoundedLeastRecentlyUsedFirst() {
        TokenBuckets b = new TokenBuckets(1, 1, 2);
        b.tryAcquire("a", 0);
        b.tryAcquire("b", 0);
        b.tryAcquire("a", 1);          // a used last: b is the eldest
        b.tryAcquire("c", 2);
        assertEquals(2, b.size());
        assertTrue(b.tryAcquire("a", 3) > 0, "a kept its (empty) bucket");
        assertEquals(0, b.tryAcquire("b", 3), "b was dropped and starts full");
    }

    @Test
    void rolesImplied() {
        assertEquals(java.util.Set.of("admin", "ingest", "query"), Roles.implied("admin"));
        assertEquals(java.util.Set.of("query"), Roles.implied("query"));
        assertEquals(java.util.Set.of("ingest"), Roles.implied("ingest"));
        assertEquals(java.util.Set.of("cluster", "query"), Roles.implied("cluster"));
    }
}
