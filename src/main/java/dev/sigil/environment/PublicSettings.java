package dev.sigil.environment;

import dev.sigil.http.IsoTime;
import dev.sigil.otp.OtpSettings;
import dev.sigil.otp.PhoneNumbers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /sdk/{env}/settings}: Dynamic's ProjectSettings with what a client needs and nothing secret. It is
 * built field by field from typed settings, never by echoing the stored document (which holds Sigil's own
 * {@code sigil.*} rules). The seven sections Dynamic's {@code ProjectSettingsFromJSON} requires are always there.
 */
public final class PublicSettings {
    /** Dynamic's ProviderEnum names of the one-time code sign-in methods. */
    public static final String EMAIL_PROVIDER = "emailOnly";
    public static final String SMS_PROVIDER = "sms";

    private PublicSettings() {
    }

    /** @param providers the sign-in methods this server has a sender for ({@link #EMAIL_PROVIDER}, {@link #SMS_PROVIDER}) */
    public static Map<String, Object> of(Environment env, Set<String> providers) {
        EnvironmentSettings settings = env.settings();
        Map<String, Object> out = new LinkedHashMap<>();
        // Wallet sign-in verifies EVM (EIP-191) and Solana (ed25519) signatures; named as in credentials.
        out.put("chains", List.of(Map.of("name", "eip155", "enabled", true), Map.of("name", "solana", "enabled", true)));
        out.put("kyc", settings.kyc().stream().map(KycField::wire).toList());
        out.put("design", Map.of());
        out.put("general", Map.of("displayName", env.name()));
        out.put("privacy", Map.of("collectIp", false));
        out.put("providers", providers(env, providers));
        out.put("sdk", sdk(providers));
        out.put("security", security(settings));
        return out;
    }

    /**
     * Enabled since the environment exists: a sender is configured for the whole server. SMS is left out when the
     * environment's daily SMS budget is 0, and lists its {@code enabledCountries} (Dynamic's ProviderEnabledCountry,
     * which the client's phone input offers) when the environment limits them.
     */
    private static List<Map<String, Object>> providers(Environment env, Set<String> providers) {
        OtpSettings otp = OtpSettings.from(env.settings().document());
        List<Map<String, Object>> out = new ArrayList<>();
        if (providers.contains(EMAIL_PROVIDER)) {
            out.add(Map.of("provider", EMAIL_PROVIDER, "enabledAt", IsoTime.format(env.createdAt())));
        }
        if (providers.contains(SMS_PROVIDER) && otp.smsPerDay() > 0) {
            Map<String, Object> sms = new LinkedHashMap<>();
            sms.put("provider", SMS_PROVIDER);
            sms.put("enabledAt", IsoTime.format(env.createdAt()));
            if (!otp.smsEnabledCountries().isEmpty()) {
                sms.put("enabledCountries", otp.smsEnabledCountries().stream().sorted()
                        .map(PublicSettings::enabledCountry).toList());
            }
            out.add(sms);
        }
        return out;
    }

    private static Map<String, Object> enabledCountry(String isoCountryCode) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("isoCountryCode", isoCountryCode);
        out.put("phoneCountryCode", Integer.toString(PhoneNumbers.callingCode(isoCountryCode)));
        return out;
    }

    private static Map<String, Object> sdk(Set<String> providers) {
        Map<String, Object> sdk = new LinkedHashMap<>();
        if (providers.contains(EMAIL_PROVIDER)) {
            sdk.put("emailSignIn", Map.of("signInProvider", "dynamic"));
        }
        sdk.put("multiWallet", true);
        return sdk;
    }

    private static Map<String, Object> security(EnvironmentSettings settings) {
        Map<String, Object> security = new LinkedHashMap<>();
        security.put("jwtDuration", duration(settings.jwtDuration()));
        security.put("auth", Map.of("storage", settings.cookieMode() ? List.of("localstorage", "cookie") : List.of("localstorage")));
        security.put("externalAuth", externalAuth(settings.externalAuth()));
        security.put("captcha", Map.of("enabled", false));
        security.put("hCaptcha", Map.of("enabled", false));
        security.put("mfa", Map.of("enabled", false, "required", false));
        // The schema reads a missing value as true; Sigil asks for no device registration.
        security.put("deviceRegistrationRequired", false);
        security.put("environmentLocked", false);
        return security;
    }

    /** The public part only: no key material ever sits in these settings, but list the fields anyway. */
    private static Map<String, Object> externalAuth(ExternalAuthSettings external) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", external.enabled());
        out.put("iss", external.issuer().orElse(null));
        out.put("aud", external.audience().orElse(null));
        external.jwksUrl().ifPresent(url -> out.put("jwksUrl", url.toString()));
        out.put("cookieName", external.cookieName().orElse(null));
        out.put("assumeEmailVerified", external.assumeEmailVerified());
        return out;
    }

    /** Dynamic's Duration has no seconds unit: the largest of days, hours, minutes that states it exactly (or minutes). */
    static Map<String, Object> duration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return Map.of("amount", seconds / 86_400, "unit", "days");
        }
        if (seconds % 3_600 == 0) {
            return Map.of("amount", seconds / 3_600, "unit", "hours");
        }
        return Map.of("amount", Math.max(1, seconds / 60), "unit", "minutes");
    }
}
