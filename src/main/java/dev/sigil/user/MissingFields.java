package dev.sigil.user;

import dev.sigil.environment.KycField;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code missingFields} / {@code missing_fields}: the environment's KYC fields that are required and enabled and
 * that the user has not filled yet, as ProjectSettingsKyc objects (Dynamic's client shows a form for them).
 * Only fields Sigil stores count: a KYC name that is not a UserFields field could never be filled, so it is
 * never reported missing.
 */
public final class MissingFields {
    private static final Map<String, Function<User, Optional<?>>> FIELDS = Map.ofEntries(
            Map.entry("email", u -> u.profile().email()),
            Map.entry("alias", u -> u.profile().alias()),
            Map.entry("firstName", u -> u.profile().firstName()),
            Map.entry("lastName", u -> u.profile().lastName()),
            Map.entry("jobTitle", u -> u.profile().jobTitle()),
            Map.entry("phoneNumber", u -> u.profile().phoneNumber()),
            Map.entry("tShirtSize", u -> u.profile().tShirtSize()),
            Map.entry("team", u -> u.profile().team()),
            Map.entry("country", u -> u.profile().country()),
            Map.entry("username", u -> u.profile().username()),
            Map.entry("policiesConsent", u -> u.profile().policiesConsent().filter(Boolean::booleanValue)),
            Map.entry("btcWallet", u -> u.profile().btcWallet()),
            Map.entry("kdaWallet", u -> u.profile().kdaWallet()),
            Map.entry("ltcWallet", u -> u.profile().ltcWallet()),
            Map.entry("ckbWallet", u -> u.profile().ckbWallet()),
            Map.entry("kasWallet", u -> u.profile().kasWallet()),
            Map.entry("dogeWallet", u -> u.profile().dogeWallet()));

    private MissingFields() {
    }

    public static List<Object> of(List<KycField> kyc, User user) {
        return kyc.stream()
                .filter(f -> f.required() && f.enabled())
                .filter(f -> FIELDS.containsKey(f.name()) && FIELDS.get(f.name()).apply(user).isEmpty())
                .<Object>map(KycField::wire)
                .toList();
    }
}
