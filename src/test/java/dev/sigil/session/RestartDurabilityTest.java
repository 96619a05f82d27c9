package dev.sigil.session;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class RestartDurabilityTest {

    @Test
    void environmentsKeysUsersAndSessionsSurviveARestart() {
        try (TestServer server = TestServer.start()) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            TestWallet wallet = TestWallet.random();
            JsonNode signedIn = sdk.signIn(wallet);
            String jwks = sdk.get("/.well-known/jwks").body();
            String unusedNonce = sdk.nonce();

            server.restart();
            sdk = new SdkClient(server, sdk.environmentId());

            assertThat(sdk.get("/.well-known/jwks").body()).isEqualTo(jwks);
            Http.Response refreshed = sdk.post("/refresh", null, signedIn.get("minifiedJwt").asString());
            assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
            assertThat(refreshed.json().get("user").get("id").asString())
                    .isEqualTo(signedIn.get("user").get("id").asString());
            String message = sdk.messageFor(wallet, unusedNonce);
            Http.Response again = sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message)));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("user").get("id").asString()).isEqualTo(signedIn.get("user").get("id").asString());
        }
    }

    @Test
    void revocationSurvivesARestart() {
        try (TestServer server = TestServer.start()) {
            SdkClient sdk = new SdkClient(server, server.createEnvironment());
            String token = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
            assertThat(sdk.post("/revoke", null, token).status()).isEqualTo(204);

            server.restart();

            assertThat(new SdkClient(server, sdk.environmentId()).post("/refresh", null, token).status()).isEqualTo(401);
        }
    }
}
