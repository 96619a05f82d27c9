package dev.sigil.environment;

import dev.sigil.http.ApiException;
import dev.sigil.http.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One information-capture field of {@code settings.kyc}, Dynamic's ProjectSettingsKyc: {@code name} (a
 * UserFields name such as {@code email}, {@code username}, {@code firstName}), {@code required}, {@code enabled},
 * and optionally {@code unique}, {@code verify}, {@code label}, {@code position}... which are passed through.
 *
 * @param wire the field as published in {@code GET /settings} and in {@code missingFields}, with the four
 *             booleans the client requires always present
 */
public record KycField(String name, boolean required, boolean enabled, ObjectNode wire) {
    private static final String PATH = "settings.kyc";

    /** Reads and checks {@code settings.kyc}; absent is none. A mistake is a 400 naming the entry. */
    public static List<KycField> read(ObjectNode settings) {
        JsonNode node = settings.get("kyc");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!(node instanceof ArrayNode array) || array.size() > 100) {
            throw ApiException.badRequest(PATH + " must be an array of at most 100 fields");
        }
        List<KycField> fields = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            fields.add(field(array.get(i), PATH + "[" + i + "]"));
        }
        return List.copyOf(fields);
    }

    private static KycField field(JsonNode node, String path) {
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest(path + " must be an object");
        }
        JsonNode name = object.get("name");
        if (name == null || !name.isString() || name.asString().isBlank() || name.asString().length() > 255) {
            throw ApiException.badRequest(path + ".name must be a non-empty string of at most 255 characters");
        }
        ObjectNode wire = Json.MAPPER.createObjectNode();
        wire.setAll(object);
        for (String flag : List.of("required", "enabled", "unique", "verify")) {
            JsonNode value = object.get(flag);
            if (value != null && !value.isBoolean()) {
                throw ApiException.badRequest(path + "." + flag + " must be a boolean");
            }
            wire.put(flag, value != null && value.asBoolean());
        }
        return new KycField(name.asString(), wire.get("required").asBoolean(), wire.get("enabled").asBoolean(), wire);
    }
}
