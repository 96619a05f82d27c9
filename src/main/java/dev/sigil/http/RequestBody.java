package dev.sigil.http;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A JSON object request body with typed accessors whose errors name the offending field, so a client sees
 * {@code 400 {"error": "publicWalletAddress must be a string of at most 255 characters"}} and never a parser trace.
 */
public final class RequestBody {
    /** Largest request body accepted; larger ones get 413 before any parsing. */
    public static final int MAX_BYTES = 64 * 1024;
    /**
     * How much of an oversized body is read and thrown away before the 413 is sent. Answering while the client
     * is still sending makes the server close a socket with unread bytes, which resets the connection and the
     * client often never sees the 413; draining a moderately oversized body lets the answer arrive intact.
     * Bodies declared larger than this are refused at once and the connection is closed.
     */
    static final int DRAIN_LIMIT = 1024 * 1024;
    private final ObjectNode object;

    private RequestBody(ObjectNode object) {
        this.object = object;
    }

    /** Reads at most {@link #MAX_BYTES} of the request body, then parses it as a JSON object. */
    public static RequestBody read(Context ctx, boolean emptyAllowed) {
        return parse(readBounded(ctx), emptyAllowed);
    }

    /** The raw body, refusing (413) anything over {@link #MAX_BYTES}, whether or not Content-Length says so. */
    public static byte[] readBounded(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        try {
            if (declared > MAX_BYTES) {
                if (declared <= DRAIN_LIMIT) {
                    ctx.req().getInputStream().skipNBytes(declared);
                }
                throw tooLarge();
            }
            var in = ctx.req().getInputStream();
            if (declared >= 0) {
                return readDeclared(in, (int) declared);
            }
            // Chunked, or no body at all. Bodyless calls (refresh, revoke) end here: readNBytes would allocate its
            // 16 KiB buffer first.
            int first = in.read();
            if (first < 0) {
                return new byte[0];
            }
            byte[] rest = in.readNBytes(MAX_BYTES);
            if (1 + rest.length > MAX_BYTES) {
                drain(ctx, DRAIN_LIMIT - 1 - rest.length);
                throw tooLarge();
            }
            byte[] body = new byte[1 + rest.length];
            body[0] = (byte) first;
            System.arraycopy(rest, 0, body, 1, rest.length);
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("request body could not be read");
        }
    }

    /**
     * Reads exactly the {@code length} bytes Content-Length declared, in one read when they have all arrived, and no
     * read after the last byte. Jetty checks the minimum data rate before every read but the first, measured from
     * the first: a pause of the server's own (a GC, the core busy elsewhere) between two reads of a small body that
     * had long arrived was answered 408 "request body arrived too slowly" (13 bytes allow 13 ms at 1 KiB/s). A body
     * that really arrives in pieces is still held to the rate.
     */
    private static byte[] readDeclared(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        if (in.readNBytes(body, 0, length) < length) {
            throw ApiException.badRequest("request body could not be read");
        }
        return body;
    }

    private static ApiException tooLarge() {
        return ApiException.payloadTooLarge("request body is larger than " + MAX_BYTES + " bytes");
    }

    /** Reads and discards at most {@code limit} more bytes of a chunked body that already went over the limit. */
    private static void drain(Context ctx, long limit) throws IOException {
        var in = ctx.req().getInputStream();
        byte[] sink = new byte[8192];
        long left = limit;
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
            left -= n;
        }
    }

    /** Parses a body that must be a JSON object. An empty body is an empty object when {@code emptyAllowed}. */
    public static RequestBody parse(byte[] body, boolean emptyAllowed) {
        if (body.length == 0 || isBlank(body)) {
            if (emptyAllowed) {
                return new RequestBody(Json.MAPPER.createObjectNode());
            }
            throw ApiException.badRequest("request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw ApiException.badRequest("request body is not valid JSON");
        }
        if (!(node instanceof ObjectNode obj)) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        return new RequestBody(obj);
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    public ObjectNode object() {
        return object;
    }

    public String requiredString(String field, int maxLength) {
        return optionalString(field, maxLength)
                .orElseThrow(() -> ApiException.badRequest(field + " is required"));
    }

    /** A string field; absent or JSON null is empty. Empty strings count as absent only when the caller says so. */
    public Optional<String> optionalString(String field, int maxLength) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        String text = value.asString();
        if (text.length() > maxLength) {
            throw ApiException.badRequest(field + " must be at most " + maxLength + " characters");
        }
        if (text.isEmpty()) {
            throw ApiException.badRequest(field + " must not be empty");
        }
        return Optional.of(text);
    }

    public Optional<String> optionalString(String field, int maxLength, Pattern pattern, String what) {
        Optional<String> text = optionalString(field, maxLength);
        text.ifPresent(t -> {
            if (!pattern.matcher(t).matches()) {
                throw ApiException.badRequest(field + " must be " + what);
            }
        });
        return text;
    }

    public Optional<JsonNode> optionalNode(String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }
}
