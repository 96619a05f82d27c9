package dev.sigil.testing;

import dev.sigil.http.Json;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Drives the SDK API of one environment the way Dynamic's client does (Origin, JSON content type, bearer). */
public final class SdkClient {
    /** Looked up per request: a restarted {@link TestServer} has a new client for the same port. */
    private final Supplier<Http> http;
    private final Clock clock;
    private final String environmentId;
    private final String origin;

    public SdkClient(TestServer server, String environmentId, String origin) {
        this(server::http, server.clock, environmentId, origin);
    }

    /** A client of any Sigil node (e.g. a {@link SigilProcess}); messages are dated by {@code clock}. */
    public SdkClient(Http http, String environmentId) {
        this(() -> http, Clock.systemUTC(), environmentId, TestServer.ORIGIN);
    }

    private SdkClient(Supplier<Http> http, Clock clock, String environmentId, String origin) {
        this.http = http;
        this.clock = clock;
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
        return http.get().get(path(endpoint), "Origin", origin, "Content-Type", "application/json");
    }

    public Http.Response get(String endpoint, String bearer) {
        return http.get().get(path(endpoint), "Origin", origin, "Content-Type", "application/json",
                "Authorization", "Bearer " + bearer);
    }

    public Http.Response post(String endpoint, String body) {
        return http.get().post(path(endpoint), body, "Origin", origin, "Content-Type", "application/json");
    }

    public Http.Response post(String endpoint, String body, String bearer) {
        return http.get().post(path(endpoint), body, "Origin", origin, "Content-Type", "application/json",
                "Authorization", "Bearer " + bearer);
    }

    public Http.Response put(String endpoint, String body, String bearer) {
        return http.get().send("PUT", path(endpoint), body, "Origin", origin, "Content-Type", "application/json",
                "Authorization", "Bearer " + bearer);
    }

    public Http.Response delete(String endpoint, String bearer) {
        return http.get().send("DELETE", path(endpoint), null, "Origin", origin, "Content-Type", "application/json",
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

    /** A VerifyRequest body for a Solana wallet, as Dynamic's client sends it for Phantom. */
    public static String verifyRequest(SolanaTestWallet wallet, String message, String signature) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signedMessage", signature);
        body.put("messageToSign", message);
        body.put("publicWalletAddress", wallet.address());
        body.put("chain", "SOL");
        body.put("walletName", "phantomsol");
        body.put("walletProvider", "browserExtension");
        return Json.writeString(body);
    }

    /** The Solana message Dynamic's client would build for this environment, at the server's current time. */
    public String messageFor(SolanaTestWallet wallet, String nonce) {
        String domain = origin.substring(origin.indexOf("://") + 3);
        return SolanaTestWallet.message(domain, origin + "/", wallet.address(), nonce, clock.instant(), environmentId);
    }

    /** Signs in with a Solana wallet and returns the VerifyResponse, failing the test setup on anything but 200. */
    public JsonNode signIn(SolanaTestWallet wallet) {
        String message = messageFor(wallet, nonce());
        Http.Response response = post("/wallets/signin", verifyRequest(wallet, message, wallet.sign(message)));
        if (response.status() != 200) {
            throw new IllegalStateException("sign-in failed: " + response);
        }
        return response.json();
    }

    /** A VerifyRequest body for a fresh nonce, signed by {@code wallet} (to sign in or to link). */
    public String signedRequest(TestWallet wallet) {
        String message = messageFor(wallet, nonce());
        return verifyRequest(wallet, message, wallet.sign(message));
    }

    /** A VerifyRequest body for a fresh nonce, signed by the Solana {@code wallet}. */
    public String signedRequest(SolanaTestWallet wallet) {
        String message = messageFor(wallet, nonce());
        return verifyRequest(wallet, message, wallet.sign(message));
    }

    /** The claims of a token (its payload, decoded without verification: the token tests verify signatures). */
    public static JsonNode claims(String token) {
        return Json.read(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The message Dynamic's client would build for this environment, at the server's current time. */
    public String messageFor(TestWallet wallet, String nonce) {
        String domain = origin.substring(origin.indexOf("://") + 3);
        return TestWallet.message(domain, origin + "/", wallet.address(), nonce, clock.instant(), environmentId);
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
