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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * One-time code attacks on both channels, against a {@code sigil dev} server whose codes the test reads from the
 * operator-only dev outbox. The plain limits (five wrong tries, single use, another environment) are also in
 * {@code otp/EmailOtpTest} and {@code otp/SmsOtpTest}; here they are driven as an attacker would.
 */
class OtpAttackTest {
    static TestServer server;
    static SdkClient sdk;

    enum Channel {
        EMAIL("emailVerifications", "email"), SMS("smsVerifications", "sms");

        final String path;
        final String prefix;

        Channel(String path, String prefix) {
            this.path = path;
            this.prefix = prefix;
        }

        String wrongCode() {
            return "wrong_" + prefix + "_verification_token";
        }

        String tooMany() {
            return "too_many_" + prefix + "_verification_attempts";
        }

        String invalid() {
            return "invalid_" + prefix + "_verification";
        }
    }

    /** A started verification: its id, where the code went, and the body that starts or retries it. */
    record Started(Channel channel, String id, String to, Map<String, String> body) {
    }

    @BeforeAll
    static void start() {
        server = TestServer.start(MutableClock.startingNow(), c -> c.devMode(true));
        sdk = new SdkClient(server, server.createEnvironment());
        // These attacks are not about the rate limits, and the test clock stands still.
        server.liftRateLimits(sdk.environmentId());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Started create(Channel channel) {
        Map<String, String> body;
        String to;
        if (channel == Channel.EMAIL) {
            to = "victim-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            body = Map.of("email", to);
        } else {
            String national = "20155" + String.format("%05d", ThreadLocalRandom.current().nextInt(100_000));
            to = "+1" + national;
            body = Map.of("phoneCountryCode", "1", "phoneNumber", national, "isoCountryCode", "US");
        }
        Http.Response created = sdk.post("/" + channel.path + "/create", Json.writeString(body));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Started(channel, created.json().get("verificationUUID").asString(), to, body);
    }

    /** The {@code n}th code (1-based) sent to {@code to}, read from the dev outbox once the outbox worker sent it. */
    static String code(String to, int n) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            JsonNode messages = server.http().get("/api/v0/admin/environments/" + sdk.environmentId() + "/dev/outbox",
                    "Authorization", "Bearer " + TestServer.ADMIN_TOKEN).json().get("messages");
            List<String> codes = new ArrayList<>();
            messages.forEach(m -> {
                if (m.get("to").asString().equals(to)) {
                    codes.addFirst(m.get("code").asString());
                }
            });
            if (codes.size() >= n) {
                return codes.get(n - 1);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no code #" + n + " for " + to);
    }

    static String code(Started started) {
        return code(started.to(), 1);
    }

    static Http.Response signIn(Started started, String code) {
        return signIn(started.channel(), started.id(), code);
    }

    static Http.Response signIn(Channel channel, String id, String code) {
        return sdk.post("/" + channel.path + "/signin", Json.writeString(Map.of("verificationUUID", id, "verificationToken", code)));
    }

    static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    static void assertUnprocessable(Http.Response response, String code, String error) {
        assertThat(response.status()).as(response.toString()).isEqualTo(422);
        assertThat(response.json().get("code").asString()).isEqualTo(code);
        assertThat(response.json().get("error").asString()).isEqualTo(error);
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void bruteForceStopsAtTheLimitAndARetryDoesNotResetIt(Channel channel) {
        Started started = create(channel);
        String code = code(started);
        // An attacker walks the code space from 000000; the real code is never among the first five guesses here.
        List<String> guesses = new ArrayList<>();
        for (int g = 0; guesses.size() < 5; g++) {
            String guess = String.format("%06d", g);
            if (!guess.equals(code)) {
                guesses.add(guess);
            }
        }
        for (String guess : guesses) {
            assertUnprocessable(signIn(started, guess), channel.wrongCode(), "the code is not correct");
        }
        assertUnprocessable(signIn(started, code), channel.tooMany(), "too many wrong codes; start a new verification");
        Map<String, String> retry = new java.util.HashMap<>(started.body());
        retry.put("verificationUUID", started.id());
        Http.Response retried = sdk.post("/" + channel.path + "/retry", Json.writeString(retry));
        assertUnprocessable(retried, channel.tooMany(), "too many wrong codes; start a new verification");
        assertUnprocessable(signIn(started, code), channel.tooMany(), "too many wrong codes; start a new verification");
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void aCodeIsSingleUseAcrossSignInAndVerify(Channel channel) {
        Started started = create(channel);
        String code = code(started);
        assertThat(signIn(started, code).status()).isEqualTo(200);
        assertUnprocessable(signIn(started, code), channel.invalid(), "verification is unknown or expired");
        String attacker = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        Http.Response viaVerify = sdk.post("/" + channel.path + "/verify",
                Json.writeString(Map.of("verificationUUID", started.id(), "verificationToken", code)), attacker);
        assertUnprocessable(viaVerify, channel.invalid(), "verification is unknown or expired");
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void theRightCodeOfAnotherVerificationIsAWrongCode(Channel channel) {
        Started attackers = create(channel);
        Started victims = create(channel);
        String attackersCode = code(attackers);
        String victimsCode = code(victims);
        assumeThat(attackersCode).as("one in a million: both codes are equal").isNotEqualTo(victimsCode);

        assertUnprocessable(signIn(victims, attackersCode), channel.wrongCode(), "the code is not correct");
        // The attacker's own verification is untouched by the attempt, and the victim's still works.
        assertThat(signIn(attackers, attackersCode).status()).isEqualTo(200);
        Http.Response victim = signIn(victims, victimsCode);
        assertThat(victim.status()).isEqualTo(200);
        assertThat(victim.json().get("user").get(channel == Channel.EMAIL ? "email" : "phoneNumber").asString())
                .isEqualTo(victims.to());
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void otherSpellingsOfTheCodeAreBadRequestsThatCostNoAttempt(Channel channel) {
        Started started = create(channel);
        String code = code(started);
        List<String> spellings = List.of(" " + code, code + " ", code + "\n", "0" + code, code.substring(1),
                code.chars().mapToObj(c -> String.valueOf((char) (c - '0' + '\uff10'))).reduce("", String::concat),
                code.chars().mapToObj(c -> String.valueOf((char) (c - '0' + '\u0660'))).reduce("", String::concat),
                code.substring(0, 3) + "\u0000" + code.substring(3), "' OR '1'='1", "*", "%");
        for (String spelling : spellings) {
            Http.Response response = signIn(started, spelling);
            assertThat(response.status()).as(spelling).isEqualTo(400);
            assertThat(response.json().get("error").asString()).as(spelling).isIn(
                    "verificationToken must be six digits", "verificationToken must be at most 6 characters");
        }
        Http.Response number = sdk.post("/" + channel.path + "/signin",
                "{\"verificationUUID\":\"" + started.id() + "\",\"verificationToken\":" + Integer.parseInt(code) + "}");
        assertThat(number.status()).isEqualTo(400);
        assertThat(number.json().get("error").asString()).isEqualTo("verificationToken must be a string");
        // None of them counted as a try: five wrong codes are still allowed, the sixth try (the right code) is refused.
        for (int i = 0; i < 4; i++) {
            assertUnprocessable(signIn(started, wrong(code)), channel.wrongCode(), "the code is not correct");
        }
        assertThat(signIn(started, code).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Channel.class)
    void verificationIdsThatAreNotUuidsAreBadRequests(Channel channel) {
        for (String id : List.of("' OR 1=1 --", "%", "*", "00000000-0000-0000-0000-00000000000%",
                UUID.randomUUID() + "' OR '1'='1")) {
            Http.Response response = signIn(channel, id, "123456");
            assertThat(response.status()).as(id).isEqualTo(400);
            assertThat(response.json().get("error").asString()).startsWith("verificationUUID must be");
        }
    }

    @Test
    void codesAreComparedInConstantTimeOnTheirKeyedHash() throws Exception {
        // Code review as a test: CodeHasher.matches goes through MessageDigest.isEqual, and nothing in the class
        // compares with String.equals or Arrays.equals (which return at the first differing byte).
        byte[] classFile;
        try (InputStream in = OtpAttackTest.class.getResourceAsStream("/dev/sigil/otp/CodeHasher.class")) {
            classFile = in.readAllBytes();
        }
        String constants = new String(classFile, StandardCharsets.ISO_8859_1);
        assertThat(constants).contains("java/security/MessageDigest", "isEqual")
                .doesNotContain("java/util/Arrays").doesNotContain("equalsIgnoreCase").doesNotContain("contentEquals");
        assertThat(constants.replace("isEqual", "")).doesNotContain("equals");

        Class<?> type = Class.forName("dev.sigil.otp.CodeHasher");
        Constructor<?> constructor = type.getDeclaredConstructor(byte[].class);
        constructor.setAccessible(true);
        Object hasher = constructor.newInstance((Object) new byte[32]);
        Method hash = type.getDeclaredMethod("hash", String.class, String.class);
        Method matches = type.getDeclaredMethod("matches", String.class, String.class, String.class);
        hash.setAccessible(true);
        matches.setAccessible(true);
        String id = UUID.randomUUID().toString();
        String stored = (String) hash.invoke(hasher, id, "123456");
        assertThat(stored).matches("[0-9a-f]{64}").doesNotContain("123456");
        assertThat((boolean) matches.invoke(hasher, id, "123456", stored)).isTrue();
        assertThat((boolean) matches.invoke(hasher, id, "023456", stored)).isFalse();
        assertThat((boolean) matches.invoke(hasher, id, "123457", stored)).isFalse();
        assertThat((boolean) matches.invoke(hasher, UUID.randomUUID().toString(), "123456", stored))
                .as("the hash binds the verification id").isFalse();
        assertThat((boolean) matches.invoke(hasher, id, "123456", stored.substring(1))).isFalse();
        assertThat((boolean) matches.invoke(hasher, id, "123456", "")).isFalse();
        Object otherKey = constructor.newInstance((Object) new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        assertThat((String) hash.invoke(otherKey, id, "123456")).as("keyed: the table alone reveals nothing").isNotEqualTo(stored);
    }
}
