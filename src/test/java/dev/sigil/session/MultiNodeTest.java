package dev.sigil.session;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.Mailbox;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.SigilProcess;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Sigil nodes as operators run them: the test's server (node A) and {@code sigil serve} in a JVM of its own
 * (node B) on the same database and the same SMTP server, with no sticky routing. Nonces, codes and sessions
 * live only in the database, so whatever one node issues the other accepts exactly once, and what one node
 * revokes the other refuses on the very next request. Runs on SQLite (one WAL file, two processes) and,
 * in CI, on PostgreSQL.
 */
class MultiNodeTest {
    static Mailbox mailbox;
    static TestServer nodeA;
    static SigilProcess nodeB;
    static SdkClient sdkA;
    static SdkClient sdkB;

    @BeforeAll
    static void start() {
        mailbox = Mailbox.started();
        nodeA = TestServer.start(MutableClock.startingNow(), c -> c.smtp(Optional.of(mailbox.smtpConfig())));
        String env = nodeA.createEnvironment();
        // Same issuer on both nodes: in production both sit behind one SIGIL_PUBLIC_URL.
        nodeB = SigilProcess.serve(nodeA.dataDir(), nodeA.databaseUrl(), Map.of(
                "SIGIL_ADMIN_TOKEN", TestServer.ADMIN_TOKEN, "SIGIL_PUBLIC_URL", nodeA.baseUrl(),
                "SIGIL_SMTP_HOST", "127.0.0.1", "SIGIL_SMTP_PORT", String.valueOf(mailbox.smtpConfig().port()),
                "SIGIL_SMTP_FROM", Mailbox.FROM, "SIGIL_SMTP_SECURITY", "none"));
        sdkA = new SdkClient(nodeA, env);
        sdkB = new SdkClient(nodeB.http(), env);
    }

    @AfterAll
    static void stop() {
        nodeB.close();
        nodeA.close();
        mailbox.close();
    }

    @Test
    void aSessionOpenedOnOneNodeRefreshesOnTheOther() {
        JsonNode signedIn = sdkA.signIn(TestWallet.random());
        Http.Response refreshed = sdkB.post("/refresh", null, signedIn.get("minifiedJwt").asString());
        assertThat(refreshed.status()).as(nodeB.output()).isEqualTo(200);
        assertThat(refreshed.json().get("user").get("sessionId").asString())
                .isEqualTo(signedIn.get("user").get("sessionId").asString());
    }

    @Test
    void aLogoutOnOneNodeIsRefusedByTheOtherAtOnce() {
        String token = sdkA.signIn(TestWallet.random()).get("minifiedJwt").asString();
        assertThat(sdkB.get("/session", token).status()).isEqualTo(204);

        assertThat(sdkA.post("/revoke", null, token).status()).isEqualTo(204);

        assertThat(sdkB.post("/refresh", null, token).status()).isEqualTo(401);
        assertThat(sdkB.get("/session", token).status()).isEqualTo(401);
    }

    @Test
    void anAdminRevocationOnOneNodeIsRefusedByTheOtherAtOnce() {
        JsonNode signedIn = sdkB.signIn(TestWallet.random());
        String token = signedIn.get("minifiedJwt").asString();
        String userId = signedIn.get("user").get("id").asString();

        Http.Response revoked = nodeA.http().post("/api/v0/admin/environments/" + sdkA.environmentId() + "/users/"
                + userId + "/sessions/revoke", null, "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);

        assertThat(sdkB.post("/refresh", null, token).status()).isEqualTo(401);
        assertThat(sdkA.post("/refresh", null, token).status()).isEqualTo(401);
    }

    @Test
    void aNonceIssuedByOneNodeSignsInOnTheOtherExactlyOnce() {
        TestWallet wallet = TestWallet.random();
        String message = sdkA.messageFor(wallet, sdkA.nonce());
        String request = SdkClient.verifyRequest(wallet, message, wallet.sign(message));

        Http.Response onB = sdkB.post("/wallets/signin", request);
        assertThat(onB.status()).as(onB.toString()).isEqualTo(200);

        Http.Response replayOnA = sdkA.post("/wallets/signin", request);
        Http.Response replayOnB = sdkB.post("/wallets/signin", request);
        assertThat(replayOnA.status()).isEqualTo(422);
        assertThat(replayOnB.status()).isEqualTo(422);
        assertThat(replayOnA.json().get("code").asString()).isEqualTo(replayOnB.json().get("code").asString());
    }

    @Test
    void aCodeSentByOneNodeSignsInOnTheOther() {
        String email = "two-nodes-" + System.nanoTime() + "@example.com";
        Http.Response created = sdkA.post("/emailVerifications/create", Json.writeString(Map.of("email", email)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String code = mailbox.awaitCode(email, 1);
        String signIn = Json.writeString(Map.of("verificationUUID", created.json().get("verificationUUID").asString(),
                "verificationToken", code));

        Http.Response onB = sdkB.post("/emailVerifications/signin", signIn);
        assertThat(onB.status()).as(onB.toString()).isEqualTo(200);
        assertThat(onB.json().get("user").get("email").asString()).isEqualTo(email);
        assertThat(sdkA.post("/emailVerifications/signin", signIn).status()).as("codes are single use across nodes")
                .isEqualTo(422);
    }

    @Test
    void aKeyRotatedOnOneNodeIsInTheOthersJwksOnTheNextRequestAndVerifiesThere() {
        Http.Response rotated = nodeA.http().post("/api/v0/admin/environments/" + sdkA.environmentId() + "/keys/rotate",
                null, "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
        assertThat(rotated.status()).as(rotated.toString()).isIn(200, 201);

        JsonNode jwksA = sdkA.get("/.well-known/jwks").json();
        JsonNode jwksB = sdkB.get("/.well-known/jwks").json();
        assertThat(jwksB).isEqualTo(jwksA);
        String newKid = jwksA.get("keys").get(0).get("kid").asString();

        // Node A signs with the new key at once; node B has never seen it and must still verify its tokens.
        JsonNode signedIn = sdkA.signIn(TestWallet.random());
        String token = signedIn.get("minifiedJwt").asString();
        assertThat(SdkClient.claims(token).get("kid").asString()).isEqualTo(newKid);
        assertThat(sdkB.get("/session", token).status()).isEqualTo(204);
        Http.Response refreshedOnB = sdkB.post("/refresh", null, token);
        assertThat(refreshedOnB.status()).as(refreshedOnB.toString()).isEqualTo(200);
        assertThat(StreamSupport.stream(jwksB.get("keys").spliterator(), false).map(k -> k.get("kid").asString()))
                .contains(SdkClient.claims(refreshedOnB.json().get("jwt").asString()).get("kid").asString());
    }
}
