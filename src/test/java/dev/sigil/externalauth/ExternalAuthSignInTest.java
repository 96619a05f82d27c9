package dev.sigil.externalauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Third-party JWT sign-in over real HTTP: tokens signed by keys made here, published by a real JWKS server on a
 * loopback port. Each test gets its own environment and JWKS path, so fetch counts and caches do not mix.
 */
class ExternalAuthSignInTest {
    static final String ISS = "https://auth.example.com/";
    static final String AUD = "shop-app";
    static final AtomicInteger PATHS = new AtomicInteger();
    static TestServer server;
    static JwksServer jwksServer;
    static RSAKey rsa;
    static ECKey ec;

    @BeforeAll
    static void start() throws JOSEException {
        server = TestServer.start();
        jwksServer = JwksServer.start();
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    @AfterAll
    static void stop() {
        jwksServer.close();
        server.close();
    }

    /** An environment whose external auth trusts the keys in {@code published}, served at {@code path}. */
    record Issuer(SdkClient sdk, String path, AtomicReference<List<JWK>> published) {
    }

    static Issuer issuer(JWK... keys) {
        String path = "/issuer-" + PATHS.incrementAndGet() + "/jwks.json";
        AtomicReference<List<JWK>> published = new AtomicReference<>(List.of(keys));
        String url = jwksServer.publish(path, () -> new JWKSet(published.get()).toPublicJWKSet().toString());
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        enable(sdk.environmentId(), url);
        return new Issuer(sdk, path, published);
    }

    static void enable(String environmentId, String jwksUrl) {
        server.patchEnvironment(environmentId, Json.writeString(Map.of("settings", Map.of("security", Map.of(
                "externalAuth", Map.of("enabled", true, "iss", ISS, "aud", AUD, "jwksUrl", jwksUrl))))));
    }

    static JWTClaimsSet.Builder claims(String sub) {
        Instant now = server.clock.instant();
        return new JWTClaimsSet.Builder().issuer(ISS).audience(List.of(AUD, "other")).subject(sub)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
    }

    static String sign(JWK key, JWTClaimsSet claims) {
        return sign(key, key.getKeyID(), claims);
    }

    static String sign(JWK key, String kid, JWTClaimsSet claims) {
        try {
            boolean isRsa = key instanceof RSAKey;
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(isRsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                    .keyID(kid).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(isRsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static Http.Response signIn(SdkClient sdk, String jwt) {
        return sdk.post("/externalAuth/signin", Json.writeString(Map.of("jwt", jwt)));
    }

    static JsonNode signedIn(SdkClient sdk, String jwt) {
        Http.Response response = signIn(sdk, jwt);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    static void assertRejected(Http.Response response, String jwt, String reason) {
        assertRejected(response, jwt);
        assertThat(response.json().get("error").asString()).contains(reason);
    }

    static void assertRejected(Http.Response response, String jwt) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo("invalid_external_auth");
        assertThat(response.json().get("error").isString()).isTrue();
        assertThat(response.body()).doesNotContain(jwt);
    }

    @Test
    void firstSignInCreatesAUserWithAnExternalUserCredential() {
        Issuer issuer = issuer(rsa);
        JsonNode response = signedIn(issuer.sdk(), sign(rsa, claims("user-42").build()));

        JsonNode user = response.get("user");
        assertThat(user.get("newUser").asBoolean()).isTrue();
        JsonNode credential = user.get("verifiedCredentials").get(0);
        assertThat(user.get("verifiedCredentials").size()).isEqualTo(1);
        assertThat(credential.get("format").asString()).isEqualTo("externalUser");
        assertThat(credential.get("public_identifier").asString()).isEqualTo("user-42");
        assertThat(credential.has("chain")).isFalse();
        assertThat(credential.has("oauth_provider")).isFalse();
        assertThat(user.get("lastVerifiedCredentialId").asString()).isEqualTo(credential.get("id").asString());
        assertThat(response.get("jwt").isString()).isTrue();
        assertThat(response.get("minifiedJwt").isString()).isTrue();
    }

    @Test
    void secondSignInWithTheSameSubjectSignsIntoTheSameUser() {
        Issuer issuer = issuer(rsa, ec);
        JsonNode first = signedIn(issuer.sdk(), sign(rsa, claims("same").build())).get("user");
        JsonNode second = signedIn(issuer.sdk(), sign(ec, claims("same").build())).get("user");

        assertThat(second.get("newUser").asBoolean()).isFalse();
        assertThat(second.get("id").asString()).isEqualTo(first.get("id").asString());
        assertThat(second.get("verifiedCredentials").size()).isEqualTo(1);
        assertThat(second.get("sessionId").asString()).isNotEqualTo(first.get("sessionId").asString());
    }

    @Test
    void differentSubjectsAreDifferentUsers() {
        Issuer issuer = issuer(ec);
        JsonNode alice = signedIn(issuer.sdk(), sign(ec, claims("alice").build())).get("user");
        JsonNode bob = signedIn(issuer.sdk(), sign(ec, claims("bob").build())).get("user");

        assertThat(bob.get("newUser").asBoolean()).isTrue();
        assertThat(bob.get("id").asString()).isNotEqualTo(alice.get("id").asString());
    }

    @Test
    void parallelFirstSignInsOfOneSubjectCreateOneUser() throws Exception {
        Issuer issuer = issuer(ec);
        String jwt = sign(ec, claims("racer").build());
        List<Callable<Http.Response>> calls = java.util.stream.IntStream.range(0, 8)
                .<Callable<Http.Response>>mapToObj(i -> () -> signIn(issuer.sdk(), jwt)).toList();
        Set<String> userIds = new HashSet<>();
        int created = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Http.Response> future : pool.invokeAll(calls)) {
                Http.Response response = future.get();
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                userIds.add(response.json().get("user").get("id").asString());
                created += response.json().get("user").get("newUser").asBoolean() ? 1 : 0;
            }
        }
        assertThat(userIds).hasSize(1);
        assertThat(created).isEqualTo(1);
        assertThat(jwksServer.requestsTo(issuer.path())).isEqualTo(1);
    }

    @Test
    void sameSubjectInAnotherEnvironmentIsAnotherUser() {
        JsonNode first = signedIn(issuer(rsa).sdk(), sign(rsa, claims("shared").build())).get("user");
        JsonNode second = signedIn(issuer(rsa).sdk(), sign(rsa, claims("shared").build())).get("user");

        assertThat(second.get("newUser").asBoolean()).isTrue();
        assertThat(second.get("id").asString()).isNotEqualTo(first.get("id").asString());
    }

    @Test
    void tokensIssuedAfterExternalSignInRefreshNormally() {
        Issuer issuer = issuer(rsa);
        JsonNode signed = signedIn(issuer.sdk(), sign(rsa, claims("refresher").build()));

        Http.Response refreshed = issuer.sdk().post("/refresh", null, signed.get("minifiedJwt").asString());

        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(refreshed.json().get("user").get("id").asString()).isEqualTo(signed.get("user").get("id").asString());
        assertThat(issuer.sdk().get("/users", refreshed.json().get("minifiedJwt").asString()).status()).isEqualTo(200);
    }

    @Test
    void aBearerTokenOnTheRequestIsIgnored() {
        Issuer issuer = issuer(rsa);
        Http.Response response = issuer.sdk().post("/externalAuth/signin",
                Json.writeString(Map.of("jwt", sign(rsa, claims("bearer").build()))), "not-a-sigil-token");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void inCookieModeTheTokenMayComeFromTheConfiguredCookie() {
        Issuer issuer = issuer(ec);
        server.patchEnvironment(issuer.sdk().environmentId(),
                "{\"settings\": {\"security\": {\"externalAuth\": {\"cookieName\": \"app_session\"}}}}");

        Http.Response response = server.http().post(issuer.sdk().path("/externalAuth/signin"), "{}",
                "Origin", TestServer.ORIGIN, "Content-Type", "application/json",
                "Cookie", "other=1; app_session=" + sign(ec, claims("cookie-user").build()));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("user").get("verifiedCredentials").get(0).get("public_identifier").asString())
                .isEqualTo("cookie-user");
    }

    @Test
    void rsaKeysShorterThan2048BitsAreNotTrusted() throws JOSEException {
        RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
        Issuer issuer = issuer(weak);
        SignedJWT signed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak").build(), claims("x").build());
        signed.sign(new RSASSASigner(weak.toPrivateKey(), true));
        String jwt = signed.serialize();

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "kid");
    }

    @Test
    void environmentWithoutExternalAuthAnswers403() {
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        Http.Response response = signIn(sdk, sign(rsa, claims("x").build()));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("error").asString()).contains("not enabled");
    }

    @Test
    void disabledExternalAuthAnswers403() {
        Issuer issuer = issuer(rsa);
        server.patchEnvironment(issuer.sdk().environmentId(),
                "{\"settings\": {\"security\": {\"externalAuth\": {\"enabled\": false}}}}");

        assertThat(signIn(issuer.sdk(), sign(rsa, claims("x").build())).status()).isEqualTo(403);
    }

    @Test
    void wrongIssuerIsRejected() {
        Issuer issuer = issuer(rsa);
        String jwt = sign(rsa, claims("x").issuer("https://auth.example.com").build());

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "issuer");
    }

    @Test
    void wrongAudienceIsRejected() {
        Issuer issuer = issuer(rsa);
        String jwt = sign(rsa, claims("x").audience("another-app").build());
        String noAudience = sign(rsa, claims("x").audience((String) null).build());

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "audience");
        assertRejected(signIn(issuer.sdk(), noAudience), noAudience, "audience");
    }

    @Test
    void expiredTokenIsRejected() {
        Issuer issuer = issuer(rsa);
        Instant now = server.clock.instant();
        String jwt = sign(rsa, claims("x").issueTime(Date.from(now.minusSeconds(3600)))
                .expirationTime(Date.from(now.minusSeconds(120))).build());

        Http.Response response = signIn(issuer.sdk(), jwt);

        assertRejected(response, jwt);
        assertThat(response.json().get("error").asString()).contains("expired");
    }

    @Test
    void tokenExpiresOnceTheClockPassesItsExpiryAndSkew() {
        Issuer issuer = issuer(rsa);
        String jwt = sign(rsa, claims("late").expirationTime(Date.from(server.clock.instant().plusSeconds(5))).build());
        server.clock.advance(Duration.ofSeconds(5 + 61));

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "expired");
    }

    @Test
    void notYetValidTokenIsRejected() {
        Issuer issuer = issuer(rsa);
        String jwt = sign(rsa, claims("x").notBeforeTime(Date.from(server.clock.instant().plusSeconds(600))).build());

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "not valid yet");
    }

    @Test
    void tokenIssuedInTheFutureIsRejected() {
        Issuer issuer = issuer(rsa);
        String jwt = sign(rsa, claims("x").issueTime(Date.from(server.clock.instant().plusSeconds(600))).build());

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "issued in the future");
    }

    @Test
    void tokenWithoutSubjectIsRejected() {
        Issuer issuer = issuer(rsa);
        String noSub = sign(rsa, claims("x").subject(null).build());
        String emptySub = sign(rsa, claims("").build());
        String longSub = sign(rsa, claims("s".repeat(256)).build());

        assertRejected(signIn(issuer.sdk(), noSub), noSub, "sub");
        assertRejected(signIn(issuer.sdk(), emptySub), emptySub);
        assertRejected(signIn(issuer.sdk(), longSub), longSub);
    }

    /**
     * RFC 7519 §4.1.2: sub is a StringOrURI. Nimbus turns a numeric sub into its decimal string, so 12345 would sign
     * in as the user of "12345" (or of "1.2345E4"), an issuer's numeric id space colliding with its string one.
     */
    @Test
    void tokenWhoseSubjectIsNotAStringIsRejected() {
        Issuer issuer = issuer(rsa);
        for (Object sub : List.of(12345, 1.5, true, Map.of("id", "alice"), List.of("alice"))) {
            String jwt = sign(rsa, claims("x").claim("sub", sub).build());
            assertThat(SdkClient.claims(jwt).get("sub").isString()).as(jwt).isFalse();

            assertRejected(signIn(issuer.sdk(), jwt), jwt, "sub must be a string");
        }
        JsonNode asString = signedIn(issuer.sdk(), sign(rsa, claims("12345").build()));
        assertThat(asString.get("user").get("newUser").asBoolean()).as("the numeric sub made no user").isTrue();
    }

    @Test
    void tokenWithoutExpiryIsRejected() {
        Issuer issuer = issuer(rsa);
        String jwt = sign(rsa, claims("x").expirationTime(null).build());

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "no exp");
    }

    @Test
    void unsecuredTokenIsRejected() {
        Issuer issuer = issuer(rsa);
        String header = b64("{\"alg\":\"none\",\"kid\":\"rsa-1\",\"typ\":\"JWT\"}");
        String payload = Base64URL.encode(claims("x").build().toString()).toString();
        String jwt = header + "." + payload + ".";

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "not a signed JWT");
    }

    @Test
    void hmacTokenKeyedWithTheJwksPublicKeyIsRejected() throws JOSEException {
        Issuer issuer = issuer(rsa);
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims("x").build());
        forged.sign(new MACSigner(rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
        String jwt = forged.serialize();

        assertRejected(signIn(issuer.sdk(), jwt), jwt, "RS256 or ES256");
    }

    @Test
    void tokenSignedByAKeyNotInTheJwksIsRejected() throws JOSEException {
        Issuer issuer = issuer(rsa);
        RSAKey foreign = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        String sameKid = sign(foreign, claims("x").build());
        String otherKid = sign(foreign, "foreign", claims("x").build());

        assertRejected(signIn(issuer.sdk(), sameKid), sameKid, "signature is invalid");
        assertRejected(signIn(issuer.sdk(), otherKid), otherKid, "kid");
    }

    @Test
    void keyHeadersPointingElsewhereAreIgnored() throws JOSEException {
        Issuer issuer = issuer(rsa);
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker")
                .jwk(attacker.toPublicJWK()).jwkURL(java.net.URI.create(jwksServer.url("/attacker")))
                .build(), claims("x").build());
        jwt.sign(new RSASSASigner(attacker));

        assertRejected(signIn(issuer.sdk(), jwt.serialize()), jwt.serialize(), "kid");
        assertThat(jwksServer.requestsTo("/attacker")).isZero();
    }

    @Test
    void unknownKidRefetchesOnceAndPicksUpARotatedKeyButRandomKidsDoNotHammerTheJwks() throws JOSEException {
        Issuer issuer = issuer(rsa);
        signedIn(issuer.sdk(), sign(rsa, claims("rotating").build()));
        assertThat(jwksServer.requestsTo(issuer.path())).isEqualTo(1);

        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        issuer.published().set(List.of(rotated));
        server.clock.advance(RemoteJwks.MIN_FETCH_INTERVAL.plusSeconds(1));
        JsonNode afterRotation = signedIn(issuer.sdk(), sign(rotated, claims("rotating").build()));
        assertThat(afterRotation.get("user").get("newUser").asBoolean()).isFalse();
        assertThat(jwksServer.requestsTo(issuer.path())).isEqualTo(2);

        for (int i = 0; i < 5; i++) {
            String jwt = sign(rotated, "random-" + UUID.randomUUID(), claims("rotating").build());
            assertRejected(signIn(issuer.sdk(), jwt), jwt);
        }
        assertThat(jwksServer.requestsTo(issuer.path())).isEqualTo(2);

        server.clock.advance(RemoteJwks.MIN_FETCH_INTERVAL.plusSeconds(1));
        String jwt = sign(rotated, "random-late", claims("rotating").build());
        assertRejected(signIn(issuer.sdk(), jwt), jwt);
        assertThat(jwksServer.requestsTo(issuer.path())).isEqualTo(3);
    }

    @Test
    void cachedJwksServesSignInsWithoutFetchingAgain() {
        Issuer issuer = issuer(ec);
        for (int i = 0; i < 3; i++) {
            signedIn(issuer.sdk(), sign(ec, claims("cached").build()));
        }
        assertThat(jwksServer.requestsTo(issuer.path())).isEqualTo(1);
    }

    @Test
    void unreachableJwksIsRejected() {
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        enable(sdk.environmentId(), "http://127.0.0.1:1/jwks.json");
        String jwt = sign(rsa, claims("x").build());

        assertRejected(signIn(sdk, jwt), jwt, "could not be fetched");
    }

    @Test
    void jwksAnsweringAnErrorIsRejectedWithoutRetryingOnEveryRequestUntilItRecovers() {
        String path = "/recovering/jwks.json";
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        enable(sdk.environmentId(), jwksServer.url(path));
        String jwt = sign(rsa, claims("x").build());

        assertRejected(signIn(sdk, jwt), jwt, "could not be fetched");
        assertRejected(signIn(sdk, jwt), jwt, "could not be fetched");
        assertThat(jwksServer.requestsTo(path)).isEqualTo(1);

        jwksServer.publish(path, () -> new JWKSet(rsa).toPublicJWKSet().toString());
        server.clock.advance(RemoteJwks.MIN_FETCH_INTERVAL.plusSeconds(1));
        signedIn(sdk, sign(rsa, claims("x").build()));
        assertThat(jwksServer.requestsTo(path)).isEqualTo(2);
    }

    @Test
    void jwksIsFetchedAgainOnceItsCacheTimeHasPassed() {
        Issuer issuer = issuer(rsa);
        signedIn(issuer.sdk(), sign(rsa, claims("ttl").build()));
        issuer.published().set(List.of());
        server.clock.advance(RemoteJwks.TTL.plusSeconds(1));

        String jwt = sign(rsa, claims("ttl").build());
        assertRejected(signIn(issuer.sdk(), jwt), jwt, "kid");
        assertThat(jwksServer.requestsTo(issuer.path())).isEqualTo(2);
    }

    @Test
    void oversizedJwksIsRejected() {
        String path = "/oversized/jwks.json";
        String url = jwksServer.publish(path, () -> "{\"keys\":[" + rsa.toPublicJWK().toJSONString() + "],\"padding\":\""
                + "x".repeat(RemoteJwks.MAX_BYTES) + "\"}");
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        enable(sdk.environmentId(), url);
        String jwt = sign(rsa, claims("x").build());

        assertRejected(signIn(sdk, jwt), jwt, "could not be fetched");
    }

    @Test
    void malformedRequestsAre400() {
        Issuer issuer = issuer(rsa);
        assertThat(issuer.sdk().post("/externalAuth/signin", "{}").status()).isEqualTo(400);
        assertThat(issuer.sdk().post("/externalAuth/signin", "{\"jwt\": 5}").status()).isEqualTo(400);
        assertThat(issuer.sdk().post("/externalAuth/signin", "not json").status()).isEqualTo(400);
        assertThat(issuer.sdk().post("/externalAuth/signin",
                Json.writeString(Map.of("jwt", sign(rsa, claims("x").build()), "sessionPublicKey", "not hex"))).status())
                .isEqualTo(400);
        String garbage = "garbage.token.here";
        assertRejected(signIn(issuer.sdk(), garbage), garbage);
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
