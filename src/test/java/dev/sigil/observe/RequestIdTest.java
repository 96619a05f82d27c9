package dev.sigil.observe;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdTest {
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

    @Test
    void aSaneIncomingIdIsEchoed() {
        String id = "edge-7f3a.b_9";
        assertThat(server.http().get("/healthz", "X-Request-Id", id).header("X-Request-Id")).contains(id);
        String longest = "a".repeat(RequestIds.MAX_LENGTH);
        assertThat(server.http().get("/healthz", "X-Request-Id", longest).header("X-Request-Id")).contains(longest);
    }

    @Test
    void anIdIsGeneratedWhenNoneIsSentAndDiffersPerRequest() {
        String first = server.http().get("/healthz").header("X-Request-Id").orElseThrow();
        String second = server.http().get("/healthz").header("X-Request-Id").orElseThrow();
        assertThat(first).matches("[0-9a-f]{32}");
        assertThat(second).matches("[0-9a-f]{32}").isNotEqualTo(first);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc%0d%0aSet-Cookie: x=1", "id with spaces", "quote\"d", "semi;colon", "ünïcode"})
    void anInsaneIncomingIdIsReplaced(String incoming) {
        String echoed = server.http().get("/healthz", "X-Request-Id", incoming).header("X-Request-Id").orElseThrow();
        assertThat(echoed).matches("[0-9a-f]{32}");
    }

    @Test
    void anOverlongIncomingIdIsReplaced() {
        String echoed = server.http().get("/healthz", "X-Request-Id", "a".repeat(RequestIds.MAX_LENGTH + 1))
                .header("X-Request-Id").orElseThrow();
        assertThat(echoed).matches("[0-9a-f]{32}");
    }

    @Test
    void errorsAndNotFoundCarryTheIdToo() {
        List<Http.Response> responses = List.of(
                server.http().get("/no/such/path", "X-Request-Id", "req-1"),
                server.http().post("/api/v0/sdk/not-a-uuid/refresh", null, "X-Request-Id", "req-1"),
                server.http().post("/api/v0/sdk/" + UUID.randomUUID() + "/refresh", null, "X-Request-Id", "req-1"),
                server.http().post(sdk.path("/refresh"), null, "Origin", TestServer.ORIGIN, "X-Request-Id", "req-1"),
                server.http().post(sdk.path("/refresh"), null, "Origin", "https://evil.example", "X-Request-Id", "req-1"),
                server.http().send("OPTIONS", sdk.path("/refresh"), null, "Origin", TestServer.ORIGIN,
                        "Access-Control-Request-Method", "POST", "X-Request-Id", "req-1"),
                server.http().get("/api/v0/admin/environments", "X-Request-Id", "req-1"));
        assertThat(responses).extracting(Http.Response::status).containsExactly(404, 400, 404, 401, 403, 204, 401);
        assertThat(responses).allSatisfy(r -> assertThat(r.header("X-Request-Id")).contains("req-1"));
    }
}
