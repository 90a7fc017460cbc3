package io.streamrec.gateway.auth;

import io.streamrec.schemas.Digests;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configured API keys, as SHA-256 digests only. A presented key is hashed and compared with every configured
 * digest in constant time ({@link MessageDigest#isEqual}, no early exit), so neither the comparison nor the position of
 * a match tells anything about a key. SHA-256 and not a slow password hash: the keys are 256-bit random strings, which
 * no amount of hashing speed makes guessable, and a key is checked on every request (a KDF would cost milliseconds of
 * CPU each time).
 */
public final class ApiKeys {
    private static final HexFormat HEX = HexFormat.of();

    /** A configured key: its digest, its role and a short public id (the digest's first 8 hex digits) for logs and metrics. */
    public record Key(String role, String id, byte[] digest) {
        @Override
        public String toString() {
            return role + ":" + id;
        }
    }

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    /**
     * @param hashesByRole role to its configured digests (SHA-256, 64 hex digits each)
     * @throws IllegalArgumentException naming the setting, for anything that is not such a digest or a digest given twice
     */
    public static ApiKeys of(Map<String, List<String>> hashesByRole, String settingPrefix) {
        List<Key> keys = new ArrayList<>();
        Map<String, String> roleOf = new LinkedHashMap<>();
        hashesByRole.forEach((role, hashes) -> {
            int n = 0;
            for (String raw : hashes) {
                n++;
                String h = raw.strip().toLowerCase(Locale.ROOT);
                if (h.isEmpty()) {
                    continue;
                }
                if (!h.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException(settingPrefix + role + ": entry " + n + " is not a SHA-256 digest "
                            + "(64 hex digits). Configure the hash of a key, never the key itself: "
                            + "printf %s \"$KEY\" | sha256sum");
                }
                String before = roleOf.putIfAbsent(h, role);
                if (before != null) {
                    throw new IllegalArgumentException(settingPrefix + role + ": entry " + n + " is also configured "
                            + (before.equals(role) ? "earlier for this role" : "for role " + before) + "; give each key one role");
                }
                keys.add(new Key(role, h.substring(0, 8), HEX.parseHex(h)));
            }
        });
        return new ApiKeys(keys);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public int size() {
        return keys.size();
    }

    /** The configured key this presented key hashes to, if any; the time taken does not depend on which (or whether) one matches. */
    public Optional<Key> find(String presented) {
        byte[] digest = Digests.sha256(presented);
        Key found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(k.digest(), digest)) {
                found = k;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The digest configured for a key: lower-case hex of SHA-256 over its UTF-8 bytes ({@code printf %s "$KEY" | sha256sum}). */
    public static String sha256Hex(String key) {
        return Digests.sha256Hex(key);
    }
}
