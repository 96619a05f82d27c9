package dev.sigil.admin;

import dev.sigil.http.ApiException;
import dev.sigil.http.Json;
import dev.sigil.user.UserDirectory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated {@code PATCH /users/{userId}} body. Only the fields named change; JSON null clears a profile field.
 * Rules: text fields at most {@value #MAX_TEXT} characters without control characters; {@code username}
 * {@code ^[a-zA-Z0-9_-]{1,64}$}; {@code email} one {@code @} and a dotted domain; {@code country} an ISO 3166-1
 * alpha-2 code; {@code phoneNumber} E.164; the notification and consent fields booleans; {@code metadata} a JSON
 * object of at most {@value #MAX_METADATA_BYTES} bytes serialized (else 422 {@code metadata_size_exceeded}).
 * Unknown fields are a 400 so a typo is not silently ignored. The profile email is a field, not a credential:
 * setting it does not let anyone sign in with that address.
 */
public record UserPatch(Map<String, Object> fields, Optional<String> metadataJson) {
    public static final int MAX_TEXT = 255;
    public static final int MAX_METADATA_BYTES = 4096;
    private static final Pattern USERNAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+$");
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    public static UserPatch parse(ObjectNode body) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Optional<String> metadata = Optional.empty();
        for (Map.Entry<String, JsonNode> entry : body.properties()) {
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            if (name.equals("metadata")) {
                metadata = Optional.of(metadata(value));
            } else if (UserDirectory.TEXT_FIELDS.containsKey(name)) {
                fields.put(name, value.isNull() ? null : text(name, value));
            } else if (UserDirectory.BOOLEAN_FIELDS.containsKey(name)) {
                if (!value.isNull() && !value.isBoolean()) {
                    throw ApiException.badRequest(name + " must be a boolean or null");
                }
                fields.put(name, value.isNull() ? null : value.asBoolean());
            } else {
                throw ApiException.badRequest("unknown field " + (name.length() > 64 ? name.substring(0, 64) + "..." : name));
            }
        }
        return new UserPatch(fields, metadata);
    }

    private static String text(String name, JsonNode value) {
        if (!value.isString()) {
            throw ApiException.badRequest(name + " must be a string or null");
        }
        String text = value.asString().strip();
        if (text.isEmpty() || text.length() > MAX_TEXT || CONTROL.matcher(text).find()) {
            throw ApiException.badRequest(name + " must be 1 to " + MAX_TEXT + " characters without control characters");
        }
        switch (name) {
            case "username" -> require(USERNAME.matcher(text).matches(), "username must match ^[a-zA-Z0-9_-]{1,64}$");
            case "email" -> require(EMAIL.matcher(text).matches(), "email must be an email address");
            case "country" -> require(COUNTRIES.contains(text), "country must be an ISO 3166-1 alpha-2 code such as US");
            case "phoneNumber" -> require(E164.matcher(text).matches(), "phoneNumber must be in E.164 form such as +14155550123");
            default -> {
            }
        }
        return text;
    }

    private static String metadata(JsonNode value) {
        if (!value.isObject()) {
            throw ApiException.badRequest("metadata must be a JSON object");
        }
        String json = Json.writeString(value);
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            throw ApiException.unprocessable("metadata_size_exceeded", "metadata must be at most " + MAX_METADATA_BYTES + " bytes");
        }
        return json;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw ApiException.badRequest(message);
        }
    }
}
