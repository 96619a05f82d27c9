package dev.sigil.testing;

import dev.sigil.http.Json;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** Drives the SDK API of one environment the way Dynamic's client does (Origin, JSON content type, bearer). */
public final class SdkClient {
    private final TestServer server;
    private final String environmentId;
    private final String origin;

    public SdkClient(TestServer server, String environmentId, String origin) {
        this.server = server;
        this.environmentId = environmentId;
        this.origin = origin;
    }

    public SdkClient(TestServer server, String environmentId) {
        this(server, environmentId, TestServer.ORIGIN);
    }

    public String environmentId() {
        return environmentId;
    }

    public String path(String endpoint) {
        return "/api/v0/sdk/" + environmentId + endpoint;
    }

    public String nonce() {
        Http.Response response = get("/nonce");
        if (response.status() != 200) {
            throw new IllegalStateException("nonce failed: " + response);
        }
        return response.json().get("nonce").asString();
    }

    public Http.Response get(String endpoint) {
        return server.http().get(path(endpoint), "Origin", origin, "Content-Type", "application/json");
    }

    public Http.Response get(String endpoint, String bearer) {
        return server.http().get(path(endpoint), "Origin", origin, "Content-Type", "application/json",
                "Authorization", "Bearer " + bearer);
    }

    public Http.Response post(String endpoint, String body) {
        return server.http().post(path(endpoint), body, "Origin", origin, "Content-Type", "application/json");
    }

    public Http.Response post(String endpoint, String body, String bearer) {
        return server.http().post(path(endpoint), body, "Origin", origin, "Content-Type", "application/json",
                "Authorization", "Bearer " + bearer);
    }

    /** A VerifyRequest body for {@code message} signed by {@code wallet}. */
    public static String verifyRequest(TestWallet wallet, String message, String signature) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signedMessage", signature);
        body.put("messageToSign", message);
        body.put("publicWalletAddress", wallet.address());
        body.put("chain", "EVM");
        body.put("walletName", "metamaskevm");
        body.put("walletProvider", "browserExtension");
        body.put("network", "1");
        return Json.writeString(body);
    }

    /** The message Dynamic's client would build for this environment, at the server's current time. */
    public String messageFor(TestWallet wallet, String nonce) {
        String domain = origin.substring(origin.indexOf("://") + 3);
        return TestWallet.message(domain, origin + "/", wallet.address(), nonce, server.clock.instant(), environmentId);
    }

    /** Signs in through {@code endpoint} ({@code /wallets/signin} or {@code /verify}); returns the raw response. */
    public Http.Response signInResponse(TestWallet wallet, String endpoint) {
        String message = messageFor(wallet, nonce());
        return post(endpoint, verifyRequest(wallet, message, wallet.sign(message)));
    }

    /** Signs in and returns the VerifyResponse, failing the test setup on anything but 200. */
    public JsonNode signIn(TestWallet wallet) {
        Http.Response response = signInResponse(wallet, "/wallets/signin");
        if (response.status() != 200) {
            throw new IllegalStateException("sign-in failed: " + response);
        }
        return response.json();
    }
}
