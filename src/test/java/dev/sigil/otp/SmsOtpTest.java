package dev.sigil.otp;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sigil.config.SmsConfig;
import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/** SMS one-time codes end to end: real HTTP in, a local WireMock standing in for Twilio's Messages API out. */
class SmsOtpTest {
    static final String SID = "AC" + "0123456789abcdef".repeat(2);
    static final String TOKEN = "twilio-test-auth-token";
    static final String FROM = "+15005550006";
    static final String MESSAGES = "/2010-04-01/Accounts/" + SID + "/Messages.json";
    private static final Pattern CODE = Pattern.compile("sign-in code is (\\d{6})\\.");
    static WireMockServer twilio;
    static TestServer server;
    static SdkClient sdk;

    @BeforeAll
    static void start() {
        twilio = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        twilio.start();
        server = TestServer.start(MutableClock.startingNow(), c -> c.sms(Optional.of(smsConfig())));
        sdk = new SdkClient(server, server.createEnvironment());
    }

    @AfterAll
    static void stop() {
        server.close();
        twilio.stop();
    }

    @BeforeEach
    void twilioAccepts() {
        twilio.resetAll();
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM0123\",\"status\":\"queued\"}")));
    }

    static SmsConfig smsConfig() {
        return new SmsConfig(SID, TOKEN, FROM, URI.create(twilio.baseUrl()));
    }

    /** A fresh valid US number, national digits. */
    static String newNational() {
        return "20155" + String.format("%05d", ThreadLocalRandom.current().nextInt(100_000));
    }

    static String phoneBody(String national) {
        return Json.writeString(Map.of("phoneCountryCode", "1", "phoneNumber", national, "isoCountryCode", "US"));
    }

    static String createId(SdkClient client, String national) {
        Http.Response response = client.post("/smsVerifications/create", phoneBody(national));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().get("verificationUUID").asString();
    }

    static Http.Response signIn(SdkClient client, String id, String code) {
        return client.post("/smsVerifications/signin", Json.writeString(Map.of("verificationUUID", id, "verificationToken", code)));
    }

    static List<LoggedRequest> messagesTo(String e164) {
        return twilio.findAll(postRequestedFor(urlPathEqualTo(MESSAGES))).stream()
                .filter(r -> form(r).get("To").equals(e164)).toList();
    }

    static String awaitCode(String e164, int count) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            List<LoggedRequest> sent = messagesTo(e164);
            if (sent.size() >= count) {
                Matcher m = CODE.matcher(form(sent.get(count - 1)).get("Body"));
                assertThat(m.find()).isTrue();
                return m.group(1);
            }
            pause();
        }
        throw new AssertionError("no SMS #" + count + " to " + e164);
    }

    static Map<String, String> form(LoggedRequest request) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void anSmsCodeSignsInANewUserWithAPhoneCredential() {
        String national = newNational();
        Http.Response created = sdk.post("/smsVerifications/create", phoneBody(national));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("phoneNumber").asString()).isEqualTo(national);
        assertThat(created.json().get("phoneCountryCode").asString()).isEqualTo("1");
        assertThat(created.json().get("isoCountryCode").asString()).isEqualTo("US");
        String id = created.json().get("verificationUUID").asString();

        String code = awaitCode("+1" + national, 1);
        LoggedRequest sms = messagesTo("+1" + national).getFirst();
        assertThat(form(sms).get("From")).isEqualTo(FROM);
        assertThat(sms.getHeader("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));

        Http.Response response = signIn(sdk, id, code);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode user = response.json().get("user");
        assertThat(user.get("newUser").asBoolean()).isTrue();
        assertThat(user.get("phoneNumber").asString()).isEqualTo("+1" + national);
        JsonNode credential = user.get("verifiedCredentials").get(0);
        assertThat(credential.get("format").asString()).isEqualTo("phoneNumber");
        assertThat(credential.get("phoneNumber").asString()).isEqualTo(national);
        assertThat(credential.get("phoneCountryCode").asString()).isEqualTo("1");
        assertThat(credential.get("isoCountryCode").asString()).isEqualTo("US");
        assertThat(credential.get("public_identifier").asString()).isEqualTo("+1" + national);
    }

    @Test
    void theSameNumberWrittenDifferentlyIsTheSameUser() {
        String national = newNational();
        String formatted = "(" + national.substring(0, 3) + ") " + national.substring(3, 6) + "-" + national.substring(6);
        JsonNode first = signIn(sdk, createId(sdk, national), awaitCode("+1" + national, 1)).json().get("user");
        Http.Response second = signIn(sdk, createId(sdk, formatted), awaitCode("+1" + national, 2));
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("user").get("id").asString()).isEqualTo(first.get("id").asString());
        assertThat(second.json().get("user").get("newUser").asBoolean()).isFalse();
    }

    @Test
    void wrongCodesAndTooManyAttemptsUseTheSmsErrorCodes() {
        String national = newNational();
        String id = createId(sdk, national);
        String code = awaitCode("+1" + national, 1);
        for (int i = 0; i < 5; i++) {
            assertThat(signIn(sdk, id, EmailOtpTest.wrong(code)).json().get("code").asString()).isEqualTo("wrong_sms_verification_token");
        }
        assertThat(signIn(sdk, id, code).json().get("code").asString()).isEqualTo("too_many_sms_verification_attempts");
        assertThat(signIn(sdk, UUID.randomUUID().toString(), code).json().get("code").asString()).isEqualTo("invalid_sms_verification");
    }

    @Test
    void anEmailVerificationIsNotAnSmsVerification() {
        String national = newNational();
        String id = createId(sdk, national);
        String code = awaitCode("+1" + national, 1);
        Http.Response asEmail = EmailOtpTest.signIn(sdk, id, code);
        assertThat(asEmail.json().get("code").asString()).isEqualTo("invalid_email_verification");
        assertThat(signIn(sdk, id, code).status()).isEqualTo(200);
    }

    @Test
    void retrySendsANewSmsCodeAndKillsTheOldOne() {
        String national = newNational();
        String id = createId(sdk, national);
        String oldCode = awaitCode("+1" + national, 1);
        Map<String, String> retry = Map.of("verificationUUID", id, "phoneCountryCode", "1", "phoneNumber", national, "isoCountryCode", "US");
        Http.Response retried = sdk.post("/smsVerifications/retry", Json.writeString(retry));
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.json().get("verificationUUID").asString()).isEqualTo(id);
        String newCode = awaitCode("+1" + national, 2);
        if (!newCode.equals(oldCode)) {
            assertThat(signIn(sdk, id, oldCode).json().get("code").asString()).isEqualTo("wrong_sms_verification_token");
        }
        assertThat(signIn(sdk, id, newCode).status()).isEqualTo(200);
    }

    @Test
    void invalidPhoneNumbersAre422InvalidPhone() {
        for (String body : List.of(
                Json.writeString(Map.of("phoneCountryCode", "1", "phoneNumber", "123", "isoCountryCode", "US")),
                Json.writeString(Map.of("phoneCountryCode", "44", "phoneNumber", "2015550123", "isoCountryCode", "US")),
                Json.writeString(Map.of("phoneCountryCode", "1", "phoneNumber", "abc", "isoCountryCode", "US")))) {
            Http.Response response = sdk.post("/smsVerifications/create", body);
            assertThat(response.status()).as(body).isEqualTo(422);
            assertThat(response.json().get("code").asString()).isEqualTo("invalid_phone");
        }
        assertThat(sdk.post("/smsVerifications/create", "{\"phoneNumber\":\"2015550123\"}").status()).isEqualTo(400);
        assertThat(sdk.post("/smsVerifications/create",
                Json.writeString(Map.of("phoneCountryCode", "1", "phoneNumber", "2015550123", "isoCountryCode", "U$"))).status()).isEqualTo(400);
    }

    @Test
    void verifyAddsThePhoneAndRefusesAnotherUsersPhone() {
        JsonNode signedIn = sdk.signIn(TestWallet.random());
        String bearer = signedIn.get("minifiedJwt").asString();
        String national = newNational();
        String id = createId(sdk, national);
        Http.Response verified = sdk.post("/smsVerifications/verify",
                Json.writeString(Map.of("verificationUUID", id, "verificationToken", awaitCode("+1" + national, 1))), bearer);
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.json().get("nextView").asString()).isEqualTo("done");
        assertThat(verified.json().get("user").get("verifiedCredentials")).hasSize(2);
        assertThat(verified.json().get("user").get("sessionId").asString()).isEqualTo(signedIn.get("user").get("sessionId").asString());

        String otherBearer = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        String again = createId(sdk, national);
        Http.Response refused = sdk.post("/smsVerifications/verify",
                Json.writeString(Map.of("verificationUUID", again, "verificationToken", awaitCode("+1" + national, 2))), otherBearer);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asString()).isEqualTo("user_has_already_account_with_phone_number");
    }

    @Test
    void aTwilioFailureIsRetriedByTheOutbox() {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer own = TestServer.start(clock, c -> c.sms(Optional.of(smsConfig())))) {
            twilio.resetAll();
            twilio.stubFor(post(urlPathEqualTo(MESSAGES)).inScenario("flaky").whenScenarioStateIs(STARTED)
                    .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
            twilio.stubFor(post(urlPathEqualTo(MESSAGES)).inScenario("flaky").whenScenarioStateIs("up")
                    .willReturn(aResponse().withStatus(201).withBody("{}")));
            SdkClient client = new SdkClient(own, own.createEnvironment());
            String national = newNational();
            String id = createId(client, national);
            Instant deadline = Instant.now().plusSeconds(20);
            while (messagesTo("+1" + national).size() < 2 && Instant.now().isBefore(deadline)) {
                clock.advance(Duration.ofSeconds(1));
                pause();
            }
            List<LoggedRequest> sent = messagesTo("+1" + national);
            assertThat(sent).hasSize(2);
            assertThat(form(sent.get(1)).get("Body")).isEqualTo(form(sent.get(0)).get("Body"));
            assertThat(signIn(client, id, awaitCode("+1" + national, 2)).status()).isEqualTo(200);
        }
    }

    @Test
    void withoutAnSmsProviderCreateIsNoEnabledSmsProvider() {
        try (TestServer plain = TestServer.start(MutableClock.startingNow())) {
            SdkClient client = new SdkClient(plain, plain.createEnvironment());
            Http.Response response = client.post("/smsVerifications/create", phoneBody(newNational()));
            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().get("code").asString()).isEqualTo("no_enabled_sms_provider");
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
