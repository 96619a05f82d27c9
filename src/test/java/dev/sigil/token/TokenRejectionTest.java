package dev.sigil.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a bearer token can be wrong, sent over HTTP to every bearer endpoint: each must be a 401 with a JSON
 * {@code {"error": string}} (the only 401 Dynamic's client recognises) and must leave the session untouched.
 * RFC 8725 §2.1 and §3.1: the server fixes the algorithm (RS256) and the key (a kid of this environment).
 */
class TokenRejectionTest {
    static TestServer server;
    static SdkClient sdk;
    static JsonNode signedIn;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        sdk = new SdkClient(server, server.createEnvironment());
        signedIn = sdk.signIn(TestWallet.random());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String minified() {
        return signedIn.get("minifiedJwt").asString();
    }

    /** The token is refused by refresh, session, users and revoke alike, and the genuine token still works after. */
    private static void assertRefusedEverywhere(String token) {
        for (Http.Response response : List.of(sdk.post("/refresh", null, token), sdk.get("/session", token),
                sdk.get("/users", token), sdk.post("/revoke", null, token))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.json().get("error").isString()).isTrue();
            assertThat(response.header("Content-Type").orElseThrow()).startsWith("application/json");
        }
        assertThat(sdk.get("/session", minified()).status()).as("the genuine session is untouched").isEqualTo(204);
    }

    private static ObjectNode payloadOf(String token) {
        String[] parts = token.split("\\.");
        return (ObjectNode) Json.read(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    private static String currentKid() {
        String token = minified();
        return Json.read(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8)).get("kid").asString();
    }

    /** A token with {@code claims} signed with the environment's real current key: only the claims are wrong. */
    private static String signedByTheServer(ObjectNode claims) throws Exception {
        JWSSigner signer = server.app().services().keys.current(sdk.environmentId()).signer();
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(currentKid()).type(JOSEObjectType.JWT).build(),
                claims, signer);
    }

    private static String withClaims(Consumer<ObjectNode> change) throws Exception {
        ObjectNode claims = payloadOf(minified());
        change.accept(claims);
        return signedByTheServer(claims);
    }

    private static String sign(JWSHeader header, ObjectNode claims, JWSSigner signer) throws Exception {
        JWSObject jws = new JWSObject(header, new Payload(Json.writeString(claims)));
        jws.sign(signer);
        return jws.serialize();
    }

    @Test
    void missingBearerIs401WithTheClientsError() {
        for (Http.Response response : List.of(
                server.http().post(sdk.path("/refresh"), null, "Origin", TestServer.ORIGIN),
                server.http().get(sdk.path("/session"), "Authorization", "Basic dXNlcjpwYXNz"),
                server.http().get(sdk.path("/users"), "Authorization", "Bearer "),
                server.http().post(sdk.path("/revoke"), null, "Authorization", "Bearer"))) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.json().get("error").asString()).isEqualTo("No jwt provided!");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "a.b.c", "a.b", "....", "eyJhbGciOiJSUzI1NiJ9", "eyJhbGciOiJSUzI1NiJ9.e30.",
            "%00", "eyJ\u00e9.e30.sig"})
    void garbageTokensAreRefused(String token) {
        assertRefusedEverywhere(token);
    }

    @Test
    void truncatedAndPaddedTokensAreRefused() {
        String token = minified();
        assertRefusedEverywhere(token.substring(0, token.length() - 1));
        assertRefusedEverywhere(token.substring(0, token.lastIndexOf('.')));
        assertRefusedEverywhere(token + "A");
        assertRefusedEverywhere(token + ".");
        assertRefusedEverywhere(token + "." + token.substring(token.lastIndexOf('.') + 1));
    }

    @Test
    void hugeTokensAreRefusedBeforeAnyParsing() {
        String huge = minified() + "A".repeat(TokenVerifier.MAX_TOKEN_LENGTH);
        Http.Response response = sdk.post("/refresh", null, huge);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("error").asString()).isEqualTo("token is too long");
    }

    @Test
    void everySignatureBitFlipIsRefused() {
        String token = minified();
        int dot = token.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        for (int bit : new int[]{0, 7, 8 * 100 + 3, signature.length * 8 - 1}) {
            byte[] flipped = signature.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String forged = token.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
            Http.Response response = sdk.post("/refresh", null, forged);
            assertThat(response.status()).as("bit %d", bit).isEqualTo(401);
            assertThat(response.json().get("error").asString()).isEqualTo("invalid token signature");
        }
    }

    @Test
    void tamperedPayloadIsRefused() {
        String token = minified();
        String[] parts = token.split("\\.");
        ObjectNode claims = payloadOf(token);
        claims.put("sub", "00000000-0000-4000-8000-000000000000");
        String forged = parts[0] + "." + Base64URL.encode(Json.writeString(claims)) + "." + parts[2];
        assertRefusedEverywhere(forged);
        assertThat(sdk.post("/refresh", null, forged).json().get("error").asString()).isEqualTo("invalid token signature");
    }

    @Test
    void algNoneIsRefused() {
        String token = minified();
        String[] parts = token.split("\\.");
        for (String alg : new String[]{"none", "None", "NONE"}) {
            String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"kid\":\"" + currentKid() + "\",\"typ\":\"JWT\"}").toString();
            assertRefusedEverywhere(header + "." + parts[1] + ".");
            assertRefusedEverywhere(header + "." + parts[1] + "." + parts[2]);
        }
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        // The classic key-confusion attack: HMAC keyed with the RSA public key a verifier might hand to any algorithm.
        RSAKey published = RSAKey.parse(JWKSet.parse(sdk.get("/.well-known/jwks").body()).getKeys().getFirst().toJSONObject());
        byte[] der = published.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        for (byte[] secret : List.of(der, pem.getBytes(StandardCharsets.US_ASCII),
                published.toJSONString().getBytes(StandardCharsets.UTF_8))) {
            for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS512)) {
                JWSHeader header = new JWSHeader.Builder(alg).keyID(currentKid()).type(JOSEObjectType.JWT).build();
                String forged = sign(header, payloadOf(minified()), new MACSigner(pad(secret)));
                assertRefusedEverywhere(forged);
                assertThat(sdk.post("/refresh", null, forged).json().get("error").asString())
                        .isEqualTo("token algorithm not accepted");
            }
        }
    }

    private static byte[] pad(byte[] secret) {
        // Nimbus refuses HMAC keys shorter than the hash; an attacker's library would not.
        return secret.length >= 64 ? secret : java.util.Arrays.copyOf(secret, 64);
    }

    @Test
    void otherRsaAlgorithmsWithTheRightKeyAreRefused() throws Exception {
        // PS256 and RS512 verify with the same RSA key; only RS256 is the configured algorithm.
        JWSSigner signer = server.app().services().keys.current(sdk.environmentId()).signer();
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS512, JWSAlgorithm.PS256)) {
            String forged = sign(new JWSHeader.Builder(alg).keyID(currentKid()).build(), payloadOf(minified()), signer);
            assertRefusedEverywhere(forged);
        }
    }

    @Test
    void foreignKeyWithAKnownKidIsRefused() throws Exception {
        RSAKey foreign = new RSAKeyGenerator(2048).keyID(currentKid()).generate();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(currentKid()).type(JOSEObjectType.JWT).build();
        String forged = sign(header, payloadOf(minified()), new RSASSASigner(foreign));
        assertRefusedEverywhere(forged);
        assertThat(sdk.post("/refresh", null, forged).json().get("error").asString()).isEqualTo("invalid token signature");
    }

    @Test
    void keyHeadersPointingElsewhereAreIgnored() throws Exception {
        // jwk, jku and x5u name a key the attacker controls; the verifier must never consult them (RFC 8725 §3.10).
        RSAKey foreign = new RSAKeyGenerator(2048).keyID("attacker").generate();
        for (String kid : new String[]{"attacker", currentKid()}) {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT)
                    .jwk(foreign.toPublicJWK())
                    .jwkURL(URI.create("https://attacker.example/jwks.json"))
                    .x509CertURL(URI.create("https://attacker.example/cert.pem"))
                    .build();
            assertRefusedEverywhere(sign(header, payloadOf(minified()), new RSASSASigner(foreign)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "unknown", "../../../../etc/passwd", "' OR '1'='1", "00000000-0000-4000-8000-000000000000"})
    void unknownOrInjectedKidsAreRefused(String kid) throws Exception {
        RSAKey foreign = new RSAKeyGenerator(2048).generate();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build();
        assertRefusedEverywhere(sign(header, payloadOf(minified()), new RSASSASigner(foreign)));
    }

    @Test
    void tokenWithoutKidIsRefused() throws Exception {
        JWSSigner signer = server.app().services().keys.current(sdk.environmentId()).signer();
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), payloadOf(minified()), signer);
        assertRefusedEverywhere(token);
        assertThat(sdk.post("/refresh", null, token).json().get("error").asString()).isEqualTo("token has no key id");
    }

    @Test
    void criticalHeaderParametersAreRefused() throws Exception {
        JWSSigner signer = server.app().services().keys.current(sdk.environmentId()).signer();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(currentKid())
                .criticalParams(java.util.Set.of("urn:example:must-understand"))
                .customParam("urn:example:must-understand", true).build();
        assertRefusedEverywhere(sign(header, payloadOf(minified()), signer));
    }

    @Test
    void tokenOfAnotherEnvironmentIsRefused() {
        SdkClient other = new SdkClient(server, server.createEnvironment());
        JsonNode elsewhere = other.signIn(TestWallet.random());
        assertRefusedEverywhere(elsewhere.get("minifiedJwt").asString());
        assertRefusedEverywhere(elsewhere.get("jwt").asString());
        assertThat(other.post("/refresh", null, elsewhere.get("minifiedJwt").asString()).status()).isEqualTo(200);
    }

    @Test
    void validlySignedTokensWithWrongClaimsAreRefused() throws Exception {
        String otherEnvironment = "00000000-0000-4000-8000-000000000000";
        long now = server.clock.instant().getEpochSecond();
        String issuer = payloadOf(minified()).get("iss").asString();
        record Case(String name, String token, String error) {
        }
        List<Case> cases = List.of(
                new Case("environment_id of another environment", withClaims(c -> c.put("environment_id", otherEnvironment)),
                        "token belongs to another environment"),
                new Case("no environment_id", withClaims(c -> c.remove("environment_id")), "token belongs to another environment"),
                new Case("iss with a scheme", withClaims(c -> c.put("iss", "http://" + issuer)), "token has the wrong issuer"),
                new Case("iss of another host", withClaims(c -> c.put("iss", "evil.example/" + sdk.environmentId())),
                        "token has the wrong issuer"),
                new Case("no iss", withClaims(c -> c.remove("iss")), "token has the wrong issuer"),
                new Case("kid claim differs from the header", withClaims(c -> c.put("kid", "other")),
                        "token kid claim does not match its header"),
                new Case("no exp", withClaims(c -> c.remove("exp")), "token has no expiry"),
                new Case("exp as a string", withClaims(c -> c.put("exp", String.valueOf(now + 3600))), "token has no expiry"),
                new Case("exp in the past", withClaims(c -> c.put("exp", now - 1)), "token expired"),
                new Case("exp now", withClaims(c -> c.put("exp", now)), "token expired"),
                new Case("nbf in the future", withClaims(c -> c.put("nbf", now + 120)), "token is not valid yet"),
                new Case("no sub", withClaims(c -> c.remove("sub")), "token has no subject"),
                new Case("no sid", withClaims(c -> c.remove("sid")), "token has no session"),
                new Case("sid of no session", withClaims(c -> c.put("sid", otherEnvironment)), "session not found"),
                new Case("sub of another user", withClaims(c -> c.put("sub", otherEnvironment)), "session not found"));
        for (Case c : cases) {
            Http.Response response = sdk.post("/refresh", null, c.token());
            assertThat(response.status()).as(c.name()).isEqualTo(401);
            assertThat(response.json().get("error").asString()).as(c.name()).isEqualTo(c.error());
        }
        assertThat(sdk.post("/refresh", null, withClaims(c -> { })).status())
                .as("the same claims re-signed unchanged are accepted: the cases above fail for their claim").isEqualTo(200);
    }

    @Test
    void expiredTokensAreRefusedButTheSessionsFreshTokensWork() {
        try (TestServer own = TestServer.start()) {
            SdkClient client = new SdkClient(own, own.createEnvironment());
            JsonNode first = client.signIn(TestWallet.random());
            own.clock.advance(Duration.ofMinutes(110));
            JsonNode refreshed = client.post("/refresh", null, first.get("minifiedJwt").asString()).json();
            own.clock.advance(Duration.ofMinutes(11));

            for (String expired : new String[]{first.get("minifiedJwt").asString(), first.get("jwt").asString()}) {
                Http.Response response = client.post("/refresh", null, expired);
                assertThat(response.status()).isEqualTo(401);
                assertThat(response.json().get("error").asString()).isEqualTo("token expired");
            }
            assertThat(client.post("/refresh", null, refreshed.get("minifiedJwt").asString()).status()).isEqualTo(200);
        }
    }
}
