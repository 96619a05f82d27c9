package dev.sigil.admin;

import dev.sigil.store.Ids;
import dev.sigil.http.ApiException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A keyset position in a list ordered by {@code (created_at, id)}: the last row of the previous page. On the wire
 * it is opaque base64url of {@code v1:<epoch millis>:<id>}; anything that does not decode to exactly that shape
 * is a 400, so a tampered cursor never reaches SQL.
 */
public record Cursor(Instant createdAt, String id) {
    public static final int DEFAULT_LIMIT = 25;
    public static final int MAX_LIMIT = 100;
    private static final Pattern SHAPE = Pattern.compile("v1:(\\d{1,15}):(" + Ids.REGEX + ")");

    public String encode() {
        String raw = "v1:" + createdAt.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor of {@code ?cursor=}, empty when absent; 400 when it is not one Sigil issued. */
    public static Optional<Cursor> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cursor is invalid");
        }
        Matcher m = SHAPE.matcher(raw);
        if (text.length() > 128 || !m.matches()) {
            throw ApiException.badRequest("cursor is invalid");
        }
        return Optional.of(new Cursor(Instant.ofEpochMilli(Long.parseLong(m.group(1))), m.group(2)));
    }

    /** {@code ?limit=}: 1 to {@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent, else 400. */
    public static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        if (!text.matches("\\d{1,3}")) {
            throw ApiException.badRequest("limit must be an integer from 1 to " + MAX_LIMIT);
        }
        int limit = Integer.parseInt(text);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be an integer from 1 to " + MAX_LIMIT);
        }
        return limit;
    }
}
