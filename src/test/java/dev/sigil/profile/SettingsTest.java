package dev.sigil.profile;

import dev.sigil.http.Json;
import dev.sigil.testing.Http;
import dev.sigil.testing.Mailbox;
import dev.sigil.testing.MutableClock;
import dev.sigil.testing.SdkClient;
import dev.sigil.testing.TestServer;
import dev.sigil.testing.TestWallet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /settings} and the {@code missingFields} it implies. */
class SettingsTest {
    static Mailbox mailbox;
    static TestServer server;

    @BeforeAll
    static void start() {
        mailbox = Mailbox.started();
        server = TestServer.start(MutableClock.startingNow(), c -> c.smtp(Optional.of(mailbox.smtpConfig())));
    }

    @AfterAll
    static void stop() {
        server.close();
        mailbox.close();
    }

    static List<String> names(JsonNode fields) {
        List<String> out = new ArrayList<>();
        fields.forEach(f -> out.add(f.get("name").asString()));
        return out;
    }

    @Test
    void answersProjectSettingsWithTheRequiredSectionsAndNoAuth() {
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        Http.Response response = sdk.get("/settings?sdkVersion=1.27.1");

        assertThat(response.status()).isEqualTo(200);
        JsonNode settings = response.json();
        for (String section : List.of("chains", "kyc", "design", "general", "privacy", "sdk", "security")) {
            assertThat(settings.has(section)).as(section).isTrue();
        }
        assertThat(settings.get("chains").findValuesAsString("name")).containsExactly("eip155", "solana");
        assertThat(settings.get("kyc").isEmpty()).isTrue();
        JsonNode security = settings.get("security");
        assertThat(security.get("jwtDuration").get("amount").asInt()).isEqualTo(2);
        assertThat(security.get("jwtDuration").get("unit").asString()).isEqualTo("hours");
        assertThat(security.get("auth").get("storage").findValuesAsString("storage")).isEmpty();
        assertThat(security.get("auth").get("storage").get(0).asString()).isEqualTo("localstorage");
        assertThat(security.get("auth").get("storage")).hasSize(1);
        assertThat(security.get("deviceRegistrationRequired").asBoolean()).isFalse();
        assertThat(security.get("externalAuth").get("enabled").asBoolean()).isFalse();
        // SMTP is configured, SMS is not.
        assertThat(settings.get("providers").findValuesAsString("provider")).containsExactly("emailOnly");
        assertThat(settings.get("providers").get(0).get("enabledAt").asString()).endsWith("Z");
    }

    @Test
    void showsConfiguredValuesButNothingOfSigilsOwnSettings() {
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        server.patchEnvironment(sdk.environmentId(), """
                {"settings": {"security": {"jwtDuration": {"amount": 90, "unit": "minutes"},
                                           "auth": {"storage": ["localstorage", "cookie"]},
                                           "externalAuth": {"enabled": true, "iss": "https://auth.example.com",
                                                            "jwksUrl": "https://auth.example.com/jwks.json"}},
                              "sigil": {"otp": {"emailSubject": "SECRET-SUBJECT"}},
                              "kyc": [{"name": "email", "required": true, "enabled": true, "label": "Email"}]}}""");

        JsonNode settings = sdk.get("/settings").json();

        assertThat(settings.toString()).doesNotContain("SECRET-SUBJECT").doesNotContain("sigil");
        JsonNode security = settings.get("security");
        assertThat(security.get("jwtDuration").get("amount").asInt()).isEqualTo(90);
        assertThat(security.get("jwtDuration").get("unit").asString()).isEqualTo("minutes");
        assertThat(security.get("auth").get("storage").toString()).isEqualTo("[\"localstorage\",\"cookie\"]");
        assertThat(security.get("externalAuth").get("iss").asString()).isEqualTo("https://auth.example.com");
        assertThat(security.get("externalAuth").get("jwksUrl").asString()).isEqualTo("https://auth.example.com/jwks.json");
        JsonNode kyc = settings.get("kyc").get(0);
        assertThat(kyc.get("name").asString()).isEqualTo("email");
        assertThat(kyc.get("label").asString()).isEqualTo("Email");
        assertThat(kyc.get("unique").asBoolean()).isFalse();
        assertThat(kyc.get("verify").asBoolean()).isFalse();
    }

    @Test
    void anUnknownEnvironmentIs404AndAMalformedOne400() {
        assertThat(server.http().get("/api/v0/sdk/" + UUID.randomUUID() + "/settings").status()).isEqualTo(404);
        assertThat(server.http().get("/api/v0/sdk/nope/settings").status()).isEqualTo(400);
    }

    @Test
    void malformedKycSettingsAreRefusedWhenSaved() {
        String id = server.createEnvironment();
        for (String kyc : List.of("{}", "[1]", "[{\"required\": true}]", "[{\"name\": \"email\", \"required\": \"yes\"}]")) {
            Http.Response response = server.http().send("PATCH", "/api/v0/admin/environments/" + id,
                    "{\"settings\": {\"kyc\": " + kyc + "}}", "Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
            assertThat(response.status()).as(kyc).isEqualTo(400);
        }
    }

    @Test
    void missingFieldsListTheRequiredEnabledFieldsTheUserHasNotFilled() {
        SdkClient sdk = new SdkClient(server, server.createEnvironment());
        server.patchEnvironment(sdk.environmentId(), """
                {"settings": {"kyc": [
                    {"name": "email", "required": true, "enabled": true},
                    {"name": "username", "required": true, "enabled": true},
                    {"name": "firstName", "required": false, "enabled": true},
                    {"name": "lastName", "required": true, "enabled": false},
                    {"name": "policiesConsent", "required": true, "enabled": true},
                    {"name": "favouriteColour", "required": true, "enabled": true}]}}""");

        JsonNode signedIn = sdk.signIn(TestWallet.random());

        assertThat(names(signedIn.get("user").get("missingFields"))).containsExactly("email", "username", "policiesConsent");
        assertThat(signedIn.get("user").get("missingFields").get(0).get("required").asBoolean()).isTrue();
        assertThat(names(SdkClient.claims(signedIn.get("jwt").asString()).get("missing_fields")))
                .containsExactly("email", "username", "policiesConsent");
        String bearer = signedIn.get("minifiedJwt").asString();

        JsonNode updated = sdk.put("/users", Json.writeString(Map.of("username", "kyc_" + UUID.randomUUID().toString().substring(0, 6),
                "policiesConsent", false)), bearer).json();

        assertThat(names(updated.get("user").get("missingFields"))).containsExactly("email", "policiesConsent");
        String token = updated.get("minifiedJwt").asString();
        assertThat(names(sdk.put("/users", "{\"policiesConsent\": true}", token).json().get("user").get("missingFields")))
                .containsExactly("email");
        assertThat(names(sdk.get("/users", token).json().get("missingFields"))).containsExactly("email");
        assertThat(names(SdkClient.claims(sdk.post("/refresh", "", token).json().get("jwt").asString()).get("missing_fields")))
                .containsExactly("email");
    }
}
