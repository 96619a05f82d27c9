package dev.sigil.otp;

import java.util.Optional;

/**
 * One code on its way to a person. It holds the code, so it is stored only encrypted and never logged;
 * {@link #toString()} leaves the code out.
 */
public record CodeMessage(OtpChannel channel, String environmentId, String to, String code, String appName,
                          int lifetimeMinutes, Optional<String> subject, Optional<String> fromName) {

    public String subjectOrDefault() {
        return subject.orElse("Your sign-in code for " + appName);
    }

    public String text() {
        return "Your " + appName + " sign-in code is " + code + ". It expires in " + lifetimeMinutes
                + " minutes. If you did not ask for it, you can ignore this message.";
    }

    @Override
    public String toString() {
        return "CodeMessage[" + channel + " to " + to + " for " + environmentId + "]";
    }
}
