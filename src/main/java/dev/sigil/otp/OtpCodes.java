package dev.sigil.otp;

import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.JsonNode;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one-time code engine both channels share: issues 6-digit codes (stored only as an HMAC, see
 * {@link CodeHasher}), enforces the send limits, counts wrong tries, and consumes a right code exactly once.
 * Every rule that races is a single conditional UPDATE or DELETE, so it holds across threads and nodes.
 */
public final class OtpCodes {
    /** Sends in this window count towards the per-address limit; the sweeper deletes older send records. */
    static final Duration SEND_WINDOW = dev.sigil.store.Sweeper.OTP_SEND_WINDOW;

    private final Jdbi jdbi;
    private final Outbox outbox;
    private final CodeHasher hasher;
    private final SecureRandom random;
    private final Clock clock;
    private final Runnable sent;
    private final SmsBudget smsBudget;

    OtpCodes(Jdbi jdbi, Outbox outbox, CodeHasher hasher, SecureRandom random, Clock clock, Runnable sent,
             SmsBudget smsBudget) {
        this.jdbi = jdbi;
        this.outbox = outbox;
        this.smsBudget = smsBudget;
        this.hasher = hasher;
        this.random = random;
        this.clock = clock;
        this.sent = sent;
    }

    /** A stored verification. */
    record Verification(String id, Destination destination, String codeHash, int attempts, int retries, Instant expiresAt) {
    }

    /**
     * Issues a new verification for {@code destination} and queues its code. Earlier verifications of the same
     * address are deleted: Dynamic's client resends by calling create again, and only the newest code may work.
     */
    String create(Environment env, OtpSettings settings, Destination destination) {
        String id = UUID.randomUUID().toString();
        jdbi.useTransaction(h -> {
            checkSendLimit(h, env, settings, destination);
            spendSmsBudget(h, env, settings, destination);
            h.createUpdate("DELETE FROM otp_verifications WHERE environment_id = :env AND channel = :channel AND destination_key = :key")
                    .bind("env", env.id()).bind("channel", destination.channel().column).bind("key", destination.key())
                    .execute();
            String code = newCode();
            Instant expiresAt = clock.instant().plus(settings.codeLifetime());
            h.createUpdate("""
                            INSERT INTO otp_verifications (id, environment_id, channel, destination, destination_key, details,
                                                           code_hash, attempts, retries, expires_at, created_at)
                            VALUES (:id, :env, :channel, :destination, :key, :details, :hash, 0, 0, :expires, :now)""")
                    .bind("id", id).bind("env", env.id()).bind("channel", destination.channel().column)
                    .bind("destination", destination.value()).bind("key", destination.key())
                    .bind("details", Json.writeString(destination.details()))
                    .bind("hash", hasher.hash(id, code)).bind("expires", expiresAt.toEpochMilli())
                    .bind("now", clock.instant().toEpochMilli())
                    .execute();
            queue(h, env, settings, destination, code, expiresAt);
        });
        sent.run();
        return id;
    }

    /**
     * Sends a new code for an existing verification; the old code stops working and the wrong-try count starts
     * over. The address must be the verification's. A dead verification (too many wrong tries) stays dead.
     */
    Verification retry(Environment env, OtpSettings settings, OtpChannel channel, String id, String destinationKey) {
        Verification retried = jdbi.inTransaction(h -> {
            Verification v = find(h, env, channel, id)
                    .filter(found -> found.destination().key().equals(destinationKey))
                    .orElseThrow(() -> ApiException.unprocessable(channel.invalidVerification, "verification is unknown or expired"));
            if (v.attempts() >= settings.maxAttempts()) {
                throw ApiException.unprocessable(channel.tooManyAttempts, "too many wrong codes; start a new verification");
            }
            if (v.retries() >= settings.retriesPerVerification()) {
                throw ApiException.tooManyRequests("too many codes sent for this verification; start a new one",
                        secondsUntil(v.expiresAt()));
            }
            checkSendLimit(h, env, settings, v.destination());
            spendSmsBudget(h, env, settings, v.destination());
            String code = newCode();
            Instant expiresAt = clock.instant().plus(settings.codeLifetime());
            h.createUpdate("""
                            UPDATE otp_verifications SET code_hash = :hash, attempts = 0, retries = retries + 1, expires_at = :expires
                            WHERE id = :id""")
                    .bind("id", id).bind("hash", hasher.hash(id, code)).bind("expires", expiresAt.toEpochMilli())
                    .execute();
            queue(h, env, settings, v.destination(), code, expiresAt);
            return v;
        });
        sent.run();
        return retried;
    }

    /**
     * Checks {@code code}; a wrong one counts against the verification (and commits even though the request
     * fails). Returns the verification when the code is right; the caller then {@link #consume}s it inside its
     * own transaction, which is what makes the code single-use.
     */
    Verification check(Environment env, OtpSettings settings, OtpChannel channel, String id, String code) {
        Verification v = jdbi.withHandle(h -> find(h, env, channel, id))
                .orElseThrow(() -> ApiException.unprocessable(channel.invalidVerification, "verification is unknown or expired"));
        if (v.attempts() >= settings.maxAttempts()) {
            throw ApiException.unprocessable(channel.tooManyAttempts, "too many wrong codes; start a new verification");
        }
        if (hasher.matches(id, code, v.codeHash())) {
            return v;
        }
        int counted = jdbi.inTransaction(h -> h.createUpdate("""
                        UPDATE otp_verifications SET attempts = attempts + 1
                        WHERE id = :id AND code_hash = :hash AND attempts < :max""")
                .bind("id", id).bind("hash", v.codeHash()).bind("max", settings.maxAttempts())
                .execute());
        if (counted == 0) {
            // Another request used up the last try, or a retry or sign-in replaced the code meanwhile.
            throw jdbi.withHandle(h -> find(h, env, channel, id))
                    .filter(now -> now.attempts() >= settings.maxAttempts())
                    .map(now -> ApiException.unprocessable(channel.tooManyAttempts, "too many wrong codes; start a new verification"))
                    .orElseGet(() -> ApiException.unprocessable(channel.invalidVerification, "verification is unknown or expired"));
        }
        throw ApiException.unprocessable(channel.wrongCode, "the code is not correct");
    }

    /**
     * Burns a checked verification: one conditional DELETE, so of concurrent sign-ins with the same code exactly
     * one succeeds, and a code replaced by a retry or past its expiry or attempt limit cannot be used.
     */
    void consume(Handle h, OtpSettings settings, Verification v) {
        int deleted = h.createUpdate("""
                        DELETE FROM otp_verifications
                        WHERE id = :id AND code_hash = :hash AND attempts < :max AND expires_at > :now""")
                .bind("id", v.id()).bind("hash", v.codeHash()).bind("max", settings.maxAttempts())
                .bind("now", clock.instant().toEpochMilli())
                .execute();
        if (deleted != 1) {
            throw ApiException.unprocessable(v.destination().channel().invalidVerification, "verification is unknown or expired");
        }
    }

    private Optional<Verification> find(Handle h, Environment env, OtpChannel channel, String id) {
        return h.createQuery("""
                        SELECT * FROM otp_verifications
                        WHERE id = :id AND environment_id = :env AND channel = :channel AND expires_at > :now""")
                .bind("id", id).bind("env", env.id()).bind("channel", channel.column)
                .bind("now", clock.instant().toEpochMilli())
                .map((rs, ctx) -> new Verification(rs.getString("id"),
                        new Destination(channel, rs.getString("destination"), rs.getString("destination_key"),
                                details(rs.getString("details"))),
                        rs.getString("code_hash"), rs.getInt("attempts"), rs.getInt("retries"),
                        Instant.ofEpochMilli(rs.getLong("expires_at"))))
                .findOne();
    }

    /** At most {@code sendsPerAddressPerHour} codes to one address in any hour: 429 with Retry-After past it. */
    private void checkSendLimit(Handle h, Environment env, OtpSettings settings, Destination destination) {
        Instant now = clock.instant();
        long windowStart = now.minus(SEND_WINDOW).toEpochMilli();
        h.createUpdate("DELETE FROM otp_sends WHERE environment_id = :env AND channel = :channel AND destination_key = :key AND sent_at <= :start")
                .bind("env", env.id()).bind("channel", destination.channel().column).bind("key", destination.key())
                .bind("start", windowStart).execute();
        var sends = h.createQuery("""
                        SELECT sent_at FROM otp_sends WHERE environment_id = :env AND channel = :channel AND destination_key = :key
                        ORDER BY sent_at""")
                .bind("env", env.id()).bind("channel", destination.channel().column).bind("key", destination.key())
                .mapTo(Long.class).list();
        if (sends.size() >= settings.sendsPerAddressPerHour()) {
            Instant freeAt = Instant.ofEpochMilli(sends.get(sends.size() - settings.sendsPerAddressPerHour())).plus(SEND_WINDOW);
            throw ApiException.tooManyRequests("Too many codes sent to this address. Please try again later.", secondsUntil(freeAt));
        }
        h.createUpdate("INSERT INTO otp_sends (environment_id, channel, destination_key, sent_at) VALUES (:env, :channel, :key, :now)")
                .bind("env", env.id()).bind("channel", destination.channel().column).bind("key", destination.key())
                .bind("now", now.toEpochMilli()).execute();
    }

    /** An SMS counts against the environment's daily budget in the same transaction that queues it. */
    private void spendSmsBudget(Handle h, Environment env, OtpSettings settings, Destination destination) {
        if (destination.channel() == OtpChannel.SMS) {
            smsBudget.spend(h, env, settings);
        }
    }

    private void queue(Handle h, Environment env, OtpSettings settings, Destination destination, String code, Instant expiresAt) {
        outbox.enqueue(h, new CodeMessage(destination.channel(), env.id(), destination.value(), code, env.name(),
                (int) settings.codeLifetime().toMinutes(), settings.emailSubject(), settings.emailFromName()), expiresAt);
    }

    private long secondsUntil(Instant instant) {
        return Math.max(1, Duration.between(clock.instant(), instant).toSeconds() + 1);
    }

    /** Six decimal digits, uniformly from the process's one SecureRandom. */
    private String newCode() {
        return sixDigits(random.nextInt(1_000_000));
    }

    /**
     * ASCII digits whatever the default locale: {@code String.format} would localise them (Arabic-Indic digits
     * under {@code ar-EG}), and a code the user cannot type, or the {@code ^[0-9]{6}$} check refuses, is useless.
     */
    static String sixDigits(int value) {
        return String.format(Locale.ROOT, "%06d", value);
    }

    private static Map<String, String> details(String json) {
        Map<String, String> out = new HashMap<>();
        JsonNode node = Json.read(json);
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }
}
