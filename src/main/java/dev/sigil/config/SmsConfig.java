package dev.sigil.config;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The SMS provider one-time codes are sent through ({@code SIGIL_SMS_PROVIDER=twilio} and
 * {@code SIGIL_TWILIO_*}). {@link #toString()} never shows the auth token.
 *
 * @param baseUrl Twilio's API root ({@code SIGIL_TWILIO_BASE_URL}, default https://api.twilio.com; tests point
 *                it at a local stand-in)
 */
public record SmsConfig(String accountSid, String authToken, String from, URI baseUrl) {
    public static final String DEFAULT_TWILIO_BASE_URL = "https://api.twilio.com";

    public SmsConfig {
        if (!accountSid.matches("AC[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("SIGIL_TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits");
        }
        if (authToken.isBlank()) {
            throw new IllegalArgumentException("SIGIL_TWILIO_AUTH_TOKEN must not be blank");
        }
        if (!from.matches("\\+[1-9][0-9]{1,14}|MG[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("SIGIL_TWILIO_FROM must be an E.164 number like +15005550006 or a messaging service SID");
        }
        if (!("https".equals(baseUrl.getScheme()) || "http".equals(baseUrl.getScheme())) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("SIGIL_TWILIO_BASE_URL must be an http(s) URL");
        }
    }

    static Optional<SmsConfig> fromEnvironment(Map<String, String> env) {
        Optional<String> provider = nonBlank(env.get("SIGIL_SMS_PROVIDER"));
        if (provider.isEmpty()) {
            return Optional.empty();
        }
        if (!provider.get().equals("twilio")) {
            throw new IllegalArgumentException("SIGIL_SMS_PROVIDER must be twilio, got '" + provider.get() + "'");
        }
        URI base;
        try {
            base = new URI(nonBlank(env.get("SIGIL_TWILIO_BASE_URL")).orElse(DEFAULT_TWILIO_BASE_URL));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("SIGIL_TWILIO_BASE_URL must be an http(s) URL");
        }
        return Optional.of(new SmsConfig(required(env, "SIGIL_TWILIO_ACCOUNT_SID"), required(env, "SIGIL_TWILIO_AUTH_TOKEN"),
                required(env, "SIGIL_TWILIO_FROM"), base));
    }

    private static String required(Map<String, String> env, String name) {
        return nonBlank(env.get(name)).orElseThrow(() -> new IllegalArgumentException(name + " is required when SIGIL_SMS_PROVIDER=twilio"));
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() {
        return "SmsConfig[twilio, accountSid=" + accountSid + ", authToken=***, from=" + from + ", baseUrl=" + baseUrl + "]";
    }
}
