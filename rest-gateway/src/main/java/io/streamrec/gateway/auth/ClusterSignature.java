package io.streamrec.gateway.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The header one instance sends another ({@code /internal} reads and forwarded queries): {@code <epoch seconds>.<hex
 * HMAC-SHA256>} over the method, the path with its query and the time, keyed by the cluster secret. The secret never
 * crosses the wire; a captured header opens only the same request, and only within the allowed clock skew. Clients
 * never hold the secret, so no client key (even an admin's) opens {@code /internal}.
 */
public final class ClusterSignature {
    public static final String HEADER = "X-Streamrec-Cluster";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final long maxSkewSeconds;

    public ClusterSignature(String secret, Duration maxSkew) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.maxSkewSeconds = Math.max(1, maxSkew.toSeconds());
    }

    /** The header value for this request, signed at {@code epochSeconds}. */
    public String sign(String method, String pathAndQuery, long epochSeconds) {
        return epochSeconds + "." + HEX.formatHex(mac(method, pathAndQuery, epochSeconds));
    }

    /** Whether the header value signs exactly this request and is recent enough; constant time in the signature. */
    public boolean verify(String header, String method, String pathAndQuery, long nowEpochSeconds) {
        int dot = header == null ? -1 : header.indexOf('.');
        if (dot <= 0 || header.length() - dot - 1 != 64) {
            return false;
        }
        long at;
        byte[] presented;
        try {
            at = Long.parseLong(header.substring(0, dot));
            presented = HEX.parseHex(header, dot + 1, header.length());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean fresh = Math.abs(nowEpochSeconds - at) <= maxSkewSeconds;
        boolean matches = MessageDigest.isEqual(mac(method, pathAndQuery, at), presented);
        return fresh & matches;
    }

    private byte[] mac(String method, String pathAndQuery, long epochSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(("streamrec-cluster-v1\n" + method + "\n" + pathAndQuery + "\n" + epochSeconds)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
