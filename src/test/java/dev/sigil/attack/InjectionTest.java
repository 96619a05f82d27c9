package dev.sigil.attack;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Injection strings (SQL, JSON, header CRLF, NUL, very long unicode) in every text field of every SDK endpoint that
 * takes one. Each answer is a clean 4xx in the JSON error shape, or a success whose value reads back exactly as
 * entered; never a 5xx, never an injected header; and the database is intact afterwards.
 */
class InjectionTest {
    static final List<String> PAYLOADS = List.of(
            "' OR 1=1 --",
            "\"; DROP TABLE users; --",
            "'; DROP TABLE users; --",
            "x' OR 'a'-'a",
            "1' UNION SELECT id, email FROM users --",
            "Robert'); DELETE FROM sessions; --",
            "\\\"}, \"admin\": true, \"x\": {\"",
            "{\"$ne\": null}",
            "\r\nSet-Cookie: injected=1",
            "x\r\nX-Injected: 1\r\n\r\n<html>",
            "a\u0000b",
            "%00%0d%0aSet-Cookie:%20injected=1",
            "</script><script>alert(1)</script>",
            "${jndi:ldap://127.0.0.1/x}",
            "\u202eevil\u202c",
            "\ud83d\ude00 caf\u00e9 \u0645\u0631\u062d\u0628\u0627 \u4f60\u597d",
            "\ud835\udd18".repeat(3000),
            "\u00e9".repeat(8_000)); // long, yet the bodies stay under the 64 KiB limit: 413 is CorsAndLimitsTest's
    static final List<String> PROFILE_FIELDS = List.of("alias", "firstName", "lastName", "jobTitle", "tShirtSize", "team",
            "username", "country", "email", "phoneNumber", "btcWallet", "kdaWallet", "ltcWallet", "ckbWallet", "kasWallet",
            "dogeWallet", "mfaBackupCodeAcknowledgement", "captchaToken");
    static TestServer server;
    static SdkClient sdk;
    static TestWallet wallet;
    static String bearer;
    static String userId;
    static int usersBefore;

    @BeforeAll
    static void start() {
        server = TestServer.start(MutableClock.startingNow(), c -> c.devMode(true));
        sdk = new SdkClient(server, server.createEnvironment());
        // These attacks are not about the rate limits, and the test clock stands still.
        server.liftRateLimits(sdk.environmentId());
        server.patchEnvironment(sdk.environmentId(), Json.writeString(Map.of("settings", Map.of("security", Map.of(
                "externalAuth", Map.of("enabled", true, "iss", "https://auth.example.com/", "aud", "app",
                        "jwksUrl", "http://127.0.0.1:9/jwks.json"))))));
        wallet = TestWallet.random();
        JsonNode signedIn = sdk.signIn(wallet);
        bearer = signedIn.get("minifiedJwt").asString();
        userId = signedIn.get("user").get("id").asString();
        usersBefore = userCount();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static int userCount() {
        return server.app().services().database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users")
                .mapTo(Integer.class).one());
    }

    /** No 5xx, a JSON error on 4xx, and no header the payload could have injected. */
    static Http.Response assertClean(String what, Http.Response response) {
        assertThat(response.status()).as(what + " -> " + abbreviate(response.toString())).isLessThan(500);
        response.headers().forEach((name, values) -> {
            assertThat(name.toLowerCase()).as(what).isNotIn("x-injected", "set-cookie");
            values.forEach(v -> assertThat(v).as(what).doesNotContain("injected").doesNotContain("\r").doesNotContain("\n"));
        });
        if (response.status() >= 400) {
            assertThat(response.header("Content-Type").orElseThrow()).as(what).startsWith("application/json");
            assertThat(response.json().get("error").isString()).as(what).isTrue();
            assertThat(response.body()).as(what).doesNotContain("Exception", "SQL", "at dev.sigil");
        }
        return response;
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** Still the same users, the signed-in user reads back, and the tables answer. */
    static void assertDatabaseIntact() {
        assertThat(userCount()).isEqualTo(usersBefore);
        Http.Response me = sdk.get("/users", bearer);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("id").asString()).isEqualTo(userId);
        assertThat(server.http().get("/api/v0/admin/environments/" + sdk.environmentId() + "/users",
                "Authorization", "Bearer " + TestServer.ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(sdk.post("/refresh", null, bearer).status()).isEqualTo(200);
    }

    @Test
    void profileFieldsStoreInjectionStringsAsEnteredOrRefuseThem() {
        int stored = 0;
        for (String field : PROFILE_FIELDS) {
            for (String payload : PAYLOADS) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put(field, payload);
                Http.Response response = assertClean(field + "=" + abbreviate(payload), sdk.put("/users", Json.writeString(body), bearer));
                if (response.status() == 200) {
                    stored++;
                    JsonNode user = response.json().get("user");
                    if (user.has(field) && !field.equals("email") && !field.equals("phoneNumber")) {
                        assertThat(user.get(field).asString()).as(field).isEqualTo(payload);
                        assertThat(sdk.get("/users", bearer).json().get(field).asString()).as(field).isEqualTo(payload);
                    }
                } else {
                    assertThat(response.status()).as(field + "=" + abbreviate(payload)).isIn(400, 413, 422);
                }
            }
        }
        assertThat(stored).as("some payloads are legitimate text and are stored").isPositive();
        assertDatabaseIntact();
    }

    @Test
    void metadataKeysAndValuesRoundTripExactly() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 14; i++) {
            metadata.put(PAYLOADS.get(i), PAYLOADS.get(i));
        }
        Http.Response response = assertClean("metadata", sdk.put("/users", Json.writeString(Map.of("metadata", metadata)), bearer));
        assertThat(response.status()).isEqualTo(200);
        JsonNode read = sdk.get("/users", bearer).json().get("metadata");
        assertThat(read.size()).isEqualTo(metadata.size());
        metadata.forEach((k, v) -> assertThat(read.get(k).asString()).isEqualTo(v));
        assertDatabaseIntact();
        assertThat(sdk.put("/users", "{\"metadata\": {}}", bearer).status()).isEqualTo(200);
    }

    @Test
    void emailAndPhoneVerificationFieldsRefuseInjection() {
        List<Map<String, Object>> bodies = new ArrayList<>();
        for (String payload : PAYLOADS) {
            bodies.add(Map.of("email", payload));
            bodies.add(Map.of("email", payload + "@example.com"));
            bodies.add(Map.of("email", "victim@example.com" + payload));
        }
        bodies.add(Map.of("email", "victim@example.com\r\nBcc: attacker@evil.com"));
        bodies.add(Map.of("email", "victim@example.com\nBcc: attacker@evil.com"));
        bodies.add(Map.of("email", "\"victim\r\nBcc: attacker@evil.com\"@example.com"));
        for (Map<String, Object> body : bodies) {
            Http.Response response = assertClean(abbreviate(body.toString()), sdk.post("/emailVerifications/create", Json.writeString(body)));
            assertThat(response.status()).as(abbreviate(body.toString())).isIn(400, 413, 422);
        }
        // An address whose local part is legal but looks like SQL is stored and echoed exactly.
        String sqlish = "'OR'1'='1--@example.com";
        Http.Response created = assertClean(sqlish, sdk.post("/emailVerifications/create", Json.writeString(Map.of("email", sqlish))));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("email").asString()).isEqualTo(sqlish);

        for (String payload : PAYLOADS) {
            for (String field : List.of("phoneNumber", "phoneCountryCode", "isoCountryCode")) {
                Map<String, Object> body = new LinkedHashMap<>(Map.of("phoneCountryCode", "1", "phoneNumber", "2015550123",
                        "isoCountryCode", "US"));
                body.put(field, payload);
                Http.Response response = assertClean(field + "=" + abbreviate(payload),
                        sdk.post("/smsVerifications/create", Json.writeString(body)));
                assertThat(response.status()).as(field + "=" + abbreviate(payload)).isIn(400, 413, 422);
            }
            for (String channel : List.of("emailVerifications", "smsVerifications")) {
                for (String endpoint : List.of("/signin", "/retry")) {
                    Map<String, Object> body = Map.of("verificationUUID", payload, "verificationToken", payload,
                            "email", "a@example.com", "phoneNumber", payload);
                    Http.Response response = assertClean(channel + endpoint + " " + abbreviate(payload),
                            sdk.post("/" + channel + endpoint, Json.writeString(body)));
                    assertThat(response.status()).isIn(400, 413);
                }
                Http.Response verify = assertClean(channel + "/verify", sdk.post("/" + channel + "/verify",
                        Json.writeString(Map.of("verificationUUID", payload, "verificationToken", payload)), bearer));
                assertThat(verify.status()).isIn(400, 413);
            }
        }
        assertDatabaseIntact();
    }

    @Test
    void usernameAndEmailChecksTreatTheFilterAsAValue() {
        for (String payload : PAYLOADS.subList(0, 16)) {
            String value = URLEncoder.encode(payload, StandardCharsets.UTF_8);
            for (String query : List.of("filter%5Bfield%5D=username&filter%5Bvalue%5D=" + value,
                    "filter%5Bfield%5D=email&filter%5Bvalue%5D=" + value, "field=username&value=" + value,
                    "filter%5Bfield%5D=" + value + "&filter%5Bvalue%5D=x")) {
                Http.Response response = assertClean(query, sdk.get("/users/check?" + query, bearer));
                if (response.status() == 200) {
                    assertThat(response.json().get("value").asString()).isEqualTo(payload);
                    // A value that could never be set is "not available"; either way it is a plain boolean.
                    assertThat(response.json().get("available").isBoolean()).as(query).isTrue();
                } else {
                    assertThat(response.status()).isIn(400, 413);
                }
            }
        }
        // A valid address that reads like SQL is looked up as a value: nobody has it.
        Http.Response sqlish = sdk.get("/users/check?filter%5Bfield%5D=email&filter%5Bvalue%5D="
                + URLEncoder.encode("'OR'1'='1--@example.com", StandardCharsets.UTF_8), bearer);
        assertThat(sqlish.status()).isEqualTo(200);
        assertThat(sqlish.json().get("available").asBoolean()).isTrue();
        assertDatabaseIntact();
    }

    @Test
    void walletSignInFieldsRefuseInjection() {
        List<String> fields = List.of("signedMessage", "messageToSign", "publicWalletAddress", "chain", "walletName",
                "walletProvider", "network", "sessionPublicKey", "captchaToken");
        for (String field : fields) {
            for (String payload : PAYLOADS) {
                String message = sdk.messageFor(wallet, sdk.nonce());
                JsonNode request = Json.read(SdkClient.verifyRequest(wallet, message, wallet.sign(message)));
                Map<String, Object> body = new LinkedHashMap<>();
                request.properties().forEach(e -> body.put(e.getKey(), e.getValue().asString()));
                body.put(field, payload);
                for (String endpoint : List.of("/wallets/signin", "/verify/link")) {
                    Http.Response response = assertClean(endpoint + " " + field + "=" + abbreviate(payload),
                            endpoint.equals("/verify/link") ? sdk.post(endpoint, Json.writeString(body), bearer)
                                    : sdk.post(endpoint, Json.writeString(body)));
                    if (response.status() == 200) {
                        // Optional fields Sigil does not use may carry anything; the sign-in is the wallet's own.
                        assertThat(field).isIn("network", "sessionPublicKey", "captchaToken", "walletName");
                    } else {
                        assertThat(response.status()).as(endpoint + " " + field + "=" + abbreviate(payload)).isIn(400, 413, 422);
                    }
                }
            }
        }
        // The address inside a signed message: the message is refused before anything is looked up.
        for (String payload : PAYLOADS.subList(0, 12)) {
            String message = sdk.messageFor(wallet, sdk.nonce()).replace(wallet.address(), payload);
            Http.Response response = assertClean("address in message " + payload,
                    sdk.post("/wallets/signin", SdkClient.verifyRequest(wallet, message, wallet.sign(message))));
            assertThat(response.status()).isIn(400, 413, 422);
        }
        assertDatabaseIntact();
    }

    @Test
    void unlinkAndExternalJwtRefuseInjection() {
        for (String payload : PAYLOADS) {
            for (String field : List.of("walletId", "verifiedCredentialId", "verifiedCrentialId", "primaryWalletId")) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put(field, payload);
                Http.Response response = assertClean("unlink " + field, sdk.post("/verify/unlink", Json.writeString(body), bearer));
                assertThat(response.status()).as("unlink " + field + "=" + abbreviate(payload)).isIn(400, 404, 413, 422);
            }
            Http.Response external = assertClean("external jwt " + abbreviate(payload),
                    sdk.post("/externalAuth/signin", Json.writeString(Map.of("jwt", payload))));
            assertThat(external.status()).isIn(400, 413, 422);
            Http.Response dotted = assertClean("external jwt a.b.c",
                    sdk.post("/externalAuth/signin", Json.writeString(Map.of("jwt", "eyJhbGciOiJSUzI1NiJ9." + payload + ".x"))));
            assertThat(dotted.status()).isIn(400, 413, 422);
        }
        assertDatabaseIntact();
    }

    @Test
    void malformedJsonBodiesAreCleanBadRequests() {
        List<String> bodies = List.of("{\"email\": \"a@example.com\"", "{\"email\": \"a@example.com\"}}", "{\"email\": 'x'}",
                "{\"email\": \"\\ud800\"}", "{\"email\": \"a\\u0000@example.com\"}", "{\"email\": NaN}",
                "{\"email\": \"a@example.com\", \"email\": \"b@example.com\"}", "{\"__proto__\": {\"admin\": true}}",
                "\u0000", "{\"a\":1}garbage", "[" + "1,".repeat(10_000) + "1]", "{\"email\": 1e999999999}",
                "{\"email\": " + "9".repeat(5000) + "}");
        for (String body : bodies) {
            for (String endpoint : List.of("/emailVerifications/create", "/wallets/signin", "/externalAuth/signin")) {
                Http.Response response = assertClean(endpoint + " " + abbreviate(body), sdk.post(endpoint, body));
                assertThat(response.status()).as(endpoint + " " + abbreviate(body)).isIn(400, 413, 422);
            }
            Http.Response profile = assertClean("PUT /users " + abbreviate(body), sdk.put("/users", body, bearer));
            if (body.contains("__proto__")) {
                // Unknown fields are ignored, as Dynamic's clients send more than Sigil stores: nothing changes.
                assertThat(profile.status()).isEqualTo(200);
                assertThat(profile.body()).doesNotContain("admin").doesNotContain("__proto__");
            } else {
                assertThat(profile.status()).as("PUT /users " + abbreviate(body)).isIn(400, 413, 422);
            }
        }
        assertDatabaseIntact();
    }

    @Test
    void requestIdsAndOtherEchoedHeadersAreNeverReflectedUnsafely() {
        for (String id : List.of("<script>", "' OR 1=1 --", "a b", "x".repeat(200), "id;Set-Cookie=x")) {
            Http.Response response = assertClean("request id " + id, server.http().get(sdk.path("/nonce"),
                    "Origin", TestServer.ORIGIN, "X-Request-Id", id, "x-dyn-request-id", id, "x-dyn-session-id", id));
            assertThat(response.header("X-Request-Id").orElseThrow()).isNotEqualTo(id).matches("[A-Za-z0-9._-]{1,128}");
        }
        assertDatabaseIntact();
    }

    /**
     * Jetty answers a path with an encoded NUL itself (400) and closes the connection; a pooled connection could then
     * be reused by the next request and fail it, so each hostile path gets a connection of its own.
     */
    static Http.Response onItsOwnConnection(String method, String path) {
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create(server.baseUrl() + path))
                    .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Http.Response(response.statusCode(), response.headers().map(), response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void adminPathAndQueryParametersAreValuesNotSql() {
        String base = "/api/v0/admin/environments/" + sdk.environmentId();
        for (String payload : PAYLOADS.subList(0, 12)) {
            String encoded = URLEncoder.encode(payload, StandardCharsets.UTF_8).replace("+", "%20");
            for (String path : List.of(base + "/users/" + encoded, base + "/users?email=" + encoded,
                    base + "/users?username=" + encoded, base + "/users?walletAddress=" + encoded, base + "/users?cursor=" + encoded,
                    base + "/users?createdAfter=" + encoded, base + "/users?limit=" + encoded,
                    base + "/audit?cursor=" + encoded, base + "/users/" + encoded + "/sessions", base + "/tokens/" + encoded,
                    base + "/webhooks/" + encoded + "/deliveries", base + "/keys/" + encoded + "/retire",
                    base + "/sessions/" + encoded + "/revoke", base + "/users/" + encoded + "/block")) {
                boolean post = path.endsWith("/retire") || path.endsWith("/revoke") || path.endsWith("/block");
                boolean delete = path.contains("/tokens/");
                Http.Response response = assertClean(path, onItsOwnConnection(post ? "POST" : delete ? "DELETE" : "GET", path));
                if (response.status() == 200 && response.json().has("users")) {
                    assertThat(response.json().get("users")).as(path).isEmpty();
                } else if (response.status() == 200 && response.json().has("revoked")) {
                    assertThat(response.json().get("revoked").asInt()).as(path).isZero();
                } else {
                    assertThat(response.status()).as(path).isIn(400, 404);
                }
            }
        }
        for (String payload : PAYLOADS.subList(0, 12)) {
            String e = "/api/v0/admin/environments";
            for (Http.Response response : List.of(
                    server.http().post(e, Json.writeString(Map.of("name", payload)), "Authorization", "Bearer " + TestServer.ADMIN_TOKEN),
                    server.http().send("PATCH", e + "/" + sdk.environmentId(), Json.writeString(Map.of("settings",
                            Map.of("projectSettings", Map.of("general", Map.of("displayName", payload))))),
                            "Authorization", "Bearer " + TestServer.ADMIN_TOKEN),
                    server.http().post(base + "/tokens", Json.writeString(Map.of("name", payload, "scopes", List.of("users:read"))),
                            "Authorization", "Bearer " + TestServer.ADMIN_TOKEN),
                    server.http().post(base + "/webhooks", Json.writeString(Map.of("url", "https://hooks.example.com/" + payload,
                            "events", List.of("user.created"))), "Authorization", "Bearer " + TestServer.ADMIN_TOKEN),
                    server.http().send("PATCH", base + "/users/" + userId, Json.writeString(Map.of("alias", payload)),
                            "Authorization", "Bearer " + TestServer.ADMIN_TOKEN))) {
                assertClean("admin body " + abbreviate(payload), response);
            }
        }
        assertDatabaseIntact();
    }
}
