package dev.sigil.attack;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.sigil.http.HttpServer;
import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import dev.sigil.token.TokenVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT attacks beyond {@code token/TokenRejectionTest} (which covers alg none, HS256 with the public key, bit flips in
 * the signature, garbage, wrong claims): each forged token here is made with a real key and must be refused with the
 * exact 401 reason, on the minified and the full token alike, while the genuine session keeps working.
 */
class JwtAttackTest {
    static TestServer server;
    static SdkClient sdk;
    static String admin = TestServer.ADMIN_TOKEN;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        sdk = new SdkClient(server, server.createEnvironment());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode signIn() {
        TestWallet wallet = TestWallet.random();
        JsonNode signedIn = sdk.signIn(wallet);
        WALLETS.put(signedIn.get("user").get("id").asString(), wallet);
        return signedIn;
    }

    private static ObjectNode payloadOf(String token) {
        return (ObjectNode) Json.read(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static String kidOf(String token) {
        return Json.read(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8)).get("kid").asString();
    }

    private static String sign(JWSHeader header, ObjectNode claims, JWSSigner signer) throws Exception {
        JWSObject jws = new JWSObject(header, new Payload(Json.writeString(claims)));
        jws.sign(signer);
        return jws.serialize();
    }

    /** EdDSA with the JDK's Ed25519 (Nimbus's own Ed25519 signer needs Tink, which Sigil does not ship). */
    private static String signEd25519(JWSHeader header, ObjectNode claims, java.security.KeyPair key) throws Exception {
        String input = header.toBase64URL() + "." + Base64URL.encode(Json.writeString(claims));
        java.security.Signature ed = java.security.Signature.getInstance("Ed25519");
        ed.initSign(key.getPrivate());
        ed.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64URL.encode(ed.sign());
    }

    /** 401 with exactly {@code error} from refresh, session and users; the genuine token still refreshes after. */
    private static void assertRefused(String forged, String error, String genuine) {
        for (Http.Response response : List.of(sdk.post("/refresh", null, forged), sdk.get("/session", forged),
                sdk.get("/users", forged))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.json().get("error").asString()).as(response.toString()).isEqualTo(error);
            assertThat(response.header("Content-Type").orElseThrow()).startsWith("application/json");
        }
        assertThat(sdk.get("/session", genuine).status()).as("the genuine session is untouched").isEqualTo(204);
    }

    @Test
    void ecdsaAndEdDsaSwapsAreRefusedBeforeAnyKeyIsConsulted() throws Exception {
        JsonNode signedIn = signIn();
        String genuine = signedIn.get("minifiedJwt").asString();
        String kid = kidOf(genuine);
        ECKey p256 = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID(kid).generate();
        ECKey secp256k1 = new ECKeyGenerator(Curve.SECP256K1).keyID(kid).generate();
        java.security.KeyPair ed25519 = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        for (String token : List.of(genuine, signedIn.get("jwt").asString())) {
            ObjectNode claims = payloadOf(token);
            List<String> forgeries = List.of(
                    sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).jwk(p256.toPublicJWK()).build(), claims,
                            new ECDSASigner(p256)),
                    sign(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(kid).build(), claims, new ECDSASigner(p384)),
                    sign(new JWSHeader.Builder(JWSAlgorithm.ES256K).keyID(kid).build(), claims, new ECDSASigner(secp256k1)),
                    signEd25519(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(kid).build(), claims, ed25519));
            for (String forged : forgeries) {
                assertRefused(forged, "token algorithm not accepted", genuine);
            }
        }
    }

    @Test
    void rs256HeaderOverAnHmacOrEcdsaSignatureIsAnInvalidSignature() throws Exception {
        // The header claims RS256 and names the real kid; the signature bytes come from another algorithm.
        String genuine = signIn().get("minifiedJwt").asString();
        String kid = kidOf(genuine);
        byte[] publicKey = RSAKey.parse(JWKSet.parse(sdk.get("/.well-known/jwks").body()).getKeys().getFirst()
                .toJSONObject()).toRSAPublicKey().getEncoded();
        ObjectNode claims = payloadOf(genuine);
        JWSHeader rs256 = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build();
        String hmac = sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims,
                new MACSigner(Arrays.copyOf(publicKey, Math.max(publicKey.length, 64))));
        String ecdsa = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(), claims,
                new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()));
        String signingInput = rs256.toBase64URL() + "." + Base64URL.encode(Json.writeString(claims));
        for (String other : List.of(hmac, ecdsa)) {
            assertRefused(signingInput + "." + other.substring(other.lastIndexOf('.') + 1), "invalid token signature", genuine);
        }
    }

    @Test
    void anAttackersKeyEmbeddedAsJwkOrLinkedByJkuOrX5uIsNeverUsed() throws Exception {
        String genuine = signIn().get("minifiedJwt").asString();
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();
        ObjectNode claims = payloadOf(genuine);
        JWSHeader embedded = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker").jwk(attacker.toPublicJWK()).build();
        assertRefused(sign(embedded, claims, new RSASSASigner(attacker)), "token was not signed by a key of this environment", genuine);
        JWSHeader linked = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker")
                .jwkURL(URI.create("https://attacker.example/jwks.json")).build();
        assertRefused(sign(linked, claims, new RSASSASigner(attacker)), "token was not signed by a key of this environment", genuine);
        // The attacker names the environment's real kid and ships the key to check it with: the real key decides.
        JWSHeader withRealKid = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kidOf(genuine))
                .jwk(attacker.toPublicJWK()).x509CertURL(URI.create("https://attacker.example/cert.pem")).build();
        assertRefused(sign(withRealKid, claims, new RSASSASigner(attacker)), "invalid token signature", genuine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "/dev/null", "file:///etc/passwd", "https://attacker.example/jwks.json",
            "x'; DROP TABLE signing_keys; --", "' UNION SELECT kid FROM signing_keys --", "%2e%2e%2fx", "k\u0000id",
            "\u202ekid", "*"})
    void injectedOrPathLikeKidsMatchNoKey(String kid) throws Exception {
        String genuine = signIn().get("minifiedJwt").asString();
        RSAKey attacker = new RSAKeyGenerator(2048).generate();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build();
        ObjectNode claims = payloadOf(genuine);
        claims.put("kid", kid);
        assertRefused(sign(header, claims, new RSASSASigner(attacker)), "token was not signed by a key of this environment", genuine);
        assertThat(sdk.get("/.well-known/jwks").json().get("keys")).hasSize(1);
    }

    @Test
    void aKeyOfAnotherEnvironmentSignsNothingHere() throws Exception {
        // Even a token signed by Sigil itself, with another environment's key and kid, is foreign here.
        String genuine = signIn().get("minifiedJwt").asString();
        String other = server.createEnvironment();
        var otherKey = server.app().services().keys.current(other);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(otherKey.kid()).type(JOSEObjectType.JWT).build();
        ObjectNode claims = payloadOf(genuine);
        claims.put("kid", otherKey.kid());
        assertRefused(sign(header, claims, otherKey.signer()), "token was not signed by a key of this environment", genuine);
    }

    @Test
    void revokedSessionIsRefusedWithBothTokens() {
        JsonNode victim = signIn();
        String bystander = signIn().get("minifiedJwt").asString();
        assertThat(sdk.post("/revoke", null, victim.get("minifiedJwt").asString()).status()).isEqualTo(204);
        assertRefused(victim.get("minifiedJwt").asString(), "session revoked", bystander);
        assertRefused(victim.get("jwt").asString(), "session revoked", bystander);
        Http.Response revokeAgain = sdk.post("/revoke", null, victim.get("jwt").asString());
        assertThat(revokeAgain.status()).isEqualTo(401);
        assertThat(revokeAgain.json().get("error").asString()).isEqualTo("session revoked");
    }

    @Test
    void deletedUsersTokensAreRefused() {
        JsonNode victim = signIn();
        String bystander = signIn().get("minifiedJwt").asString();
        JsonNode secondSession = sdk.signIn(walletOf(victim));
        assertThat(sdk.delete("/users", victim.get("minifiedJwt").asString()).status()).isEqualTo(204);
        // The session is gone with its user: "session not found", the same as a session that never existed.
        for (String token : List.of(victim.get("minifiedJwt").asString(), victim.get("jwt").asString(),
                secondSession.get("minifiedJwt").asString())) {
            assertRefused(token, "session not found", bystander);
        }
    }

    @Test
    void blockedUsersTokensAreRefusedUntilUnblocked() {
        JsonNode victim = signIn();
        String bystander = signIn().get("minifiedJwt").asString();
        String userPath = "/api/v0/admin/environments/" + sdk.environmentId() + "/users/" + victim.get("user").get("id").asString();
        assertThat(server.http().post(userPath + "/block", null, "Authorization", "Bearer " + admin).status()).isEqualTo(200);
        assertRefused(victim.get("minifiedJwt").asString(), "user is blocked", bystander);
        assertRefused(victim.get("jwt").asString(), "user is blocked", bystander);
        Http.Response signInAgain = sdk.signInResponse(walletOf(victim), "/wallets/signin");
        assertThat(signInAgain.status()).isEqualTo(403);
        assertThat(signInAgain.json().get("error").asString()).isEqualTo("user is blocked");

        assertThat(server.http().post(userPath + "/unblock", null, "Authorization", "Bearer " + admin).status()).isEqualTo(200);
        assertThat(sdk.post("/refresh", null, victim.get("minifiedJwt").asString()).status()).isEqualTo(200);
    }

    private static final java.util.Map<String, TestWallet> WALLETS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The wallet a sign-in response belongs to (signIn() keeps them by user id). */
    private static TestWallet walletOf(JsonNode signedIn) {
        return WALLETS.get(signedIn.get("user").get("id").asString());
    }

    @Test
    void bitFlipsAnywhereInTheFullJwtAreRefused() {
        JsonNode signedIn = signIn();
        String genuine = signedIn.get("minifiedJwt").asString();
        String jwt = signedIn.get("jwt").asString();
        String[] parts = jwt.split("\\.");
        byte[] header = Base64.getUrlDecoder().decode(parts[0]);
        byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        for (int i : new int[]{0, signature.length / 2, signature.length - 1}) {
            byte[] flipped = signature.clone();
            flipped[i] ^= 0x01;
            assertRefused(parts[0] + "." + parts[1] + "." + b64.encodeToString(flipped), "invalid token signature", genuine);
        }
        // A flipped payload bit that keeps the JSON valid (a letter's case in the middle of a string value).
        int letter = new String(payload, StandardCharsets.UTF_8).indexOf("\"iss\":\"") + 8;
        byte[] changedPayload = payload.clone();
        changedPayload[letter] ^= 0x20;
        assertRefused(parts[0] + "." + b64.encodeToString(changedPayload) + "." + parts[2], "invalid token signature", genuine);
        // A flipped header bit that keeps it valid JSON naming the same key: "typ":"JWT" -> "typ":"jWT".
        String headerText = new String(header, StandardCharsets.UTF_8);
        assertThat(headerText).contains("\"typ\":\"JWT\"");
        String changedHeader = b64.encodeToString(headerText.replace("\"typ\":\"JWT\"", "\"typ\":\"jWT\"").getBytes(StandardCharsets.UTF_8));
        assertRefused(changedHeader + "." + parts[1] + "." + parts[2], "invalid token signature", genuine);
    }

    @Test
    void truncatedAndPaddedTokensAreMalformedOrBadlySigned() {
        String genuine = signIn().get("minifiedJwt").asString();
        String[] parts = genuine.split("\\.");
        assertRefused(parts[0] + "." + parts[1], "malformed token", genuine);
        assertRefused(parts[0], "malformed token", genuine);
        assertRefused(genuine + ".", "malformed token", genuine);
        assertRefused(genuine + "." + parts[2], "malformed token", genuine);
        // Two characters fewer leave whole bytes (340 characters = 255 bytes): a well-formed, wrong signature.
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2), "invalid token signature", genuine);
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2] + "AAAA", "invalid token signature", genuine);
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2] + "==", "malformed token", genuine);
        assertRefused(parts[0] + "=." + parts[1] + "." + parts[2], "malformed token", genuine);
        assertRefused(" " + genuine + " x", "malformed token", genuine);
        // Characters outside base64url are not skipped: the same signature spelt differently is another token.
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + "\u00e9" + parts[2].substring(10),
                "malformed token", genuine);
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + "+/" + parts[2].substring(10),
                "malformed token", genuine);
        // The signature's last character carries 4 unused bits (256 bytes = 342 characters): changing only those
        // spells the same signature bytes differently, which decoders accept unless the spelling is checked.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(parts[2].charAt(parts[2].length() - 1));
        char respelt = alphabet.charAt((last & 0b110000) | ((last + 1) & 0b001111));
        assertThat(new com.nimbusds.jose.util.Base64URL(parts[2].substring(0, parts[2].length() - 1) + respelt).decode())
                .isEqualTo(new com.nimbusds.jose.util.Base64URL(parts[2]).decode());
        assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1) + respelt,
                "malformed token", genuine);
    }

    @Test
    void hugeTokensAre401UnderTheHeaderLimitAnd431OverIt() {
        String genuine = signIn().get("minifiedJwt").asString();
        String overToken = genuine + "A".repeat(TokenVerifier.MAX_TOKEN_LENGTH - genuine.length() + 1);
        assertRefused(overToken, "token is too long", genuine);
        String justUnderHeaderLimit = genuine + "A".repeat(HttpServer.MAX_HEADER_BYTES - genuine.length() - 1024);
        assertRefused(justUnderHeaderLimit, "token is too long", genuine);

        Http.Response tooBig = sdk.post("/refresh", null, genuine + "A".repeat(HttpServer.MAX_HEADER_BYTES));
        assertThat(tooBig.status()).isEqualTo(431);
        assertThat(tooBig.json().get("error").isString()).isTrue();
        assertThat(sdk.get("/session", genuine).status()).isEqualTo(204);
    }
}
