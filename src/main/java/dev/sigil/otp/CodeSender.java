package dev.sigil.otp;

/** Delivers a code through one channel: SMTP, Twilio, the dev console. Called by the outbox worker only. */
public interface CodeSender {
    /** @throws Exception when delivery failed and should be retried later; messages must not contain the code */
    void send(CodeMessage message) throws Exception;
}
