package dev.sigil.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.sigil.http.Json;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import dev.sigil.user.VerifiedCredential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim sets of both tokens against spec/dynamic-sdk-api.md §Tokens, checked the way a customer backend
 * checks them: a standard JOSE processor fed only the published JWKS, RS256 only, issuer and audience required.
 */
class TokenClaimsTest {
    /** Claims both tokens carry, with the exact wire names of Dynamic's MinifiedDynamicJwt. */
    static final Set<String> MINIFIED_CLAIMS = Set.of("kid", "aud", "iss", "sub", "sid", "iat", "exp", "environment_id",
            "last_verified_credential_id", "signin_credential_id", "scope", "verifiedCredentialsHashes", "refreshExp");
    /** What the full token adds for a fresh wallet user with no profile fields set. */
    static final Set<String> FULL_ONLY_CLAIMS = Set.of("verified_credentials", "missing_fields", "first_visit",
            "last_visit", "new_user", "metadata", "lists");

    static TestServer server;
    static SdkClient sdk;
    static TestWallet wallet;
    static JsonNode signedIn;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        sdk = new SdkClient(server, server.createEnvironment());
        wallet = TestWallet.random();
        signedIn = sdk.signIn(wallet);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode part(String token, int index) {
        return Json.read(new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8));
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.propertyNames().forEach(names::add);
        return names;
    }

    private static String issuer() {
        return "127.0.0.1:" + server.app().port() + "/" + sdk.environmentId();
    }

    @Test
    void bothTokensVerifyWithAStandardProcessorThroughThePublishedJwks() throws Exception {
        JWKSet jwks = JWKSet.parse(sdk.get("/.well-known/jwks.json").body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(jwks)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(TestServer.ORIGIN,
                new JWTClaimsSet.Builder().issuer(issuer()).build(), Set.of("sub", "sid", "exp", "iat")));

        for (String name : List.of("jwt", "minifiedJwt")) {
            JWTClaimsSet claims = processor.process(signedIn.get(name).asString(), null);
            assertThat(claims.getSubject()).isEqualTo(signedIn.get("user").get("id").asString());
            assertThat(claims.getStringClaim("sid")).isEqualTo(signedIn.get("user").get("sessionId").asString());
        }
    }

    @Test
    void headerIsRs256WithTheKidAlsoInThePayload() {
        for (String name : List.of("jwt", "minifiedJwt")) {
            String token = signedIn.get(name).asString();
            JsonNode header = part(token, 0);
            assertThat(header.get("alg").asString()).isEqualTo("RS256");
            assertThat(header.get("typ").asString()).isEqualTo("JWT");
            assertThat(header.get("kid").asString()).isEqualTo(part(token, 1).get("kid").asString()).hasSize(36);
            assertThat(names(header)).containsExactlyInAnyOrder("alg", "typ", "kid");
        }
    }

    @Test
    void minifiedTokenCarriesExactlyTheSessionClaims() {
        JsonNode claims = part(signedIn.get("minifiedJwt").asString(), 1);
        assertThat(names(claims)).isEqualTo(MINIFIED_CLAIMS);
    }

    @Test
    void fullTokenAddsTheUserClaims() {
        JsonNode claims = part(signedIn.get("jwt").asString(), 1);
        Set<String> expected = new HashSet<>(MINIFIED_CLAIMS);
        expected.addAll(FULL_ONLY_CLAIMS);
        assertThat(names(claims)).isEqualTo(expected);

        JsonNode credential = claims.get("verified_credentials").get(0);
        assertThat(credential.get("address").asString()).isEqualTo(wallet.address());
        assertThat(credential.get("chain").asString()).isEqualTo("eip155");
        assertThat(credential.get("format").asString()).isEqualTo("blockchain");
        assertThat(credential.get("wallet_name").asString()).isEqualTo("metamaskevm");
        assertThat(claims.get("missing_fields").isArray()).isTrue();
        assertThat(claims.get("new_user").asBoolean()).isTrue();
        assertThat(claims.get("metadata").isObject()).isTrue();
        assertThat(claims.get("first_visit").asString()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    }

    @Test
    void claimValuesFollowTheSpec() {
        JsonNode user = signedIn.get("user");
        String credentialId = user.get("verifiedCredentials").get(0).get("id").asString();
        long now = server.clock.instant().getEpochSecond();
        for (String name : List.of("jwt", "minifiedJwt")) {
            JsonNode claims = part(signedIn.get(name).asString(), 1);
            assertThat(claims.get("iss").asString()).as("host:port/envId, no scheme").isEqualTo(issuer());
            assertThat(claims.get("aud").asString()).isEqualTo(TestServer.ORIGIN);
            assertThat(claims.get("sub").asString()).isEqualTo(user.get("id").asString());
            assertThat(claims.get("sid").asString()).isEqualTo(user.get("sessionId").asString());
            assertThat(claims.get("environment_id").asString()).isEqualTo(sdk.environmentId());
            assertThat(claims.get("last_verified_credential_id").asString()).isEqualTo(credentialId);
            assertThat(claims.get("signin_credential_id").asString()).isEqualTo(credentialId);
            assertThat(claims.get("scope").asString()).isEqualTo("user:basic").isEqualTo(user.get("scope").asString());
            assertThat(claims.get("iat").asLong()).isEqualTo(now);
            assertThat(claims.get("exp").asLong()).as("2 h default").isEqualTo(now + 7200)
                    .isEqualTo(signedIn.get("expiresAt").asLong());
            assertThat(claims.get("refreshExp").asLong()).as("30 d default").isEqualTo(now + 30L * 86400);
            JsonNode hashes = claims.get("verifiedCredentialsHashes");
            assertThat(names(hashes)).containsExactly("blockchain");
            assertThat(hashes.get("blockchain").asString()).matches("[0-9a-f]{64}");
        }
    }

    @Test
    void credentialHashChangesWithTheSetOfCredentialsAndOnlyThen() {
        var a = credential("a", "blockchain");
        var b = credential("b", "blockchain");
        var e = credential("e", "email");
        assertThat(TokenIssuer.credentialHashes(List.of(a, b))).isEqualTo(TokenIssuer.credentialHashes(List.of(b, a)));
        assertThat(TokenIssuer.credentialHashes(List.of(a)).get("blockchain"))
                .isNotEqualTo(TokenIssuer.credentialHashes(List.of(a, b)).get("blockchain"));
        assertThat(TokenIssuer.credentialHashes(List.of(a, e)).keySet()).containsExactly("blockchain", "email");
        assertThat(TokenIssuer.credentialHashes(List.of())).isEmpty();
    }

    private static VerifiedCredential credential(String id, String format) {
        Instant t = Instant.EPOCH;
        return new VerifiedCredential(id, "u", "env", format, Optional.empty(), id, Optional.empty(), Optional.empty(),
                true, t, t);
    }

    @Test
    void audienceIsTheFirstAllowedOriginWhenTheRequestHasNoOrigin() {
        String token = signedIn.get("minifiedJwt").asString();
        JsonNode refreshed = server.http().post(sdk.path("/refresh"), null, "Authorization", "Bearer " + token).json();
        assertThat(part(refreshed.get("minifiedJwt").asString(), 1).get("aud").asString()).isEqualTo(TestServer.ORIGIN);
    }

    @Test
    void expiryNeverPassesTheEndOfTheSession() {
        try (TestServer own = TestServer.start()) {
            String env = own.createEnvironment();
            own.patchEnvironment(env, "{\"settings\": {\"security\": {\"sessionDuration\": {\"amount\": 90, \"unit\": \"minutes\"}}}}");
            SdkClient client = new SdkClient(own, env);
            JsonNode first = client.signIn(TestWallet.random());
            long start = own.clock.instant().getEpochSecond();
            JsonNode claims = part(first.get("minifiedJwt").asString(), 1);
            assertThat(claims.get("refreshExp").asLong()).isEqualTo(start + 5400);
            assertThat(claims.get("exp").asLong()).as("capped at refreshExp").isEqualTo(start + 5400);
            assertThat(first.get("expiresAt").asLong()).isEqualTo(start + 5400);

            own.clock.advance(Duration.ofMinutes(60));
            JsonNode refreshed = client.post("/refresh", null, first.get("minifiedJwt").asString()).json();
            assertThat(refreshed.get("expiresAt").asLong()).as("refresh does not extend the session").isEqualTo(start + 5400);
            assertThat(part(refreshed.get("minifiedJwt").asString(), 1).get("refreshExp").asLong()).isEqualTo(start + 5400);

            own.clock.advance(Duration.ofMinutes(30));
            assertThat(client.post("/refresh", null, refreshed.get("minifiedJwt").asString()).status()).isEqualTo(401);
            assertThat(client.get("/session", refreshed.get("minifiedJwt").asString()).status()).isEqualTo(401);
        }
    }
}
