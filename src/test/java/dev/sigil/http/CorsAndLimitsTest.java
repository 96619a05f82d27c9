package dev.sigil.http;

import dev.sigil.testing.Http;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CorsAndLimitsTest {
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

    private Http.Response preflight(String origin, String headers) {
        return server.http().send("OPTIONS", sdk.path("/refresh"), null, "Origin", origin,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", headers);
    }

    @Test
    void preflightFromAnAllowedOriginAllowsDynamicsHeaders() {
        Http.Response response = preflight(TestServer.ORIGIN,
                "authorization,content-type,x-dyn-api-version,x-dyn-version,x-dynamic-platform,x-dyn-request-id,"
                        + "x-dyn-session-id,x-dyn-session-public-key,x-mfa-auth-token,x-dyn-elevated-access-token,"
                        + "x-dyn-logout-reason,x-dynamic-device-nonce,x-dynamic-device-publickey,x-dynamic-device-signed-nonce");

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.header("Access-Control-Allow-Origin")).contains(TestServer.ORIGIN);
        assertThat(response.header("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
        assertThat(response.header("Access-Control-Allow-Headers").orElseThrow())
                .contains("authorization", "x-dynamic-device-signed-nonce", "x-mfa-auth-token");
        assertThat(response.header("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void preflightFromAnotherOriginGetsNoAllowOrigin() {
        Http.Response response = preflight("https://evil.example", "authorization");
        assertThat(response.header("Access-Control-Allow-Origin")).isEmpty();
        assertThat(response.header("Access-Control-Allow-Headers")).isEmpty();
    }

    @Test
    void preflightAskingForAnUnknownHeaderIsNotAllowedIt() {
        assertThat(preflight(TestServer.ORIGIN, "authorization, x-evil").header("Access-Control-Allow-Headers")).isEmpty();
    }

    @Test
    void requestsFromAnAllowedOriginEchoItAndOthersAreForbidden() {
        Http.Response allowed = sdk.get("/nonce");
        assertThat(allowed.header("Access-Control-Allow-Origin")).contains(TestServer.ORIGIN);
        assertThat(allowed.header("Vary").orElseThrow()).contains("Origin");

        Http.Response refused = new SdkClient(server, sdk.environmentId(), "https://evil.example").get("/nonce");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Access-Control-Allow-Origin")).isEmpty();
        assertThat(refused.json().get("error").asString()).isEqualTo("origin not allowed");
    }

    @Test
    void jwksAndHealthcheckAreReadableFromAnyOrigin() {
        SdkClient elsewhere = new SdkClient(server, sdk.environmentId(), "https://backend.example");
        assertThat(elsewhere.get("/.well-known/jwks").status()).isEqualTo(200);
        assertThat(elsewhere.get("/healthcheck").json().get("status").asString()).isEqualTo("healthy");
    }

    @Test
    void requestsWithoutOriginAreServed() {
        assertThat(server.http().get(sdk.path("/nonce")).status()).isEqualTo(200);
    }

    @Test
    void malformedEnvironmentIdsAre400AndUnknownOnes404() {
        for (String id : new String[]{"abc", sdk.environmentId().substring(1), sdk.environmentId().toUpperCase(),
                sdk.environmentId() + "0", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}) {
            Http.Response response = server.http().get("/api/v0/sdk/" + id + "/nonce");
            assertThat(response.status()).as(id).isEqualTo(400);
            assertThat(response.json().get("error").isString()).isTrue();
        }
        Http.Response unknown = server.http().get("/api/v0/sdk/00000000-0000-4000-8000-000000000000/nonce");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("code").asString()).isEqualTo("not_found");
    }

    @Test
    void bodiesOverTheLimitAre413Json() {
        String big = "{\"messageToSign\": \"" + "a".repeat(RequestBody.MAX_BYTES) + "\"}";
        Http.Response response = sdk.post("/wallets/signin", big);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("error").asString()).contains(String.valueOf(RequestBody.MAX_BYTES));
    }

    @Test
    void chunkedBodiesOverTheLimitAre413Json() throws Exception {
        byte[] big = ("{\"messageToSign\": \"" + "a".repeat(RequestBody.MAX_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.http().baseUrl() + sdk.path("/wallets/signin")))
                .header("Content-Type", "application/json")
                // An input-stream publisher has no length, so the JDK client sends the body chunked.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).contains("larger than " + RequestBody.MAX_BYTES);
        }
    }

    /** The limit is exact whether or not the client declares a length: MAX_BYTES is read, one byte more is not. */
    @Test
    void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIs413WithOrWithoutContentLength() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            HttpResponse<String> atLimit = postPadded("/wallets/signin", RequestBody.MAX_BYTES, chunked);
            assertThat(atLimit.statusCode()).as("chunked=%s", chunked).isEqualTo(400);
            assertThat(atLimit.body()).as("chunked=%s", chunked).doesNotContain("larger than");
            HttpResponse<String> over = postPadded("/wallets/signin", RequestBody.MAX_BYTES + 1, chunked);
            assertThat(over.statusCode()).as("chunked=%s", chunked).isEqualTo(413);
        }
    }

    /** POSTs {@code {}} padded with spaces to {@code size} bytes (valid JSON, missing every field). */
    private HttpResponse<String> postPadded(String endpoint, int size, boolean chunked) throws Exception {
        byte[] body = ("{}" + " ".repeat(size - 2)).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.http().baseUrl() + sdk.path(endpoint)))
                .header("Content-Type", "application/json")
                .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aBodyTrickledBelowTheMinimumRateIsCutOffWith408() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", java.net.URI.create(server.http().baseUrl()).getPort())) {
            socket.setSoTimeout(20_000);
            var out = socket.getOutputStream();
            out.write(("POST " + sdk.path("/wallets/signin") + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{").getBytes(StandardCharsets.UTF_8));
            out.flush();
            // 10 bytes a second, far below the minimum rate: the server gives up after a couple of seconds.
            long started = System.nanoTime();
            String status = null;
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            try {
                for (int i = 0; i < 200 && status == null; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(100);
                    if (socket.getInputStream().available() > 0) {
                        status = in.readLine();
                    }
                }
            } catch (java.io.IOException closed) {
                status = in.readLine();
            }
            assertThat(status).isEqualTo("HTTP/1.1 408 Request Timeout");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(15));
        }
    }

    @Test
    void deeplyNestedJsonIs400() {
        String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
        Http.Response response = sdk.post("/wallets/signin", deep);
        assertThat(response.status()).isEqualTo(400);
    }

    @Test
    void headersOverTheLimitAre431Json() {
        Http.Response response = server.http().get(sdk.path("/session"),
                "Authorization", "Bearer " + "a".repeat(HttpServer.MAX_HEADER_BYTES + 1));
        assertThat(response.status()).isEqualTo(431);
        assertThat(response.json().get("error").isString()).isTrue();
    }

    @Test
    void unknownPathsAre404Json() {
        Http.Response response = sdk.get("/no-such-endpoint");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("code").asString()).isEqualTo("not_found");
    }

    @Test
    void healthAndReadinessAnswer() {
        assertThat(server.http().get("/healthz").status()).isEqualTo(200);
        assertThat(server.http().get("/readyz").status()).isEqualTo(200);
    }

    @Test
    void errorsNeverLeakInternals() {
        String token = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        Http.Response response = sdk.post("/refresh", null, token + "x");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("Exception", "at dev.", "SQL");
    }
}
