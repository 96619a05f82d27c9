package dev.sigil.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import dev.sigil.http.Json;
import dev.sigil.keys.SigningKeys;
import dev.sigil.http.IsoTime;
import dev.sigil.user.User;
import dev.sigil.user.UserView;
import dev.sigil.user.VerifiedCredential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Mints the two RS256 tokens of a VerifyResponse with the claims of spec/dynamic-sdk-api.md §Tokens.
 * Claim names are Dynamic's, snake_case and camelCase mixed; each one is written out here on purpose.
 */
public final class TokenIssuer {
    private final SigningKeys keys;
    private final Issuer issuer;
    private final Clock clock;

    public TokenIssuer(SigningKeys keys, Issuer issuer, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** Signs both tokens; they expire after {@code lifetime} but never after the session's {@code refreshExp}. */
    public IssuedTokens issue(TokenSubject subject, Duration lifetime) {
        Instant now = clock.instant();
        long iat = now.getEpochSecond();
        long refreshExp = subject.refreshExp().getEpochSecond();
        long exp = Math.min(iat + lifetime.toSeconds(), refreshExp);
        SigningKeys.ActiveKey key = keys.current(subject.environmentId());

        Map<String, Object> minified = commonClaims(subject, key.kid(), iat, exp, refreshExp);
        Map<String, Object> full = new LinkedHashMap<>(minified);
        addProfileClaims(full, subject);
        return new IssuedTokens(sign(full, key), sign(minified, key), exp);
    }

    private Map<String, Object> commonClaims(TokenSubject s, String kid, long iat, long exp, long refreshExp) {
        User user = s.account().user();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("kid", kid);
        claims.put("aud", s.audience());
        claims.put("iss", issuer.forEnvironment(s.environmentId()));
        claims.put("sub", user.id());
        claims.put("sid", s.sessionId());
        claims.put("iat", iat);
        claims.put("exp", exp);
        claims.put("environment_id", s.environmentId());
        claims.put("last_verified_credential_id", user.lastVerifiedCredentialId().orElse(s.signinCredentialId()));
        claims.put("signin_credential_id", s.signinCredentialId());
        claims.put("scope", s.scope());
        claims.put("verifiedCredentialsHashes", credentialHashes(s.account().credentials()));
        claims.put("refreshExp", refreshExp);
        s.sessionPublicKey().ifPresent(k -> claims.put("session_public_key", k));
        user.profile().email().ifPresent(v -> claims.put("email", v));
        user.profile().username().ifPresent(v -> claims.put("username", v));
        return claims;
    }

    private static void addProfileClaims(Map<String, Object> claims, TokenSubject s) {
        User user = s.account().user();
        User.Profile p = user.profile();
        claims.put("verified_credentials", UserView.credentials(s.account()));
        claims.put("missing_fields", s.missingFields());
        claims.put("first_visit", IsoTime.format(user.firstVisit()));
        claims.put("last_visit", IsoTime.format(user.lastVisit()));
        claims.put("new_user", s.newUser());
        putIfPresent(claims, "alias", p.alias());
        putIfPresent(claims, "country", p.country());
        putIfPresent(claims, "given_name", p.firstName());
        putIfPresent(claims, "family_name", p.lastName());
        putIfPresent(claims, "job_title", p.jobTitle());
        putIfPresent(claims, "phone_number", p.phoneNumber());
        putIfPresent(claims, "t_shirt_size", p.tShirtSize());
        putIfPresent(claims, "team", p.team());
        putIfPresent(claims, "policies_consent", p.policiesConsent());
        claims.put("metadata", user.metadata());
        putIfPresent(claims, "btc_wallet", p.btcWallet());
        putIfPresent(claims, "kda_wallet", p.kdaWallet());
        putIfPresent(claims, "ltc_wallet", p.ltcWallet());
        putIfPresent(claims, "ckb_wallet", p.ckbWallet());
        putIfPresent(claims, "kas_wallet", p.kasWallet());
        putIfPresent(claims, "doge_wallet", p.dogeWallet());
        putIfPresent(claims, "email_notification", p.emailNotification());
        putIfPresent(claims, "discord_notification", p.discordNotification());
        putIfPresent(claims, "newsletter_notification", p.newsletterNotification());
        claims.put("lists", user.lists());
    }

    private static void putIfPresent(Map<String, Object> claims, String name, Optional<?> value) {
        value.ifPresent(v -> claims.put(name, v));
    }

    /**
     * One hash per credential format over the ids of the user's credentials of that format, so a backend can
     * tell that the set changed without reading them. SHA-256 over the sorted ids joined by commas.
     */
    static Map<String, String> credentialHashes(List<VerifiedCredential> credentials) {
        Map<String, List<String>> idsByFormat = credentials.stream().collect(Collectors.groupingBy(
                VerifiedCredential::format, TreeMap::new,
                Collectors.mapping(VerifiedCredential::id, Collectors.toList())));
        Map<String, String> hashes = new LinkedHashMap<>();
        idsByFormat.forEach((format, ids) -> hashes.put(format, sha256Hex(String.join(",", ids.stream().sorted().toList()))));
        return hashes;
    }

    private static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(Map<String, Object> claims, SigningKeys.ActiveKey key) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.kid()).type(JOSEObjectType.JWT).build();
        JWSObject jws = new JWSObject(header, new Payload(Json.write(claims)));
        try {
            jws.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("token signing failed", e);
        }
        return jws.serialize();
    }
}
