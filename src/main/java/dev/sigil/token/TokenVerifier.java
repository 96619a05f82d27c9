package dev.sigil.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import dev.sigil.http.ApiException;
import dev.sigil.http.Json;
import dev.sigil.keys.SigningKeys;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.text.ParseException;
import java.time.Clock;
import java.util.Optional;

/**
 * Verifies a bearer token (either the minified or the full one) of an environment.
 *
 * <p>Only RS256 is accepted, and only from a {@code kid} that is one of the environment's live keys
 * (RFC 8725 §2.1, §3.1: the algorithm is fixed by the server, never chosen by the token). Header parameters
 * that point at other keys ({@code jku}, {@code x5u}, {@code jwk}) are never consulted. Claims are then
 * checked against the environment: {@code environment_id}, {@code iss}, {@code exp}.
 * Every failure is a 401 with a short reason that reveals nothing about keys.
 */
public final class TokenVerifier {
    /** Longest bearer token accepted: a full token with many credentials stays well below this. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;
    private final SigningKeys keys;
    private final Issuer issuer;
    private final Clock clock;

    public TokenVerifier(SigningKeys keys, Issuer issuer, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
    }

    public VerifiedToken verify(String environmentId, String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw ApiException.unauthorized("token is too long");
        }
        if (!isCanonicalCompactJws(token)) {
            throw ApiException.unauthorized("malformed token");
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(token);
        } catch (ParseException e) {
            throw ApiException.unauthorized("malformed token");
        }
        if (!JWSAlgorithm.RS256.equals(jws.getHeader().getAlgorithm())) {
            throw ApiException.unauthorized("token algorithm not accepted");
        }
        if (jws.getHeader().getCriticalParams() != null) {
            throw ApiException.unauthorized("token has critical header parameters");
        }
        String kid = jws.getHeader().getKeyID();
        if (kid == null) {
            throw ApiException.unauthorized("token has no key id");
        }
        JWSVerifier verifier = keys.verifier(environmentId, kid)
                .orElseThrow(() -> ApiException.unauthorized("token was not signed by a key of this environment"));
        try {
            if (!jws.verify(verifier)) {
                throw ApiException.unauthorized("invalid token signature");
            }
        } catch (JOSEException e) {
            throw ApiException.unauthorized("invalid token signature");
        }
        return checkClaims(environmentId, kid, jws.getPayload().toString());
    }

    /**
     * RFC 7515 §7.1 compact serialization: three base64url parts (§2, no padding) joined by dots, nothing else, and
     * each part the one base64url spelling of its bytes. Nimbus trims whitespace and control characters around a
     * token and its decoder skips characters outside the alphabet, so without this check {@code "\0" + token}
     * (found by TokenVerifierFuzzTest), {@code sig==}, {@code si g} or {@code si\u00e9g} (JwtAttackTest) verified as
     * the genuine token: one token, many spellings, which defeats anything keyed on the token text. One pass over
     * the characters, as this runs on every bearer request.
     */
    static boolean isCanonicalCompactJws(String token) {
        int parts = 0;
        int partStart = 0;
        for (int i = 0; i <= token.length(); i++) {
            if (i == token.length() || token.charAt(i) == '.') {
                if (++parts > 3 || !isCanonicalPart(token, partStart, i)) {
                    return false;
                }
                partStart = i + 1;
            } else if (base64UrlValue(token.charAt(i)) < 0) {
                return false;
            }
        }
        return parts == 3;
    }

    /**
     * Whether {@code token[start, end)}, already known to hold only base64url characters, is the canonical spelling
     * of its bytes: not empty, not a length no byte string encodes to (1 more than a multiple of 4), and with the
     * unused low bits of a short last group zero (decoders ignore them, so otherwise a part has several spellings).
     */
    private static boolean isCanonicalPart(String token, int start, int end) {
        int length = end - start;
        if (length == 0) {
            return false;
        }
        int last = base64UrlValue(token.charAt(end - 1));
        return switch (length % 4) {
            case 1 -> false;
            case 2 -> (last & 0x0F) == 0; // 12 bits carry one byte: 4 unused
            case 3 -> (last & 0x03) == 0; // 18 bits carry two bytes: 2 unused
            default -> true;
        };
    }

    /** The 6-bit value of a base64url character (RFC 4648 §5), or -1 for anything else. */
    private static int base64UrlValue(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '-') {
            return 62;
        }
        return c == '_' ? 63 : -1;
    }

    private VerifiedToken checkClaims(String environmentId, String kid, String payload) {
        JsonNode claims;
        try {
            claims = Json.read(payload);
        } catch (JacksonException e) {
            throw ApiException.unauthorized("malformed token claims");
        }
        if (!claims.isObject()) {
            throw ApiException.unauthorized("malformed token claims");
        }
        if (!environmentId.equals(text(claims, "environment_id").orElse(null))) {
            throw ApiException.unauthorized("token belongs to another environment");
        }
        if (!issuer.forEnvironment(environmentId).equals(text(claims, "iss").orElse(null))) {
            throw ApiException.unauthorized("token has the wrong issuer");
        }
        text(claims, "kid").filter(k -> !k.equals(kid))
                .ifPresent(k -> { throw ApiException.unauthorized("token kid claim does not match its header"); });
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.isIntegralNumber()) {
            throw ApiException.unauthorized("token has no expiry");
        }
        long now = clock.instant().getEpochSecond();
        if (exp.asLong() <= now) {
            throw ApiException.unauthorized("token expired");
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && (!nbf.isIntegralNumber() || nbf.asLong() > now)) {
            throw ApiException.unauthorized("token is not valid yet");
        }
        String sub = text(claims, "sub").orElseThrow(() -> ApiException.unauthorized("token has no subject"));
        String sid = text(claims, "sid").orElseThrow(() -> ApiException.unauthorized("token has no session"));
        return new VerifiedToken(sub, sid);
    }

    private static Optional<String> text(JsonNode claims, String name) {
        JsonNode value = claims.get(name);
        return value != null && value.isString() ? Optional.of(value.asString()) : Optional.empty();
    }
}
