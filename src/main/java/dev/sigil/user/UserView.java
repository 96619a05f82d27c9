package dev.sigil.user;

import java.util.LinkedHashMap;
import dev.sigil.http.IsoTime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders users and credentials with Dynamic's exact wire names. SdkUser is camelCase; JwtVerifiedCredential
 * mixes snake_case ({@code wallet_name}, {@code public_identifier}) and camelCase ({@code signInEnabled},
 * {@code lastSelectedAt}) exactly as Dynamic's client expects, so every key is spelled out here.
 */
public final class UserView {
    private UserView() {
    }

    /** What a rendered user says about the session it is seen through. */
    public record SessionFacts(String sessionId, boolean newUser, String scope, List<Object> missingFields) {
    }

    public static Map<String, Object> sdkUser(Account account, SessionFacts session) {
        User user = account.user();
        User.Profile p = user.profile();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", user.id());
        out.put("projectEnvironmentId", user.environmentId());
        out.put("verifiedCredentials", credentials(account));
        out.put("lastVerifiedCredentialId", user.lastVerifiedCredentialId().orElse(null));
        out.put("sessionId", session.sessionId());
        out.put("alias", p.alias().orElse(null));
        out.put("country", p.country().orElse(null));
        out.put("email", p.email().orElse(null));
        out.put("firstName", p.firstName().orElse(null));
        out.put("jobTitle", p.jobTitle().orElse(null));
        out.put("lastName", p.lastName().orElse(null));
        out.put("phoneNumber", p.phoneNumber().orElse(null));
        out.put("policiesConsent", p.policiesConsent().orElse(null));
        out.put("tShirtSize", p.tShirtSize().orElse(null));
        out.put("team", p.team().orElse(null));
        out.put("username", p.username().orElse(null));
        out.put("firstVisit", IsoTime.format(user.firstVisit()));
        out.put("lastVisit", IsoTime.format(user.lastVisit()));
        out.put("newUser", session.newUser());
        out.put("metadata", user.metadata());
        out.put("btcWallet", p.btcWallet().orElse(null));
        out.put("kdaWallet", p.kdaWallet().orElse(null));
        out.put("ltcWallet", p.ltcWallet().orElse(null));
        out.put("ckbWallet", p.ckbWallet().orElse(null));
        out.put("kasWallet", p.kasWallet().orElse(null));
        out.put("dogeWallet", p.dogeWallet().orElse(null));
        out.put("emailNotification", p.emailNotification().orElse(null));
        out.put("discordNotification", p.discordNotification().orElse(null));
        out.put("newsletterNotification", p.newsletterNotification().orElse(null));
        out.put("lists", user.lists());
        out.put("scope", session.scope());
        out.put("missingFields", session.missingFields());
        return out;
    }

    public static List<Map<String, Object>> credentials(Account account) {
        return account.credentials().stream().map(UserView::credential).toList();
    }

    public static Map<String, Object> credential(VerifiedCredential c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("format", c.format());
        if (VerifiedCredential.BLOCKCHAIN.equals(c.format())) {
            out.put("address", c.identifier());
            out.put("chain", c.chain().orElse(null));
            out.put("wallet_name", c.walletName().orElse(null));
            out.put("wallet_provider", c.walletProvider().orElse(null));
            out.put("name_service", Map.of());
            out.put("wallet_properties", Map.of());
            out.put("wallet_additional_addresses", List.of());
        } else if (VerifiedCredential.EMAIL.equals(c.format())) {
            out.put("email", c.identifier());
        } else if (VerifiedCredential.PHONE_NUMBER.equals(c.format())) {
            out.putAll(PhoneParts.of(c.identifier()));
        }
        out.put("public_identifier", c.identifier());
        out.put("signInEnabled", c.signInEnabled());
        out.put("verifiedAt", IsoTime.format(c.verifiedAt()));
        out.put("lastSelectedAt", IsoTime.format(c.lastSelectedAt()));
        return out;
    }

}
