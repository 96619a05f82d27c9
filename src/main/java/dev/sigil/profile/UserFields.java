package dev.sigil.profile;

import dev.sigil.http.ApiException;
import dev.sigil.http.Json;
import dev.sigil.http.RequestBody;
import dev.sigil.otp.Destination;
import dev.sigil.otp.EmailAddress;
import dev.sigil.otp.OtpChannel;
import dev.sigil.otp.PhoneNumbers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code PUT /users} body (Dynamic's UserFields), validated with the patterns and lengths of Dynamic's
 * API spec. A field that is absent is left as it is; JSON {@code null} (or {@code ""} for a string field)
 * clears it. Unknown fields are ignored, as are {@code captchaToken} and {@code mfaBackupCodeAcknowledgement}
 * (Sigil has neither captcha nor MFA), once their type is checked.
 *
 * @param columns users columns to write, null to clear; never email or phone_number
 * @param email   what to do with the email: a new address is only set once proved by a code
 * @param phone   the same for the phone number
 */
public record UserFields(Map<String, Object> columns, ContactChange email, ContactChange phone) {
    public static final int MAX_METADATA_BYTES = 4096;
    static final int MAX_TEXT = 255;
    /** Dynamic's OptionalNonEmptyStringWith255MaxLength (NonEmptyString, or ""). */
    static final Pattern TEXT = Pattern.compile("^(?=\\S)[\\p{L}\\p{N}a-zA-Z _.,:!?&%@/+\\-'|]+(?<=\\S)$");
    /** Dynamic's Username. */
    static final Pattern USERNAME = Pattern.compile("^[\\p{L}\\p{N}_-]{3,20}$");
    static final Pattern COUNTRY = Pattern.compile("^[A-Z]{2}$");
    static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Map<String, Pattern> WALLETS = Map.of(
            "btcWallet", Pattern.compile("^(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,59}$"),
            "kdaWallet", Pattern.compile("^k:[0-9a-fA-F]{64}$"),
            "ltcWallet", Pattern.compile("^[LM3][a-km-zA-HJ-NP-Z1-9]{26,53}$"),
            "ckbWallet", Pattern.compile("^(ckb1q|ckt1q)[0-9a-z]{25,111}$"),
            "kasWallet", Pattern.compile("^kaspa:[1-9A-HJ-NP-Za-km-z]{56,}$"),
            "dogeWallet", Pattern.compile("^D[a-zA-Z0-9_.-]{33}$"));
    private static final Map<String, String> TEXT_FIELDS = Map.of("alias", "alias", "firstName", "first_name",
            "lastName", "last_name", "jobTitle", "job_title", "tShirtSize", "t_shirt_size", "team", "team");
    private static final Map<String, String> BOOLEAN_FIELDS = Map.of("policiesConsent", "policies_consent",
            "emailNotification", "email_notification", "discordNotification", "discord_notification",
            "newsletterNotification", "newsletter_notification");
    private static final Set<String> MFA_ACKNOWLEDGEMENTS = Set.of("pending", "complete");

    public UserFields {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** What a request asks for an email or phone number. */
    public sealed interface ContactChange {
        record Keep() implements ContactChange {
        }

        record Clear() implements ContactChange {
        }

        /** A new address: proved by a code before it becomes the profile's. */
        record To(Destination destination) implements ContactChange {
        }
    }

    public static UserFields parse(RequestBody body) {
        ObjectNode object = body.object();
        Map<String, Object> columns = new LinkedHashMap<>();
        TEXT_FIELDS.forEach((field, column) -> text(object, field, TEXT, "letters, digits, spaces and _.,:!?&%@/+-'|, "
                + "without leading or trailing spaces").ifPresent(v -> columns.put(column, v.orElse(null))));
        WALLETS.forEach((field, pattern) -> text(object, field, pattern, "a valid address")
                .ifPresent(v -> columns.put(snake(field), v.orElse(null))));
        BOOLEAN_FIELDS.forEach((field, column) -> bool(object, field).ifPresent(v -> columns.put(column, v.orElse(null))));
        text(object, "username", USERNAME, "3 to 20 letters, digits, _ or -")
                .ifPresent(v -> columns.put("username", v.orElse(null)));
        country(object).ifPresent(v -> columns.put("country", v.orElse(null)));
        metadata(object).ifPresent(v -> columns.put("metadata", v));
        // Captcha tokens (hCaptcha, Turnstile) run to thousands of characters: only the type is checked.
        JsonNode captcha = object.get("captchaToken");
        if (captcha != null && !captcha.isNull() && !captcha.isString()) {
            throw ApiException.badRequest("captchaToken must be a string or null");
        }
        text(object, "mfaBackupCodeAcknowledgement", Pattern.compile("^(pending|complete)$"), "pending or complete");
        return new UserFields(columns, email(object), phone(object));
    }

    /**
     * A string field: empty when absent, {@code Optional.of(Optional.empty())} when null or "" (clear),
     * else the value, which must match {@code pattern} and be at most 255 characters.
     */
    private static Optional<Optional<String>> text(ObjectNode object, String field, Pattern pattern, String what) {
        JsonNode value = object.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isNull() || (value.isString() && value.asString().isEmpty())) {
            return Optional.of(Optional.empty());
        }
        if (!value.isString()) {
            throw ApiException.badRequest(field + " must be a string or null");
        }
        String text = value.asString();
        if (text.length() > MAX_TEXT) {
            throw ApiException.badRequest(field + " must be at most " + MAX_TEXT + " characters");
        }
        if (!pattern.matcher(text).matches()) {
            throw ApiException.badRequest(field + " must be " + what);
        }
        return Optional.of(Optional.of(text));
    }

    private static Optional<Optional<Boolean>> bool(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isNull()) {
            return Optional.of(Optional.empty());
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest(field + " must be a boolean or null");
        }
        return Optional.of(Optional.of(value.asBoolean()));
    }

    /** ISO 3166-1 alpha-2, upper case, and a code that exists (not just two letters). */
    private static Optional<Optional<String>> country(ObjectNode object) {
        Optional<Optional<String>> country = text(object, "country", COUNTRY, "an ISO 3166-1 alpha-2 code like US");
        country.flatMap(v -> v).ifPresent(code -> {
            if (!COUNTRIES.contains(code)) {
                throw ApiException.badRequest("country must be an ISO 3166-1 alpha-2 code like US; " + code + " is not one");
            }
        });
        return country;
    }

    /** A JSON object of at most 4 KiB serialized; null clears it to {}. */
    private static Optional<String> metadata(ObjectNode object) {
        JsonNode value = object.get("metadata");
        if (value == null) {
            return Optional.empty();
        }
        if (value.isNull()) {
            return Optional.of("{}");
        }
        if (!value.isObject()) {
            throw ApiException.badRequest("metadata must be a JSON object or null");
        }
        byte[] json = Json.write(value);
        if (json.length > MAX_METADATA_BYTES) {
            throw ApiException.unprocessable("metadata_size_exceeded",
                    "metadata must be at most " + MAX_METADATA_BYTES + " bytes serialized");
        }
        return Optional.of(new String(json, StandardCharsets.UTF_8));
    }

    private static ContactChange email(ObjectNode object) {
        return text(object, "email", Pattern.compile("(?s).*"), "an email address").map(value -> value
                .<ContactChange>map(text -> new ContactChange.To(EmailAddress.parse(text)
                        .map(e -> new Destination(OtpChannel.EMAIL, e.value(), e.key(), Map.of()))
                        .orElseThrow(() -> ApiException.unprocessable("invalid_email", "email is not a valid email address"))))
                .orElseGet(ContactChange.Clear::new))
                .orElseGet(ContactChange.Keep::new);
    }

    private static ContactChange phone(ObjectNode object) {
        return text(object, "phoneNumber", TEXT, "a phone number in international form, e.g. +14155552671").map(value -> value
                .<ContactChange>map(text -> new ContactChange.To(PhoneNumbers.parseInternational(text)))
                .orElseGet(ContactChange.Clear::new))
                .orElseGet(ContactChange.Keep::new);
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }
}
