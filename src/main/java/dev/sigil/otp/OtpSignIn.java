package dev.sigil.otp;

import dev.sigil.webhook.EventType;
import dev.sigil.webhook.Events;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.ratelimit.RateLimit;
import dev.sigil.ratelimit.RateLimiter;
import dev.sigil.session.Session;
import dev.sigil.session.SessionService;
import dev.sigil.session.VerifyResponse;
import dev.sigil.store.UniqueViolation;
import dev.sigil.user.UserService;
import dev.sigil.user.VerifiedCredential;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The email and SMS one-time code flows: create (send a code), retry (send a new one), sign in with a code
 * (find or create the user, open a session) and verify (add the address to the signed-in user).
 */
public final class OtpSignIn {
    private static final int MAX_ATTEMPTS = 3;

    private final Jdbi jdbi;
    private final OtpCodes codes;
    private final UserService users;
    private final SessionService sessions;
    private final RateLimiter limiter;
    private final Set<OtpChannel> enabled;
    private final SmsRules smsRules;

    OtpSignIn(Jdbi jdbi, OtpCodes codes, UserService users, SessionService sessions, RateLimiter limiter,
              Set<OtpChannel> enabled, SmsRules smsRules) {
        this.smsRules = smsRules;
        this.jdbi = jdbi;
        this.codes = codes;
        this.users = users;
        this.sessions = sessions;
        this.limiter = limiter;
        this.enabled = Set.copyOf(enabled);
    }

    /** Sends a code to {@code destination}; the id of the new verification. */
    public String create(Environment env, Destination destination) {
        requireSendable(env, destination);
        limitPerIdentifier(env, destination);
        return codes.create(env, settings(env), destination);
    }

    /** Sends a new code for verification {@code id}, whose address must be {@code destination}'s. */
    public Destination retry(Environment env, String id, Destination destination) {
        requireSendable(env, destination);
        limitPerIdentifier(env, destination);
        return codes.retry(env, settings(env), destination.channel(), id, destination.key()).destination();
    }

    /**
     * Attempts to send to one address, whoever asks and from wherever: rotating client addresses cannot flood one
     * inbox or phone. Checked before any database work; the database's {@code sendsPerAddressPerHour} then counts
     * the codes actually sent, on every node even without Redis.
     */
    private void limitPerIdentifier(Environment env, Destination destination) {
        limiter.check(env, RateLimit.VERIFICATIONS_PER_IDENTIFIER, destination.channel().column + ":" + destination.key());
    }

    /** Signs in with a code: the user who owns the address, or a new user with it. */
    public VerifyResponse signIn(Environment env, OtpChannel channel, String id, String code,
                                 Optional<String> sessionPublicKey, String audience) {
        OtpSettings settings = settings(env);
        OtpCodes.Verification verification = codes.check(env, settings, channel, id, code);
        UserService.Contact contact = contactOf(verification.destination());
        for (int attempt = 1; ; attempt++) {
            try {
                SessionService.SessionSnapshot signedIn = jdbi.inTransaction(h -> {
                    codes.consume(h, settings, verification);
                    UserService.SignedInUser user = users.signInWithContact(h, env.id(), contact);
                    publishEmailVerified(h, env, channel, user.userId(), contact);
                    Session session = sessions.open(h, env, user.userId(), user.credentialId(), sessionPublicKey);
                    return sessions.snapshot(h, env, session, user.newUser());
                });
                return sessions.respond(env, signedIn, audience);
            } catch (RuntimeException e) {
                // A concurrent first sign-in created the user: everything rolled back, the retry finds it.
                if (attempt >= MAX_ATTEMPTS || !UniqueViolation.isCause(e)) {
                    throw e;
                }
            }
        }
    }

    /** Adds the address to the signed-in user: UpdateSelfResponse with fresh tokens of the same session. */
    public Map<String, Object> verify(Environment env, OtpChannel channel, String bearer, String id, String code,
                                      String audience) {
        jdbi.useHandle(h -> sessions.liveSession(h, env, bearer));
        OtpSettings settings = settings(env);
        OtpCodes.Verification verification = codes.check(env, settings, channel, id, code);
        UserService.Contact contact = contactOf(verification.destination());
        SessionService.SessionSnapshot updated = jdbi.inTransaction(h -> {
            Session session = sessions.liveSession(h, env, bearer);
            codes.consume(h, settings, verification);
            if (users.addContact(h, env.id(), session.userId(), contact) == UserService.ContactAdded.OWNED_BY_ANOTHER_USER) {
                throw ApiException.unprocessable(channel.ownedByAnotherUser, "this address belongs to another user");
            }
            publishEmailVerified(h, env, channel, session.userId(), contact);
            return sessions.snapshot(h, env, session, false);
        });
        Map<String, Object> out = new LinkedHashMap<>(sessions.respond(env, updated, audience).toJson());
        out.put("nextView", "done");
        return out;
    }

    /** 422 {@code no_enabled_email_provider} / {@code no_enabled_sms_provider} when nothing can send on {@code channel}. */
    private void requireSender(OtpChannel channel) {
        if (!enabled.contains(channel)) {
            throw ApiException.unprocessable(channel.noProvider, channel == OtpChannel.EMAIL
                    ? "no email provider is configured (set SIGIL_SMTP_HOST)"
                    : "no SMS provider is configured (set SIGIL_SMS_PROVIDER)");
        }
    }

    /**
     * {@link #requireSender}, and for a phone number the toll-fraud rules of {@link SmsRules} (line type, enabled
     * countries): refused before any limit is counted or row written, so a refused number is never sent anything.
     */
    public void requireSendable(Environment env, Destination destination) {
        requireSender(destination.channel());
        if (destination.channel() == OtpChannel.SMS) {
            smsRules.check(settings(env), destination);
        }
    }

    private static OtpSettings settings(Environment env) {
        return OtpSettings.from(env.settings().document());
    }

    private static void publishEmailVerified(Handle h, Environment env, OtpChannel channel, String userId,
                                             UserService.Contact contact) {
        if (channel == OtpChannel.EMAIL) {
            Events.publish(h, env.id(), EventType.EMAIL_VERIFIED, userId, Map.of("email", contact.identifier()));
        }
    }

    private static UserService.Contact contactOf(Destination destination) {
        String format = destination.channel() == OtpChannel.EMAIL ? VerifiedCredential.EMAIL : VerifiedCredential.PHONE_NUMBER;
        return new UserService.Contact(format, destination.value(), destination.key());
    }
}
