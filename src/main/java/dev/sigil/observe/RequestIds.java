package dev.sigil.observe;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: an incoming {@code X-Request-Id} is kept when it is sane (1 to 128 characters of
 * {@code [A-Za-z0-9._-]}), so a proxy's id ties its logs to ours; anything else (CR/LF, spaces, quotes, overlong)
 * is replaced, since the id is echoed in a header and written to every log line of the request.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    /** The incoming id when sane, else a fresh one. */
    public static String accept(String incoming) {
        return isSane(incoming) ? incoming : generate();
    }

    static boolean isSane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 128 random bits as 32 hex digits: unique enough to correlate, and not a secret. */
    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }
}
