package dev.sigil.observe;

import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.SolanaTestWallet;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {
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

    static PrometheusText scrape(TestServer s) {
        Http.Response response = s.http().get("/metrics");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type").orElseThrow()).startsWith("text/plain");
        return new PrometheusText(response.body());
    }

    @Test
    void signInRefreshAndRevokeMoveTheirCounters() {
        PrometheusText before = scrape(server);
        String token = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        sdk.signIn(SolanaTestWallet.random());
        String refreshed = sdk.post("/refresh", null, token).json().get("minifiedJwt").asString();
        assertThat(sdk.post("/refresh", null, "not-a-token").status()).isEqualTo(401);
        assertThat(sdk.post("/revoke", null, refreshed).status()).isEqualTo(204);
        PrometheusText after = scrape(server);

        assertThat(delta(before, after, "sigil_sign_ins_total", Map.of("method", "wallet_evm", "outcome", "success"))).isEqualTo(1);
        assertThat(delta(before, after, "sigil_sign_ins_total", Map.of("method", "wallet_solana", "outcome", "success"))).isEqualTo(1);
        assertThat(delta(before, after, "sigil_refreshes_total", Map.of("outcome", "success"))).isEqualTo(1);
        assertThat(delta(before, after, "sigil_refreshes_total", Map.of("outcome", "rejected"))).isEqualTo(1);
        assertThat(delta(before, after, "sigil_revocations_total", Map.of("via", "sdk", "outcome", "success"))).isEqualTo(1);
        assertThat(delta(before, after, "http_server_requests_seconds_count",
                Map.of("route", "/api/v0/sdk/{environmentId}/refresh", "method", "POST", "status", "200"))).isEqualTo(1);
        assertThat(after.value("http_server_requests_seconds_bucket",
                Map.of("route", "/api/v0/sdk/{environmentId}/refresh", "status", "200", "le", "+Inf"))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void adminRevocationsAreCountedApartFromLogouts() {
        String userId = sdk.signIn(TestWallet.random()).get("user").get("id").asString();
        PrometheusText before = scrape(server);
        String base = "/api/v0/admin/environments/" + sdk.environmentId();
        String admin = "Bearer " + TestServer.ADMIN_TOKEN;
        assertThat(server.http().post(base + "/users/" + userId + "/sessions/revoke", null, "Authorization", admin).status())
                .isEqualTo(200);
        assertThat(server.http().post(base + "/sessions/revoke", null, "Authorization", admin).status()).isEqualTo(200);
        assertThat(server.http().post(base + "/sessions/" + UUID.randomUUID() + "/revoke", null, "Authorization", admin)
                .status()).isEqualTo(404);
        PrometheusText after = scrape(server);

        assertThat(delta(before, after, "sigil_revocations_total", Map.of("via", "admin", "outcome", "success"))).isEqualTo(2);
        assertThat(delta(before, after, "sigil_revocations_total", Map.of("via", "admin", "outcome", "rejected"))).isEqualTo(1);
        assertThat(delta(before, after, "sigil_revocations_total", Map.of("via", "sdk", "outcome", "success"))).isZero();
    }

    @Test
    void refusedSignInsAreCountedByMethodAsRejected() {
        PrometheusText before = scrape(server);
        String code = "{\"verificationUUID\":\"" + UUID.randomUUID() + "\",\"verificationToken\":\"123456\"}";
        assertThat(sdk.post("/emailVerifications/signin", code).status()).isBetween(400, 499);
        assertThat(sdk.post("/smsVerifications/signin", code).status()).isBetween(400, 499);
        assertThat(sdk.post("/externalAuth/signin", "{\"jwt\":\"not.a.jwt\"}").status()).isBetween(400, 499);
        assertThat(sdk.post("/verify", "{}").status()).isEqualTo(400);
        PrometheusText after = scrape(server);

        for (String method : new String[]{"email", "sms", "external", "wallet_other"}) {
            assertThat(delta(before, after, "sigil_sign_ins_total", Map.of("method", method, "outcome", "rejected")))
                    .as(method).isEqualTo(1);
            assertThat(delta(before, after, "sigil_sign_ins_total", Map.of("method", method, "outcome", "success")))
                    .as(method).isZero();
        }
    }

    @Test
    void routeLabelsAreTemplatesNeverRawPaths() {
        String unknownEnvironment = UUID.randomUUID().toString();
        assertThat(server.http().post("/api/v0/sdk/" + unknownEnvironment + "/refresh", null).status()).isEqualTo(404);
        assertThat(server.http().get("/no/such/" + UUID.randomUUID()).status()).isEqualTo(404);
        sdk.nonce();

        var routes = scrape(server).labelValues("http_server_requests_seconds_count", "route");
        assertThat(routes).contains("/api/v0/sdk/{environmentId}/refresh", "/api/v0/sdk/{environmentId}/nonce",
                RequestObservation.UNMATCHED);
        assertThat(routes).noneMatch(r -> r.contains(unknownEnvironment) || r.contains(sdk.environmentId()) || r.startsWith("/no/"));
    }

    @Test
    void reportsOutboxDepthPoolAndJvm() {
        PrometheusText metrics = scrape(server);
        assertThat(metrics.text()).contains("sigil_otp_outbox_depth ", "hikaricp_connections_active{",
                "jvm_memory_used_bytes{", "jvm_threads_live_threads ");
        assertThat(metrics.value("sigil_otp_outbox_depth", Map.of())).isZero();
    }

    @Test
    void metricsTokenIsRequiredWhenSet() {
        try (TestServer guarded = TestServer.start(MutableClock.startingNow(),
                c -> c.metricsToken(Optional.of("scrape-secret-123")))) {
            Http.Response anonymous = guarded.http().get("/metrics");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json().get("error").asString()).isEqualTo("metrics token required");
            assertThat(guarded.http().get("/metrics", "Authorization", "Bearer wrong").status()).isEqualTo(401);
            Http.Response scraped = guarded.http().get("/metrics", "Authorization", "Bearer scrape-secret-123");
            assertThat(scraped.status()).isEqualTo(200);
            assertThat(scraped.body()).contains("sigil_sign_ins_total");
        }
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
