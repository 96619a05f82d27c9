package dev.sigil.wallet;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.SolanaTestWallet;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.sigil.wallet.WalletLinkTest.addresses;
import static dev.sigil.wallet.WalletLinkTest.assertUnauthorized;
import static dev.sigil.wallet.WalletLinkTest.credentialOf;
import static dev.sigil.wallet.WalletSignInTest.assertUnprocessable;
import static org.assertj.core.api.Assertions.assertThat;

class WalletUnlinkTest {
    static TestServer server;
    static SdkClient sdk;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        sdk = new SdkClient(server, server.createEnvironment());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A user signed in with one EVM wallet who linked a second (EVM) and a third (Solana). */
    record ThreeWallets(String bearer, JsonNode claims, TestWallet signIn, TestWallet evm, SolanaTestWallet solana,
                        JsonNode user) {
        String idOf(String address) {
            return credentialOf(user, address).get("id").asString();
        }
    }

    static ThreeWallets threeWallets() {
        TestWallet signIn = TestWallet.random();
        String bearer = sdk.signIn(signIn).get("minifiedJwt").asString();
        TestWallet evm = TestWallet.random();
        SolanaTestWallet solana = SolanaTestWallet.random();
        assertThat(sdk.post("/verify/link", sdk.signedRequest(evm), bearer).status()).isEqualTo(200);
        JsonNode linked = sdk.post("/wallets/verify", sdk.signedRequest(solana), bearer).json();
        return new ThreeWallets(linked.get("minifiedJwt").asString(), SdkClient.claims(bearer), signIn, evm, solana,
                linked.get("user"));
    }

    static Http.Response unlink(String bearer, Map<String, String> body) {
        return sdk.post("/verify/unlink", Json.writeString(body), bearer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"walletId", "verifiedCredentialId", "verifiedCrentialId"})
    void unlinkRemovesTheCredentialNamedByAnyIdField(String field) {
        ThreeWallets user = threeWallets();

        Http.Response response = unlink(user.bearer(), Map.of(field, user.idOf(user.evm().address())));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode after = response.json().get("user");
        assertThat(addresses(after)).containsExactlyInAnyOrder(user.signIn().address(), user.solana().address());
        JsonNode claims = SdkClient.claims(response.json().get("minifiedJwt").asString());
        assertThat(claims.get("sid").asString()).isEqualTo(user.claims().get("sid").asString());
        assertThat(claims.get("signin_credential_id").asString()).isEqualTo(user.claims().get("signin_credential_id").asString());
        assertThat(SdkClient.claims(response.json().get("jwt").asString()).get("verified_credentials")).hasSize(2);
    }

    @Test
    void unlinkingTheLastVerifiedCredentialFallsBackToTheSessionsSignInCredential() {
        ThreeWallets user = threeWallets();
        String solanaId = user.idOf(user.solana().address());
        assertThat(user.user().get("lastVerifiedCredentialId").asString()).isEqualTo(solanaId);

        JsonNode response = unlink(user.bearer(), Map.of("walletId", solanaId)).json();

        String signInId = user.idOf(user.signIn().address());
        assertThat(response.get("user").get("lastVerifiedCredentialId").asString()).isEqualTo(signInId);
        assertThat(SdkClient.claims(response.get("minifiedJwt").asString()).get("last_verified_credential_id").asString())
                .isEqualTo(signInId);
    }

    @Test
    void unlinkingTheSessionsSignInCredentialKeepsTheClaimAndPointsLastVerifiedAtARemainingOne() {
        ThreeWallets user = threeWallets();
        String signInId = user.idOf(user.signIn().address());
        // Make the Solana wallet not the last verified one: link the EVM wallet again (it is selected last now).
        assertThat(sdk.post("/verify/link", sdk.signedRequest(user.evm()), user.bearer()).status()).isEqualTo(200);

        Http.Response response = unlink(user.bearer(), Map.of("walletId", signInId));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode after = response.json().get("user");
        assertThat(addresses(after)).doesNotContain(user.signIn().address());
        assertThat(after.get("lastVerifiedCredentialId").asString()).isEqualTo(user.idOf(user.evm().address()));
        JsonNode claims = SdkClient.claims(response.json().get("minifiedJwt").asString());
        assertThat(claims.get("signin_credential_id").asString()).isEqualTo(signInId);

        String next = unlink(response.json().get("minifiedJwt").asString(),
                Map.of("walletId", user.idOf(user.evm().address()))).json().get("user").get("lastVerifiedCredentialId").asString();
        assertThat(next).isEqualTo(user.idOf(user.solana().address()));
    }

    @Test
    void refreshAfterUnlinkShowsTheSameState() {
        ThreeWallets user = threeWallets();
        JsonNode unlinked = unlink(user.bearer(), Map.of("walletId", user.idOf(user.evm().address()))).json();

        Http.Response refreshed = sdk.post("/refresh", "", unlinked.get("minifiedJwt").asString());

        assertThat(refreshed.status()).isEqualTo(200);
        JsonNode after = refreshed.json().get("user");
        assertThat(addresses(after)).containsExactlyInAnyOrderElementsOf(addresses(unlinked.get("user")));
        assertThat(after.get("lastVerifiedCredentialId").asString())
                .isEqualTo(unlinked.get("user").get("lastVerifiedCredentialId").asString());
        assertThat(sdk.post("/refresh", "", user.bearer()).json().get("user").get("verifiedCredentials")).hasSize(2);
    }

    @Test
    void unlinkedWalletSignsInAsANewUser() {
        ThreeWallets user = threeWallets();
        unlink(user.bearer(), Map.of("walletId", user.idOf(user.solana().address())));

        JsonNode again = sdk.signIn(user.solana()).get("user");

        assertThat(again.get("newUser").asBoolean()).isTrue();
        assertThat(again.get("id").asString()).isNotEqualTo(user.user().get("id").asString());
    }

    @Test
    void lastSignInCredentialCannotBeUnlinked() {
        JsonNode signedIn = sdk.signIn(SolanaTestWallet.random());
        String bearer = signedIn.get("minifiedJwt").asString();
        String id = signedIn.get("user").get("verifiedCredentials").get(0).get("id").asString();

        assertUnprocessable(unlink(bearer, Map.of("walletId", id)), "cannot_delete_last_sign_in_verified_credential");
        assertThat(sdk.get("/users", bearer).json().get("verifiedCredentials")).hasSize(1);
    }

    @Test
    void credentialOfAnotherUserOrUnknownIdIsAnInvalidUnlinkRequest() {
        ThreeWallets mine = threeWallets();
        ThreeWallets theirs = threeWallets();

        assertUnprocessable(unlink(mine.bearer(), Map.of("walletId", theirs.idOf(theirs.evm().address()))),
                "invalid_unlink_request");
        assertUnprocessable(unlink(mine.bearer(), Map.of("walletId", UUID.randomUUID().toString())),
                "invalid_unlink_request");
        assertThat(sdk.get("/users", theirs.bearer()).json().get("verifiedCredentials")).hasSize(3);
    }

    @Test
    void credentialOfAnotherEnvironmentIsAnInvalidUnlinkRequest() {
        SdkClient other = new SdkClient(server, server.createEnvironment());
        JsonNode elsewhere = other.signIn(TestWallet.random());
        ThreeWallets mine = threeWallets();

        assertUnprocessable(unlink(mine.bearer(),
                Map.of("walletId", elsewhere.get("user").get("verifiedCredentials").get(0).get("id").asString())),
                "invalid_unlink_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"primaryWalletId\": \"6f2c8b1e-8f0a-4c39-9d53-3f1c0e9f2a11\"}",
            "{\"walletId\": \"not-a-uuid\"}",
            "{\"walletId\": \"6F2C8B1E-8F0A-4C39-9D53-3F1C0E9F2A11\"}",
            "{\"verifiedCredentialId\": 12}",
            "{\"verifiedCrentialId\": \"6f2c8b1e-8f0a-4c39-9d53-3f1c0e9f2a11-zerodev\"}",
            "{\"walletId\": \"6f2c8b1e-8f0a-4c39-9d53-3f1c0e9f2a11\", \"primaryWalletId\": \"x\"}",
            "[]",
            "not json",
    })
    void malformedUnlinkBodiesAreBadRequests(String body) {
        String bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        Http.Response response = sdk.post("/verify/unlink", body, bearer);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    @Test
    void primaryWalletIdIsAcceptedAlongsideTheCredentialId() {
        ThreeWallets user = threeWallets();
        Http.Response response = unlink(user.bearer(), Map.of("walletId", user.idOf(user.evm().address()),
                "primaryWalletId", user.idOf(user.signIn().address())));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void unlinkWithoutOrWithRevokedBearerIs401Json() {
        ThreeWallets user = threeWallets();
        String id = user.idOf(user.evm().address());
        assertUnauthorized(sdk.post("/verify/unlink", Json.writeString(Map.of("walletId", id))));
        assertThat(sdk.post("/revoke", "", user.bearer()).status()).isEqualTo(204);
        assertUnauthorized(unlink(user.bearer(), Map.of("walletId", id)));
    }

    @Test
    void concurrentUnlinksOfTheLastTwoSignInCredentialsLeaveOne() throws Exception {
        for (int round = 0; round < 3; round++) {
            TestWallet first = TestWallet.random();
            String bearer = sdk.signIn(first).get("minifiedJwt").asString();
            JsonNode user = sdk.post("/verify/link", sdk.signedRequest(SolanaTestWallet.random()), bearer).json().get("user");
            List<Callable<Http.Response>> calls = new ArrayList<>();
            user.get("verifiedCredentials").forEach(c -> {
                String body = Json.writeString(Map.of("walletId", c.get("id").asString()));
                calls.add(() -> sdk.post("/verify/unlink", body, bearer));
            });
            List<Integer> statuses = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                for (Future<Http.Response> future : pool.invokeAll(calls)) {
                    statuses.add(future.get().status());
                }
            }
            assertThat(statuses).containsExactlyInAnyOrder(200, 422);
            assertThat(sdk.get("/users", bearer).json().get("verifiedCredentials")).hasSize(1);
        }
    }
}
