package dev.sigil.user;

import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A user of an environment with the profile fields of Dynamic's SdkUser. Absent fields are empty. */
public record User(
        String id,
        String environmentId,
        Optional<String> lastVerifiedCredentialId,
        Profile profile,
        JsonNode metadata,
        List<String> lists,
        Instant firstVisit,
        Instant lastVisit,
        boolean blocked) {

    /** The free-form profile fields (UserFields in Dynamic's API). */
    public record Profile(
            Optional<String> alias,
            Optional<String> country,
            Optional<String> email,
            Optional<String> firstName,
            Optional<String> lastName,
            Optional<String> jobTitle,
            Optional<String> phoneNumber,
            Optional<Boolean> policiesConsent,
            Optional<String> tShirtSize,
            Optional<String> team,
            Optional<String> username,
            Optional<String> btcWallet,
            Optional<String> kdaWallet,
            Optional<String> ltcWallet,
            Optional<String> ckbWallet,
            Optional<String> kasWallet,
            Optional<String> dogeWallet,
            Optional<Boolean> emailNotification,
            Optional<Boolean> discordNotification,
            Optional<Boolean> newsletterNotification) {
    }
}
