package dev.sigil.externalauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.sigil.environment.ExternalAuthSettings;
import dev.sigil.http.ApiException;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a JWT issued by an app's own auth against the environment's {@code security.externalAuth}.
 *
 * <p>RFC 8725 §2.1, §3.1: the server fixes the algorithms (RS256, ES256; never {@code none} or HMAC, whose
 * "secret" would be the public key) and the key comes only from the configured JWKS by {@code kid}; header
 * parameters that carry or point at keys ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are never read.
 * Claims (RFC 8725 §3.8, §3.9): {@code iss} exactly the configured issuer, {@code aud} containing the
 * configured audience if one is configured, {@code exp} required and honoured, {@code nbf} and {@code iat}
 * not in the future, each with {@link #CLOCK_SKEW}, and a {@code sub} that is a JSON string of 1 to 255 characters.
 *
 * <p>Every failure is {@code 422 invalid_external_auth} with a short reason that never quotes the token.
 */
public final class ExternalTokenVerifier {
    public static final String ERROR_CODE = "invalid_external_auth";
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;
    public static final int MAX_SUBJECT_LENGTH = 255;
    public static final int MIN_RSA_BITS = 2048;
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    /** Identity providers type their tokens as JWT, as access tokens (RFC 9068), or not at all. */
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null);

    private final RemoteJwks jwks;
    private final Clock clock;

    public ExternalTokenVerifier(RemoteJwks jwks, Clock clock) {
        this.jwks = jwks;
        this.clock = clock;
    }

    public ExternalIdentity verify(ExternalAuthSettings settings, String token) {
        SignedJWT jwt = parse(token);
        checkHeader(jwt.getHeader());
        checkSubjectType(jwt);
        URI jwksUrl = settings.jwksUrl().orElseThrow(() -> rejected("external auth has no JWKS URL"));
        try {
            processor(settings, jwksUrl).process(jwt, null);
        } catch (Rejected e) {
            throw rejected(e.getMessage());
        } catch (KeyRefused e) {
            throw rejected(e.getMessage());
        } catch (BadJWSException e) {
            throw rejected("token signature is invalid");
        } catch (BadJOSEException e) {
            throw rejected("token was refused (type, algorithm or claims)");
        } catch (JOSEException e) {
            throw rejected("token signature could not be verified");
        }
        return new ExternalIdentity(subject(jwt));
    }

    private static SignedJWT parse(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw rejected("token is too long");
        }
        try {
            // Refuses unsecured (alg "none") and encrypted tokens: their headers are not JWS headers.
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw rejected("token is not a signed JWT");
        }
    }

    private static void checkHeader(JWSHeader header) {
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw rejected("token algorithm must be RS256 or ES256");
        }
        if (header.getKeyID() == null || header.getKeyID().isEmpty()) {
            throw rejected("token has no key id");
        }
        try {
            TYPES.verify(header.getType(), null);
        } catch (BadJOSEException e) {
            throw rejected("token typ must be JWT or at+jwt when present");
        }
    }

    private DefaultJWTProcessor<SecurityContext> processor(ExternalAuthSettings settings, URI jwksUrl) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(TYPES);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keysAt(jwksUrl)));
        processor.setJWTClaimsSetVerifier((claims, context) -> checkClaims(settings, claims));
        return processor;
    }

    /** The keys of {@code url} that match the token header; an unknown kid gets one (rate-limited) refetch. */
    private JWKSource<SecurityContext> keysAt(URI url) {
        return (selector, context) -> {
            try {
                JWKSet current = jwks.keys(url);
                List<JWK> found = usable(selector.select(current));
                if (found.isEmpty()) {
                    found = usable(selector.select(jwks.refreshed(url, current)));
                }
                if (found.isEmpty()) {
                    throw new KeyRefused("no key of the issuer's JWKS has the token's kid and algorithm");
                }
                return found;
            } catch (RemoteJwks.UnavailableException e) {
                throw new KeyRefused(e.getMessage());
            }
        };
    }

    /** RSA keys under 2048 bits are too weak to trust (NIST SP 800-131A), whatever the issuer publishes. */
    private static List<JWK> usable(List<JWK> keys) {
        return keys.stream().filter(k -> !(k instanceof RSAKey rsa) || rsa.size() >= MIN_RSA_BITS).toList();
    }

    private void checkClaims(ExternalAuthSettings settings, JWTClaimsSet claims) throws Rejected {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new Rejected("token has no exp claim");
        }
        if (!exp.toInstant().plus(CLOCK_SKEW).isAfter(now)) {
            throw new Rejected("token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
            throw new Rejected("token is not valid yet");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
            throw new Rejected("token was issued in the future");
        }
        if (!settings.issuer().orElseThrow().equals(claims.getIssuer())) {
            throw new Rejected("token issuer does not match the configured iss");
        }
        if (settings.audience().isPresent()
                && (claims.getAudience() == null || !claims.getAudience().contains(settings.audience().get()))) {
            throw new Rejected("token audience does not contain the configured aud");
        }
    }

    /**
     * RFC 7519 §4.1.2: sub is a StringOrURI, a JSON string. Nimbus's claims set turns a numeric sub into its decimal
     * string, so 12345 would sign in as the user whose sub is "12345" (one id space of the issuer colliding with
     * another), and refuses a boolean, object or array sub with no reason Sigil can name. So the type is checked on
     * the payload as the issuer wrote it, before Nimbus parses the claims (which it does before checking the
     * signature: this check reveals nothing the sender did not write).
     */
    private static void checkSubjectType(SignedJWT jwt) {
        Object sub = rawSubject(jwt);
        if (sub != null && !(sub instanceof String)) {
            throw rejected("token sub must be a string (RFC 7519 §4.1.2)");
        }
    }

    private static Object rawSubject(SignedJWT jwt) {
        Map<String, Object> payload = jwt.getPayload().toJSONObject();
        return payload == null ? null : payload.get("sub");
    }

    /** The sub of the (verified) payload as the issuer wrote it: never a number Nimbus turned into a string. */
    private static String subject(SignedJWT jwt) {
        if (!(rawSubject(jwt) instanceof String subject) || subject.isEmpty()) {
            throw rejected("token has no sub claim");
        }
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw rejected("token sub is longer than " + MAX_SUBJECT_LENGTH + " characters");
        }
        return subject;
    }

    private static ApiException rejected(String reason) {
        return ApiException.unprocessable(ERROR_CODE, "external auth token rejected: " + reason);
    }

    /** A refusal whose message Sigil wrote, so it may be shown to the client. */
    private static final class Rejected extends BadJWTException {
        Rejected(String message) {
            super(message);
        }
    }

    /** No usable key: the JWKS lacks the kid or could not be fetched. The message names no key material. */
    private static final class KeyRefused extends KeySourceException {
        KeyRefused(String message) {
            super(message);
        }
    }
}
