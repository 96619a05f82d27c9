package dev.sigil.session;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.SigilProcess;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Sigil nodes as operators run them: the test's server (node A) and {@code sigil serve} in a JVM of its own
 * (node B) on the same database, with no sticky routing. Nothing about a session is cached on a node, so what
 * one node revokes the other refuses on the very next request. Runs on SQLite (one WAL file, two processes) and,
 * in CI, on PostgreSQL.
 */
class SecondProcessTest {
    static TestServer nodeA;
    static SigilProcess nodeB;
    static SdkClient sdkA;
    static SdkClient sdkB;

    @BeforeAll
    static void start() {
        nodeA = TestServer.start();
        String env = nodeA.createEnvironment();
        // Same issuer on both nodes: in production both sit behind one SIGIL_PUBLIC_URL.
        nodeB = SigilProcess.serve(nodeA.dataDir(), nodeA.databaseUrl(), Map.of(
                "SIGIL_ADMIN_TOKEN", TestServer.ADMIN_TOKEN, "SIGIL_PUBLIC_URL", nodeA.baseUrl()));
        sdkA = new SdkClient(nodeA, env);
        sdkB = new SdkClient(nodeB.http(), env);
    }

    @AfterAll
    static void stop() {
        nodeB.close();
        nodeA.close();
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
}
