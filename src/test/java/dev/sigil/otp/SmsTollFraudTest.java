package dev.sigil.otp;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.sigil.App;
import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SMS toll fraud over real HTTP, with a local WireMock standing in for Twilio: premium-rate and similar numbers, VoIP
 * when the environment refuses it, countries not enabled, and the daily SMS budget. Refused numbers get a 422 or 429
 * saying why, are sent nothing and leave no verification row. The numbers are libphonenumber's own examples of each
 * line type, so the test follows its metadata rather than a list of ours.
 */
class SmsTollFraudTest {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final String US_NOT_ENABLED = "SMS codes to numbers of US are not enabled for this environment";
    private static final java.util.regex.Pattern SENT_TODAY =
            java.util.regex.Pattern.compile("(?m)^sigil_sms_sent_today (\\S+)$");
    static WireMockServer twilio;
    static TestServer server;

    @BeforeAll
    static void start() {
        twilio = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        twilio.start();
        server = TestServer.start(MutableClock.startingNow(), c -> c.sms(Optional.of(
                new dev.sigil.config.SmsConfig(SmsOtpTest.SID, SmsOtpTest.TOKEN, SmsOtpTest.FROM,
                        java.net.URI.create(twilio.baseUrl())))));
    }

    @AfterAll
    static void stop() {
        server.close();
        twilio.stop();
    }

    @BeforeEach
    void twilioAccepts() {
        twilio.resetAll();
        twilio.stubFor(post(urlPathEqualTo(SmsOtpTest.MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"SM0123\",\"status\":\"queued\"}")));
    }

    /** An environment without rate limits (the tests send many codes from one address), with {@code otp} settings. */
    static SdkClient environmentWith(Map<String, Object> otp) {
        String id = server.createEnvironment();
        server.liftRateLimits(id);
        server.patchEnvironment(id, Json.writeString(Map.of("settings", Map.of("sigil", Map.of("otp", otp)))));
        return new SdkClient(server, id);
    }

    static Phonenumber.PhoneNumber example(String region, PhoneNumberType type) {
        Phonenumber.PhoneNumber number = UTIL.getExampleNumberForType(region, type);
        assertThat(number).as("libphonenumber's example %s number of %s", type, region).isNotNull();
        assertThat(UTIL.getNumberType(number)).isEqualTo(type);
        return number;
    }

    /** A valid US number (FIXED_LINE_OR_MOBILE), different every call. */
    static Phonenumber.PhoneNumber newUsNumber() {
        try {
            return UTIL.parse("20155" + String.format("%05d", ThreadLocalRandom.current().nextInt(100_000)), "US");
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code create} as Dynamic's client sends it: calling code, national number, country. */
    static Http.Response create(SdkClient sdk, Phonenumber.PhoneNumber number) {
        return sdk.post("/smsVerifications/create", Json.writeString(Map.of(
                "phoneCountryCode", Integer.toString(number.getCountryCode()),
                "phoneNumber", UTIL.getNationalSignificantNumber(number),
                "isoCountryCode", UTIL.getRegionCodeForNumber(number))));
    }

    /** {@code retry} of verification {@code id} for {@code number}. */
    static Http.Response retry(SdkClient sdk, String id, Phonenumber.PhoneNumber number) {
        return sdk.post("/smsVerifications/retry", Json.writeString(Map.of("verificationUUID", id,
                "phoneCountryCode", Integer.toString(number.getCountryCode()),
                "phoneNumber", UTIL.getNationalSignificantNumber(number),
                "isoCountryCode", UTIL.getRegionCodeForNumber(number))));
    }

    static String refusal(String kind) {
        return "phoneNumber is " + kind + ", which cannot be sent codes";
    }

    static String e164(Phonenumber.PhoneNumber number) {
        return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    }

    static void assertRefused(Http.Response response, int status, String code, String message) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(response.json().get("error").asString()).isEqualTo(message);
        if (code == null) {
            assertThat(response.json().has("code")).isFalse();
        } else {
            assertThat(response.json().get("code").asString()).isEqualTo(code);
        }
    }

    /** Nothing stored for {@code number}: no verification row, no send record (straight from the database). */
    static void assertNothingStoredFor(SdkClient sdk, Phonenumber.PhoneNumber number) {
        Jdbi jdbi = Jdbi.create(server.databaseUrl().orElse("jdbc:sqlite:" + server.dataDir().resolve("sigil.db")));
        jdbi.useHandle(h -> {
            for (String table : List.of("otp_verifications", "otp_sends")) {
                assertThat(h.createQuery("SELECT COUNT(*) FROM " + table
                                + " WHERE environment_id = :env AND destination_key = :key")
                        .bind("env", sdk.environmentId()).bind("key", e164(number)).mapTo(Integer.class).one())
                        .as(table + " rows of " + e164(number)).isZero();
            }
        });
    }

    static List<com.github.tomakehurst.wiremock.verification.LoggedRequest> messagesTo(Phonenumber.PhoneNumber number) {
        return twilio.findAll(postRequestedFor(urlPathEqualTo(SmsOtpTest.MESSAGES))).stream()
                .filter(r -> SmsOtpTest.form(r).get("To").equals(e164(number))).toList();
    }

    static void awaitMessageTo(Phonenumber.PhoneNumber number) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (messagesTo(number).isEmpty()) {
            assertThat(Instant.now()).as("an SMS to " + e164(number)).isBefore(deadline);
            pause();
        }
    }

    /** Waits for the allowed message, sent after any refused one would have been, then checks that none was. */
    static void assertOnlyMessagesTo(Phonenumber.PhoneNumber allowed, List<Phonenumber.PhoneNumber> refused) {
        awaitMessageTo(allowed);
        for (Phonenumber.PhoneNumber number : refused) {
            assertThat(messagesTo(number)).as("messages to " + e164(number)).isEmpty();
        }
    }

    static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code sigil_sms_refused_total{reason}} of this server now. */
    static double refused(String reason) {
        String metrics = server.http().get("/metrics").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^sigil_sms_refused_total\\{reason=\"" + reason + "\"\\} (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("sigil_sms_refused_total of " + reason).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void premiumRateSharedCostAndUanNumbersAreRefusedAndSentNothing() {
        SdkClient sdk = environmentWith(Map.of());
        Map<String, Double> before = Map.of("premium_rate", refused("premium_rate"),
                "shared_cost", refused("shared_cost"), "uan", refused("uan"));
        Map<Phonenumber.PhoneNumber, String> refused = Map.of(
                example("GB", PhoneNumberType.PREMIUM_RATE), "a premium-rate number",
                example("US", PhoneNumberType.PREMIUM_RATE), "a premium-rate number",
                example("DE", PhoneNumberType.SHARED_COST), "a shared-cost number",
                example("FR", PhoneNumberType.SHARED_COST), "a shared-cost number",
                example("GB", PhoneNumberType.UAN), "a universal access number (UAN)",
                example("ES", PhoneNumberType.UAN), "a universal access number (UAN)");
        refused.forEach((number, kind) -> {
            assertRefused(create(sdk, number), 422, "invalid_phone", refusal(kind));
            // A retry cannot smuggle one through either (it is refused before the verification is even looked up).
            String unknownId = java.util.UUID.randomUUID().toString();
            assertRefused(retry(sdk, unknownId, number), 422, "invalid_phone", refusal(kind));
            assertNothingStoredFor(sdk, number);
        });
        Phonenumber.PhoneNumber mobile = newUsNumber();
        assertThat(create(sdk, mobile).status()).isEqualTo(201);
        assertOnlyMessagesTo(mobile, List.copyOf(refused.keySet()));
        // Two numbers of each kind, each refused on create and on retry.
        before.forEach((reason, count) -> assertThat(refused(reason)).as(reason).isEqualTo(count + 4));
    }

    @Test
    void mobileAndFixedLineNumbersAreStillSentCodes() {
        SdkClient sdk = environmentWith(Map.of("smsAllowVoip", false));
        for (Phonenumber.PhoneNumber number : List.of(example("GB", PhoneNumberType.MOBILE),
                example("DE", PhoneNumberType.MOBILE), example("FR", PhoneNumberType.MOBILE),
                example("AU", PhoneNumberType.MOBILE), example("DE", PhoneNumberType.FIXED_LINE),
                example("US", PhoneNumberType.FIXED_LINE_OR_MOBILE))) {
            Http.Response response = create(sdk, number);
            assertThat(response.status()).as(e164(number) + ": " + response).isEqualTo(201);
            awaitMessageTo(number);
        }
    }

    @Test
    void voipNumbersAreAllowedByDefaultAndRefusedWhenTheEnvironmentSaysSo() {
        SdkClient sdk = environmentWith(Map.of());
        Phonenumber.PhoneNumber gbVoip = example("GB", PhoneNumberType.VOIP);
        Phonenumber.PhoneNumber frVoip = example("FR", PhoneNumberType.VOIP);
        assertThat(create(sdk, gbVoip).status()).isEqualTo(201);

        server.patchEnvironment(sdk.environmentId(), "{\"settings\":{\"sigil\":{\"otp\":{\"smsAllowVoip\":false}}}}");
        double voipBefore = refused("voip");
        assertRefused(create(sdk, frVoip), 422, "invalid_phone", refusal("a VoIP number"));
        assertNothingStoredFor(sdk, frVoip);
        Phonenumber.PhoneNumber mobile = newUsNumber();
        assertThat(create(sdk, mobile).status()).isEqualTo(201);
        assertOnlyMessagesTo(mobile, List.of(frVoip));
        assertThat(refused("voip")).isEqualTo(voipBefore + 1);
    }

    @Test
    void numbersOfCountriesNotEnabledAreRefusedAndTheClientIsToldWhichAre() {
        SdkClient open = environmentWith(Map.of());
        assertThat(smsProvider(open).has("enabledCountries")).as("every country: no list").isFalse();

        SdkClient sdk = environmentWith(Map.of("smsEnabledCountries", List.of("gb", "DE")));
        Phonenumber.PhoneNumber us = newUsNumber();
        double countryBefore = refused("country");
        assertRefused(create(sdk, us), 422, "invalid_phone", US_NOT_ENABLED);
        assertThat(refused("country")).isEqualTo(countryBefore + 1);
        assertNothingStoredFor(sdk, us);
        Phonenumber.PhoneNumber gb = example("GB", PhoneNumberType.MOBILE);
        assertThat(create(sdk, gb).status()).isEqualTo(201);
        assertOnlyMessagesTo(gb, List.of(us));
        // Dynamic's ProviderEnabledCountry, so the client's phone input offers only these.
        assertThat(Json.writeString(smsProvider(sdk).get("enabledCountries"))).isEqualTo(
                "[{\"isoCountryCode\":\"DE\",\"phoneCountryCode\":\"49\"},"
                        + "{\"isoCountryCode\":\"GB\",\"phoneCountryCode\":\"44\"}]");
    }

    @Test
    void profileUpdatesAreRefusedTheSameNumbers() {
        SdkClient sdk = environmentWith(Map.of("smsEnabledCountries", List.of("GB")));
        String jwt = sdk.signIn(TestWallet.random()).get("minifiedJwt").asString();
        Http.Response premium = sdk.put("/users", Json.writeString(Map.of("phoneNumber",
                e164(example("GB", PhoneNumberType.PREMIUM_RATE)))), jwt);
        assertRefused(premium, 422, "invalid_phone", refusal("a premium-rate number"));
        Http.Response foreign = sdk.put("/users", Json.writeString(Map.of("phoneNumber", e164(newUsNumber()))), jwt);
        assertRefused(foreign, 422, "invalid_phone", US_NOT_ENABLED);
        Http.Response mobile = sdk.put("/users", Json.writeString(Map.of("phoneNumber",
                e164(example("GB", PhoneNumberType.MOBILE)))), jwt);
        assertThat(mobile.status()).as(mobile.toString()).isEqualTo(200);
        assertThat(mobile.json().get("nextView").asString()).isEqualTo("verify-sms");
    }

    @Test
    void theDailyBudgetHoldsAcrossNodesAndResetsAtUtcMidnight() {
        SdkClient sdk = environmentWith(Map.of("smsPerDay", 3));
        try (App second = server.startSecondNode()) {
            SdkClient other = new SdkClient(new Http("http://127.0.0.1:" + second.port()), sdk.environmentId());
            Phonenumber.PhoneNumber first = newUsNumber();
            String id = create(sdk, first).json().get("verificationUUID").asString();
            assertThat(create(other, newUsNumber()).status()).isEqualTo(201);
            // A retry sends an SMS too, so it spends the budget like a create.
            Http.Response retried = retry(other, id, first);
            assertThat(retried.status()).as(retried.toString()).isEqualTo(201);

            Instant now = server.clock.instant();
            long untilMidnight = Duration.between(now, LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1)
                    .atStartOfDay(ZoneOffset.UTC).toInstant()).toSeconds() + 1;
            String spent = "This environment's daily SMS budget is spent. SMS codes resume at 00:00 UTC.";
            Phonenumber.PhoneNumber refused = newUsNumber();
            double budgetBefore = refused("budget");
            for (SdkClient node : List.of(sdk, other)) {
                Http.Response response = create(node, refused);
                assertRefused(response, 429, null, spent);
                assertThat(response.header("Retry-After")).contains(Long.toString(untilMidnight));
            }
            assertNothingStoredFor(sdk, refused);
            assertRefused(retry(sdk, id, first), 429, null, spent);
            // Only this node's refusals: each node counts its own, as Prometheus scrapes each.
            assertThat(refused("budget")).isEqualTo(budgetBefore + 2);
            assertThat(sentTodayGauge()).isGreaterThanOrEqualTo(3);

            server.clock.advance(Duration.ofSeconds(untilMidnight));
            assertThat(create(sdk, refused).status()).isEqualTo(201);
        }
        assertOnlyMessagesTo(newUsNumberSentTo(sdk), List.of());
    }

    @Test
    void concurrentSendsOnTwoNodesCannotOverspendTheBudget() throws Exception {
        SdkClient sdk = environmentWith(Map.of("smsPerDay", 5));
        try (App second = server.startSecondNode();
             var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<SdkClient> nodes = List.of(sdk,
                    new SdkClient(new Http("http://127.0.0.1:" + second.port()), sdk.environmentId()));
            List<java.util.concurrent.Future<Integer>> sends = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                SdkClient node = nodes.get(i % 2);
                sends.add(pool.submit(() -> create(node, newUsNumber()).status()));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var send : sends) {
                statuses.add(send.get());
            }
            // Exactly the budget gets through, whichever node and however the requests interleave.
            assertThat(statuses).as(statuses.toString()).containsOnly(201, 429);
            assertThat(statuses.stream().filter(status -> status == 201).count()).isEqualTo(5);
        }
    }

    /** Sends one more code and returns the number, for {@link #assertOnlyMessagesTo}. */
    private static Phonenumber.PhoneNumber newUsNumberSentTo(SdkClient sdk) {
        Phonenumber.PhoneNumber number = newUsNumber();
        assertThat(create(sdk, number).status()).isEqualTo(201);
        return number;
    }

    @Test
    void aBudgetOfZeroTurnsSmsOffForTheEnvironment() {
        SdkClient sdk = environmentWith(Map.of("smsPerDay", 0));
        Phonenumber.PhoneNumber number = newUsNumber();
        double disabledBefore = refused("disabled");
        assertRefused(create(sdk, number), 422, "no_enabled_sms_provider",
                "SMS codes are turned off for this environment (settings.sigil.otp.smsPerDay is 0)");
        assertNothingStoredFor(sdk, number);
        assertThat(refused("disabled")).isEqualTo(disabledBefore + 1);
        JsonNode providers = sdk.get("/settings").json().get("providers");
        assertThat(providers.valueStream().map(p -> p.get("provider").asString()).toList()).doesNotContain("sms");
    }

    @Test
    void invalidSmsSettingsAreRefusedNamingTheField() {
        String id = server.createEnvironment();
        String countries = "settings.sigil.otp.smsEnabledCountries must be an array of ISO 3166 alpha-2 country codes, "
                + "e.g. [\"US\", \"GB\"]";
        Map<String, String> cases = Map.of(
                "{\"smsPerDay\":-1}", "settings.sigil.otp.smsPerDay must be an integer from 0 to 1000000",
                "{\"smsPerDay\":1000001}", "settings.sigil.otp.smsPerDay must be an integer from 0 to 1000000",
                "{\"smsPerDay\":\"10\"}", "settings.sigil.otp.smsPerDay must be an integer from 0 to 1000000",
                "{\"smsEnabledCountries\":\"US\"}", countries,
                "{\"smsEnabledCountries\":[\"US\",\"XX\"]}", countries + "; \"XX\" is not one",
                "{\"smsEnabledCountries\":[\"USA\"]}", countries + "; \"USA\" is not one",
                "{\"smsEnabledCountries\":[1]}", countries + "; number is not one",
                "{\"smsAllowVoip\":\"no\"}", "settings.sigil.otp.smsAllowVoip must be true or false");
        cases.forEach((otp, message) -> {
            Http.Response response = server.http().send("PATCH", "/api/v0/admin/environments/" + id,
                    "{\"settings\":{\"sigil\":{\"otp\":" + otp + "}}}",
                    "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
            assertThat(response.status()).as(otp).isEqualTo(400);
            assertThat(response.json().get("error").asString()).as(otp).isEqualTo(message);
        });
    }

    private static JsonNode smsProvider(SdkClient sdk) {
        for (JsonNode provider : sdk.get("/settings").json().get("providers")) {
            if (provider.get("provider").asString().equals("sms")) {
                return provider;
            }
        }
        throw new AssertionError("no sms provider in /settings");
    }

    /** The gauge is read from the database at most every few seconds: wait for a fresh reading. */
    private static double sentTodayGauge() {
        Instant deadline = Instant.now().plusSeconds(10);
        double value = Double.NaN;
        while (Instant.now().isBefore(deadline)) {
            String metrics = server.http().get("/metrics").body();
            java.util.regex.Matcher m = SENT_TODAY.matcher(metrics);
            assertThat(m.find()).as("sigil_sms_sent_today in /metrics").isTrue();
            value = Double.parseDouble(m.group(1));
            if (value >= 3) {
                return value;
            }
            pause();
        }
        return value;
    }
}
