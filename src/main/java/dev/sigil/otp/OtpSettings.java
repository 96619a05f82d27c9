package dev.sigil.otp;

import dev.sigil.http.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
 *   <li>{@code smsPerDay}: SMS codes the environment may send per UTC day, counted in the database across all
 *       nodes, default {@value #DEFAULT_SMS_PER_DAY}, 0..{@value #MAX_SMS_PER_DAY}; 0 turns SMS codes off</li>
 *   <li>{@code smsEnabledCountries}: ISO 3166 alpha-2 codes of the countries whose numbers may be sent a code,
 *       default empty (every country)</li>
 *   <li>{@code smsAllowVoip}: whether numbers libphonenumber classes as VoIP may be sent a code, default true</li>
 * </ul>
 */
public record OtpSettings(Duration codeLifetime, int maxAttempts, int retriesPerVerification, int sendsPerAddressPerHour,
                          Optional<String> emailSubject, Optional<String> emailFromName, int smsPerDay,
                          Set<String> smsEnabledCountries, boolean smsAllowVoip) {
    /**
     * Enough for a small app's sign-ups and far below what a toll-fraud script runs up: at a few cents to a few
     * dollars per international SMS, an unbounded day is an unbounded bill.
     */
    public static final int DEFAULT_SMS_PER_DAY = 1_000;
    public static final int MAX_SMS_PER_DAY = 1_000_000;
    private static final String PATH = "settings.sigil.otp";

    public OtpSettings {
        smsEnabledCountries = Set.copyOf(smsEnabledCountries);
    }

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
                text(otp, "emailFromName", 100),
                integer(otp, "smsPerDay", DEFAULT_SMS_PER_DAY, 0, MAX_SMS_PER_DAY),
                countries(otp.get("smsEnabledCountries")),
                bool(otp, "smsAllowVoip", true));
    }

    /** Whether a number of {@code isoCountryCode} may be sent a code: yes for every country when none are listed. */
    public boolean smsCountryEnabled(String isoCountryCode) {
        return smsEnabledCountries.isEmpty() || smsEnabledCountries.contains(isoCountryCode);
    }

    /** Regions libphonenumber has numbering plans for: a code outside them could never match a number. */
    private static Set<String> countries(JsonNode value) {
        String rule = PATH + ".smsEnabledCountries must be an array of ISO 3166 alpha-2 country codes, "
                + "e.g. [\"US\", \"GB\"]";
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof ArrayNode array)) {
            throw ApiException.badRequest(rule);
        }
        Set<String> out = new TreeSet<>();
        for (JsonNode entry : array) {
            String code = entry.isString() ? entry.asString().toUpperCase(Locale.ROOT) : "";
            if (!PhoneNumbers.isCountry(code)) {
                String shown = entry.isString() ? "\"" + abbreviate(entry.asString()) + "\""
                        : entry.getNodeType().name().toLowerCase(Locale.ROOT);
                throw ApiException.badRequest(rule + "; " + shown + " is not one");
            }
            out.add(code);
        }
        return out;
    }

    private static String abbreviate(String text) {
        return text.length() > 10 ? text.substring(0, 10) + "..." : text;
    }

    private static boolean bool(ObjectNode otp, String key, boolean fallback) {
        JsonNode value = otp.get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest(PATH + "." + key + " must be true or false");
        }
        return value.asBoolean();
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
