package dev.sigil.environment;

import dev.sigil.http.ApiException;
import dev.sigil.ratelimit.RateLimitSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * An environment's settings: a JSON document in the shape of Dynamic's project settings, plus the typed
 * values Sigil reads from it. Construct only through {@link #validate}, which names the offending field.
 *
 * <ul>
 *   <li>{@code security.jwtDuration {amount, unit}}: token lifetime, default 2 hours, at most 30 days
 *       (Dynamic's documented maximum).</li>
 *   <li>{@code security.sessionDuration {amount, unit}}: absolute session lifetime that becomes
 *       {@code refreshExp}, default 30 days, at most 365 days.</li>
 *   <li>{@code security.auth.storage}: {@code ["localstorage"]} or with {@code "cookie"} (cookie mode).</li>
 *   <li>{@code security.externalAuth}: third-party JWT sign-in, see {@link ExternalAuthSettings}; default disabled.</li>
 *   <li>{@code sigil.otp}: one-time code rules, see {@link dev.sigil.otp.OtpSettings}.</li>
 *   <li>{@code sigil.rateLimits}: abuse limits, see {@link RateLimitSettings}; parsed once here because every
 *       limited request reads them.</li>
 *   <li>{@code kyc}: information-capture fields (ProjectSettingsKyc), see {@link KycField}; default none.</li>
 * </ul>
 */
public record EnvironmentSettings(ObjectNode document, Duration jwtDuration, Duration sessionDuration,
                                  RateLimitSettings rateLimits) {
    public static final Duration MAX_JWT_DURATION = Duration.ofDays(30);
    public static final Duration MAX_SESSION_DURATION = Duration.ofDays(365);
    private static final Set<String> STORAGE_VALUES = Set.of("localstorage", "cookie");
    private static final Map<String, Long> UNIT_SECONDS = Map.of(
            "seconds", 1L, "minutes", 60L, "hours", 3600L, "days", 86400L);

    /** The settings of a new environment. */
    public static ObjectNode defaults() {
        ObjectNode doc = dev.sigil.http.Json.MAPPER.createObjectNode();
        ObjectNode security = doc.putObject("security");
        security.putObject("jwtDuration").put("amount", 2).put("unit", "hours");
        security.putObject("sessionDuration").put("amount", 30).put("unit", "days");
        security.putObject("auth").putArray("storage").add("localstorage");
        return doc;
    }

    /** Checks a complete settings document and extracts the typed values. */
    public static EnvironmentSettings validate(ObjectNode document) {
        ObjectNode security = objectAt(document, "security", "settings.security");
        Duration jwt = duration(security, "jwtDuration", Duration.ofHours(2), MAX_JWT_DURATION);
        Duration session = duration(security, "sessionDuration", Duration.ofDays(30), MAX_SESSION_DURATION);
        validateStorage(security);
        ExternalAuthSettings.read(security);
        dev.sigil.otp.OtpSettings.from(document);
        RateLimitSettings rateLimits = RateLimitSettings.from(document);
        KycField.read(document);
        return new EnvironmentSettings(document.deepCopy(), jwt, session, rateLimits);
    }

    /** {@code security.externalAuth}, checked by {@link #validate}. */
    public ExternalAuthSettings externalAuth() {
        return document.path("security") instanceof ObjectNode security
                ? ExternalAuthSettings.read(security) : ExternalAuthSettings.disabled();
    }

    /** {@code kyc}, checked by {@link #validate}. */
    public java.util.List<KycField> kyc() {
        return KycField.read(document);
    }

    public boolean cookieMode() {
        JsonNode storage = document.path("security").path("auth").path("storage");
        for (JsonNode value : storage) {
            if ("cookie".equals(value.asString())) {
                return true;
            }
        }
        return false;
    }

    /** {@code patch} merged into {@code base}: objects merge key by key, anything else replaces; JSON null removes. */
    public static ObjectNode deepMerge(ObjectNode base, ObjectNode patch) {
        ObjectNode merged = base.deepCopy();
        Iterator<Map.Entry<String, JsonNode>> fields = patch.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode current = merged.get(field.getKey());
            if (field.getValue().isNull()) {
                merged.remove(field.getKey());
            } else if (current instanceof ObjectNode currentObject && field.getValue() instanceof ObjectNode patchObject) {
                merged.set(field.getKey(), deepMerge(currentObject, patchObject));
            } else {
                merged.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return merged;
    }

    private static ObjectNode objectAt(ObjectNode parent, String key, String path) {
        JsonNode node = parent.get(key);
        if (node == null) {
            return parent.putObject(key);
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest(path + " must be an object");
        }
        return object;
    }

    private static Duration duration(ObjectNode security, String key, Duration fallback, Duration max) {
        String path = "settings.security." + key;
        JsonNode node = security.get(key);
        if (node == null) {
            return fallback;
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest(path + " must be an object {\"amount\", \"unit\"}");
        }
        JsonNode amount = object.get("amount");
        if (amount == null || !amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() < 1) {
            throw ApiException.badRequest(path + ".amount must be a positive integer");
        }
        JsonNode unit = object.get("unit");
        if (unit == null || !unit.isString() || !UNIT_SECONDS.containsKey(unit.asString())) {
            throw ApiException.badRequest(path + ".unit must be one of seconds, minutes, hours, days");
        }
        long multiplier = UNIT_SECONDS.get(unit.asString());
        if (amount.asLong() > max.toSeconds() / multiplier) {
            throw ApiException.badRequest(path + " must be at most " + max.toDays() + " days");
        }
        return Duration.ofSeconds(amount.asLong() * multiplier);
    }

    private static void validateStorage(ObjectNode security) {
        JsonNode auth = security.get("auth");
        if (auth == null) {
            return;
        }
        if (!(auth instanceof ObjectNode)) {
            throw ApiException.badRequest("settings.security.auth must be an object");
        }
        JsonNode storage = auth.get("storage");
        if (storage == null) {
            return;
        }
        if (!(storage instanceof ArrayNode values) || values.isEmpty()) {
            throw ApiException.badRequest("settings.security.auth.storage must be a non-empty array");
        }
        for (JsonNode value : values) {
            if (!value.isString() || !STORAGE_VALUES.contains(value.asString())) {
                throw ApiException.badRequest("settings.security.auth.storage may hold only \"localstorage\" and \"cookie\"");
            }
        }
    }
}
