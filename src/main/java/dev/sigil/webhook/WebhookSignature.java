package dev.sigil.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The {@code Sigil-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>}.
 * The timestamp is signed with the body so a receiver can refuse replays of old deliveries; the key is the whole
 * secret string as registered ({@code whsec_...}), UTF-8.
 */
public final class WebhookSignature {
    public static final String HEADER = "Sigil-Signature";

    private WebhookSignature() {
    }

    public static String header(byte[] secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + hmacHex(secret, unixSeconds + "." + body);
    }

    static String hmacHex(byte[] secret, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** Whether {@code header} signs {@code body} with {@code secret} (a receiver's check; used by tests). */
    public static boolean verify(String secret, String header, String body) {
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                t = part.substring(2);
            } else if (part.startsWith("v1=")) {
                v1 = part.substring(3);
            }
        }
        if (t == null || v1 == null || !t.matches("\\d{1,12}")) {
            return false;
        }
        String expected = hmacHex(secret.getBytes(StandardCharsets.UTF_8), t + "." + body);
        return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                v1.getBytes(StandardCharsets.UTF_8));
    }
}
