package dev.sigil.otp;

import dev.sigil.http.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Optional;

/**
 * An environment's one-time code rules, read from {@code settings.sigil.otp} (Dynamic's project settings have
 * no place for them, so they live under Sigil's own key; every field is optional):
 * <ul>
 *   <li>{@code codeLifetimeMinutes}: how long a code is valid, default 10, 1..60</li>
 *   <li>{@code maxAttempts}: wrong codes before the verification is dead, default 5, 1..20</li>
 *   <li>{@code retriesPerVerification}: {@code /retry} calls per verification, default 3, 0..10</li>
 *   <li>{@code sendsPerAddressPerHour}: codes sent to one address in any hour, default 10, 1..100</li>
 *   <li>{@code emailSubject}: default "Your sign-in code for {environment name}", at most 200 characters</li>
 *   <li>{@code emailFromName}: display name of the sender, default the environment name, at most 100</li>
 * </ul>
 */
public record OtpSettings(Duration codeLifetime, int maxAttempts, int retriesPerVerification, int sendsPerAddressPerHour,
                          Optional<String> emailSubject, Optional<String> emailFromName) {
    private static final String PATH = "settings.sigil.otp";

    /** Validates and reads the settings; a mistake is a 400 naming the field. */
    public static OtpSettings from(ObjectNode settings) {
        JsonNode sigil = settings.get("sigil");
        if (sigil != null && !(sigil instanceof ObjectNode)) {
            throw ApiException.badRequest("settings.sigil must be an object");
        }
        JsonNode node = sigil == null ? null : sigil.get("otp");
        if (node != null && !(node instanceof ObjectNode)) {
            throw ApiException.badRequest(PATH + " must be an object");
        }
        ObjectNode otp = node == null ? dev.sigil.http.Json.MAPPER.createObjectNode() : (ObjectNode) node;
        return new OtpSettings(
                Duration.ofMinutes(integer(otp, "codeLifetimeMinutes", 10, 1, 60)),
                integer(otp, "maxAttempts", 5, 1, 20),
                integer(otp, "retriesPerVerification", 3, 0, 10),
                integer(otp, "sendsPerAddressPerHour", 10, 1, 100),
                text(otp, "emailSubject", 200),
                text(otp, "emailFromName", 100));
    }

    private static int integer(ObjectNode otp, String key, int fallback, int min, int max) {
        JsonNode value = otp.get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw ApiException.badRequest(PATH + "." + key + " must be an integer from " + min + " to " + max);
        }
        return value.asInt();
    }

    private static Optional<String> text(ObjectNode otp, String key, int maxLength) {
        JsonNode value = otp.get(key);
        if (value == null) {
            return Optional.empty();
        }
        // No line breaks: both end up in mail headers.
        if (!value.isString() || value.asString().isBlank() || value.asString().length() > maxLength
                || value.asString().chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(PATH + "." + key + " must be a non-blank single-line string of at most "
                    + maxLength + " characters");
        }
        return Optional.of(value.asString().trim());
    }
}
