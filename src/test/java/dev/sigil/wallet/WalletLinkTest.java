package dev.sigil.wallet;

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

import static dev.sigil.wallet.WalletSignInTest.assertUnprocessable;
import static org.assertj.core.api.Assertions.assertThat;

class WalletLinkTest {
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

    static List<String> addresses(JsonNode user) {
        List<String> out = new ArrayList<>();
        user.get("verifiedCredentials").forEach(c -> out.add(c.get("address").asString()));
        return out;
    }

    static JsonNode credentialOf(JsonNode user, String address) {
        for (JsonNode c : user.get("verifiedCredentials")) {
            if (c.get("address").asString().equals(address)) {
                return c;
            }
        }
        throw new AssertionError("no credential for " + address + " in " + user);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/verify/link", "/wallets/verify"})
    void linkingAnEvmWalletAddsItToTheUserInTheSameSession(String endpoint) {
        TestWallet first = TestWallet.random();
        JsonNode signedIn = sdk.signIn(first);
        String bearer = signedIn.get("minifiedJwt").asString();
        JsonNode before = SdkClient.claims(bearer);
        TestWallet second = TestWallet.random();

        Http.Response response = sdk.post(endpoint, sdk.signedRequest(second), bearer);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode user = response.json().get("user");
        assertThat(user.get("id").asString()).isEqualTo(signedIn.get("user").get("id").asString());
        assertThat(user.get("newUser").asBoolean()).isFalse();
        assertThat(addresses(user)).containsExactlyInAnyOrder(first.address(), second.address());
        String linkedId = credentialOf(user, second.address()).get("id").asString();
        assertThat(credentialOf(user, second.address()).get("chain").asString()).isEqualTo("eip155");
        assertThat(user.get("lastVerifiedCredentialId").asString()).isEqualTo(linkedId);
        assertThat(user.get("sessionId").asString()).isEqualTo(before.get("sid").asString());
        for (String token : List.of(response.json().get("jwt").asString(), response.json().get("minifiedJwt").asString())) {
            JsonNode claims = SdkClient.claims(token);
            assertThat(claims.get("sid").asString()).isEqualTo(before.get("sid").asString());
            assertThat(claims.get("signin_credential_id").asString()).isEqualTo(before.get("signin_credential_id").asString());
            assertThat(claims.get("last_verified_credential_id").asString()).isEqualTo(linkedId);
        }
        assertThat(SdkClient.claims(response.json().get("jwt").asString()).get("verified_credentials")).hasSize(2);
    }

    @Test
    void linkingASolanaWalletToAnEvmUserAddsASolanaCredential() {
        JsonNode signedIn = sdk.signIn(TestWallet.random());
        SolanaTestWallet solana = SolanaTestWallet.random();

        Http.Response response = sdk.post("/verify/link", sdk.signedRequest(solana), signedIn.get("minifiedJwt").asString());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode credential = credentialOf(response.json().get("user"), solana.address());
        assertThat(credential.get("chain").asString()).isEqualTo("solana");
        assertThat(credential.get("public_identifier").asString()).isEqualTo(solana.address());
        assertThat(credential.get("wallet_name").asString()).isEqualTo("phantomsol");
    }

    @Test
    void linkedWalletSignsInTheSameUser() {
        JsonNode signedIn = sdk.signIn(SolanaTestWallet.random());
        TestWallet evm = TestWallet.random();
        assertThat(sdk.post("/verify/link", sdk.signedRequest(evm), signedIn.get("jwt").asString()).status()).isEqualTo(200);

        JsonNode again = sdk.signIn(evm).get("user");

        assertThat(again.get("id").asString()).isEqualTo(signedIn.get("user").get("id").asString());
        assertThat(again.get("verifiedCredentials")).hasSize(2);
    }

    @Test
    void linkingAWalletTheUserAlreadyHasUpdatesItsNameAndSucceeds() {
        TestWallet wallet = TestWallet.random();
        JsonNode signedIn = sdk.signIn(wallet);
        String body = sdk.signedRequest(wallet).replace("metamaskevm", "rainbowevm").replace("browserExtension", "walletConnect");

        Http.Response response = sdk.post("/verify/link", body, signedIn.get("minifiedJwt").asString());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode user = response.json().get("user");
        assertThat(user.get("verifiedCredentials")).hasSize(1);
        assertThat(user.get("verifiedCredentials").get(0).get("wallet_name").asString()).isEqualTo("rainbowevm");
        assertThat(user.get("verifiedCredentials").get(0).get("wallet_provider").asString()).isEqualTo("walletConnect");
    }

    @Test
    void walletOfAnotherUserIsRefusedAndNothingChanges() {
        TestWallet mine = TestWallet.random();
        TestWallet theirs = TestWallet.random();
        String bearer = sdk.signIn(mine).get("minifiedJwt").asString();
        String theirBearer = sdk.signIn(theirs).get("minifiedJwt").asString();

        assertUnprocessable(sdk.post("/verify/link", sdk.signedRequest(theirs), bearer), "reassign_wallet_error");
        assertUnprocessable(sdk.post("/wallets/verify", sdk.signedRequest(theirs), bearer), "reassign_wallet_error");

        assertThat(addresses(sdk.get("/users", bearer).json())).containsExactly(mine.address());
        assertThat(addresses(sdk.get("/users", theirBearer).json())).containsExactly(theirs.address());
    }

    @Test
    void replayedNonceIsRefused() {
        String bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String body = sdk.signedRequest(TestWallet.random());
        assertThat(sdk.post("/verify/link", body, bearer).status()).isEqualTo(200);

        assertUnprocessable(sdk.post("/verify/link", body, bearer), "invalid_verification");
    }

    @Test
    void nonceUsedForSignInCannotLinkAgain() {
        TestWallet wallet = TestWallet.random();
        String bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String body = sdk.signedRequest(wallet);
        assertThat(sdk.post("/wallets/signin", body).status()).isEqualTo(200);

        assertThat(sdk.post("/verify/link", body, bearer).status()).isEqualTo(422);
    }

    @Test
    void forgedSignatureIsRefusedAndLinksNothing() {
        JsonNode signedIn = sdk.signIn(TestWallet.random());
        String bearer = signedIn.get("minifiedJwt").asString();
        TestWallet wallet = TestWallet.random();
        String message = sdk.messageFor(wallet, sdk.nonce());

        assertUnprocessable(sdk.post("/verify/link",
                SdkClient.verifyRequest(wallet, message, TestWallet.random().sign(message)), bearer), "other_verify_failure");
        assertThat(sdk.get("/users", bearer).json().get("verifiedCredentials")).hasSize(1);
    }

    @Test
    void identityPointAddressCannotBeLinkedWithTheUniversalSignature() {
        JsonNode signedIn = sdk.signIn(SolanaTestWallet.random());
        String bearer = signedIn.get("minifiedJwt").asString();

        for (String endpoint : new String[]{"/verify/link", "/wallets/verify"}) {
            assertUnprocessable(sdk.post(endpoint, SolanaSignInTest.identityForgery(sdk, false), bearer),
                    "other_verify_failure");
        }
        assertThat(addresses(sdk.get("/users", bearer).json())).doesNotContain(SolanaSignInTest.IDENTITY_ADDRESS)
                .hasSize(1);
    }

    @Test
    void linkWithoutBearerIs401Json() {
        Http.Response response = sdk.post("/verify/link", sdk.signedRequest(TestWallet.random()));
        assertUnauthorized(response);
        assertUnauthorized(sdk.post("/wallets/verify", sdk.signedRequest(TestWallet.random())));
        assertUnauthorized(sdk.post("/verify/link", sdk.signedRequest(TestWallet.random()), "not-a-token"));
    }

    @Test
    void linkWithRevokedBearerIs401AndDoesNotBurnTheNonce() {
        String bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertThat(sdk.post("/revoke", "", bearer).status()).isEqualTo(204);
        TestWallet wallet = TestWallet.random();
        String body = sdk.signedRequest(wallet);

        assertUnauthorized(sdk.post("/verify/link", body, bearer));

        assertThat(sdk.post("/wallets/signin", body).status()).isEqualTo(200);
    }

    @Test
    void refreshAfterLinkShowsTheLinkedWallet() {
        JsonNode signedIn = sdk.signIn(TestWallet.random());
        String bearer = signedIn.get("minifiedJwt").asString();
        SolanaTestWallet solana = SolanaTestWallet.random();
        JsonNode linked = sdk.post("/verify/link", sdk.signedRequest(solana), bearer).json();

        Http.Response refreshed = sdk.post("/refresh", "", linked.get("minifiedJwt").asString());

        assertThat(refreshed.status()).isEqualTo(200);
        JsonNode user = refreshed.json().get("user");
        assertThat(addresses(user)).contains(solana.address());
        assertThat(user.get("lastVerifiedCredentialId").asString())
                .isEqualTo(credentialOf(user, solana.address()).get("id").asString());
        assertThat(SdkClient.claims(refreshed.json().get("minifiedJwt").asString()).get("sid").asString())
                .isEqualTo(SdkClient.claims(bearer).get("sid").asString());
    }

    @Test
    void malformedLinkBodyIsABadRequest() {
        String bearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        Http.Response response = sdk.post("/verify/link", "{\"chain\": \"SOL\"}", bearer);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    static void assertUnauthorized(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.json().get("error").isString()).isTrue();
    }
}
