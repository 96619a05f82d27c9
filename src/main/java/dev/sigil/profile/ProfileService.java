package dev.sigil.profile;

import dev.sigil.webhook.EventType;
import dev.sigil.webhook.Events;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.otp.Destination;
import dev.sigil.otp.EmailAddress;
import dev.sigil.otp.OtpChannel;
import dev.sigil.otp.OtpRoutes;
import dev.sigil.otp.OtpSignIn;
import dev.sigil.ratelimit.RateLimit;
import dev.sigil.ratelimit.RateLimiter;
import dev.sigil.session.Session;
import dev.sigil.session.SessionService;
import dev.sigil.session.VerifyResponse;
import dev.sigil.store.UniqueViolation;
import dev.sigil.user.Account;
import dev.sigil.user.User;
import dev.sigil.user.UserService;
import dev.sigil.user.VerifiedCredential;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Profile self-service for the signed-in user: update the profile ({@code PUT /users}), check whether a
 * username or email is free ({@code GET /users/check}) and delete the account ({@code DELETE /users}).
 */
public final class ProfileService {
    static final String EMAIL_TAKEN = "email_already_exists";
    static final String PHONE_TAKEN = "user_has_already_account_with_phone_number";
    static final String USERNAME_TAKEN = "username_already_exists";

    private final Jdbi jdbi;
    private final UserService users;
    private final SessionService sessions;
    private final OtpSignIn otp;
    private final RateLimiter limiter;

    public ProfileService(Jdbi jdbi, UserService users, SessionService sessions, OtpSignIn otp, RateLimiter limiter) {
        this.jdbi = jdbi;
        this.limiter = limiter;
        this.users = users;
        this.sessions = sessions;
        this.otp = otp;
    }

    /** The saved profile and the addresses that still need a code. */
    private record Saved(Session session, Optional<Destination> email, Optional<Destination> phone) {
    }

    /**
     * Saves the fields, then starts a verification for a new email or phone number (the code is sent as by
     * {@code emailVerifications/create}; the client confirms it with {@code /emailVerifications/verify}, which
     * is what sets the address). Answers UpdateSelfResponse: fresh tokens of the same session and {@code nextView}.
     */
    public Map<String, Object> update(Environment env, String bearer, UserFields fields, String audience) {
        Saved saved = jdbi.inTransaction(h -> save(h, env, bearer, fields));
        Map<String, Object> verifications = new LinkedHashMap<>();
        String nextView = "done";
        if (saved.phone().isPresent()) {
            Destination phone = saved.phone().get();
            verifications.put("smsVerification", OtpRoutes.smsCreated(otp.create(env, phone), phone));
            nextView = "verify-sms";
        }
        if (saved.email().isPresent()) {
            Destination email = saved.email().get();
            verifications.put("emailVerification", OtpRoutes.emailCreated(otp.create(env, email), email));
            nextView = "verify-email";
        }
        VerifyResponse response = sessions.respond(env, saved.session(), false, audience);
        Map<String, Object> out = new LinkedHashMap<>(response.toJson());
        out.put("nextView", nextView);
        out.putAll(verifications);
        return out;
    }

    private Saved save(Handle h, Environment env, String bearer, UserFields fields) {
        Session session = sessions.liveSession(h, env, bearer);
        Account account = users.account(h, env.id(), session.userId())
                .orElseThrow(() -> ApiException.unauthorized("session user no longer exists"));
        Map<String, Object> columns = new LinkedHashMap<>(fields.columns());
        if (columns.get("username") instanceof String username
                && users.usernameOwner(h, env.id(), username).filter(owner -> !owner.equals(session.userId())).isPresent()) {
            throw ApiException.unprocessable(USERNAME_TAKEN, "this username is taken");
        }
        Optional<Destination> email = contact(h, env, account, fields.email(), "email", EMAIL_TAKEN, columns);
        Optional<Destination> phone = contact(h, env, account, fields.phone(), "phone_number", PHONE_TAKEN, columns);
        try {
            users.updateProfile(h, session.userId(), columns);
        } catch (RuntimeException e) {
            // Another user took the username between the check above and this write: the unique index decides.
            if (UniqueViolation.isCause(e)) {
                throw ApiException.unprocessable(USERNAME_TAKEN, "this username is taken");
            }
            throw e;
        }
        if (!columns.isEmpty()) { // a new email or phone alone changes nothing until it is verified
            Events.publish(h, env.id(), EventType.USER_UPDATED, session.userId(), Map.of("fields", List.copyOf(columns.keySet())));
        }
        return new Saved(session, email, phone);
    }

    /**
     * An email or phone change: clearing writes the column; an address the user has already proved is set at
     * once; another user's is refused; a new one is returned, to be proved by a code.
     */
    private Optional<Destination> contact(Handle h, Environment env, Account account, UserFields.ContactChange change,
                                          String column, String takenCode, Map<String, Object> columns) {
        return switch (change) {
            case UserFields.ContactChange.Keep keep -> Optional.empty();
            case UserFields.ContactChange.Clear clear -> {
                columns.put(column, null);
                yield Optional.empty();
            }
            case UserFields.ContactChange.To to -> {
                Destination destination = to.destination();
                if (current(account.user(), destination.channel()).filter(destination.key()::equals).isPresent()) {
                    yield Optional.empty();
                }
                Optional<String> owner = users.contactOwner(h, env.id(), contactOf(destination));
                if (owner.isPresent() && !owner.get().equals(account.user().id())) {
                    throw ApiException.unprocessable(takenCode, "this address belongs to another user");
                }
                if (owner.isPresent()) {
                    columns.put(column, destination.value());
                    yield Optional.empty();
                }
                otp.requireSendable(env, destination);
                yield Optional.of(destination);
            }
        };
    }

    private static Optional<String> current(User user, OtpChannel channel) {
        return channel == OtpChannel.EMAIL
                ? user.profile().email().map(e -> e.toLowerCase(Locale.ROOT))
                : user.profile().phoneNumber();
    }

    private static UserService.Contact contactOf(Destination destination) {
        String format = destination.channel() == OtpChannel.EMAIL ? VerifiedCredential.EMAIL : VerifiedCredential.PHONE_NUMBER;
        return new UserService.Contact(format, destination.value(), destination.key());
    }

    /** Deletes the signed-in user, its credentials and sessions in one transaction: its tokens fail at once. */
    public void delete(Environment env, String bearer) {
        jdbi.useTransaction(h -> {
            Session session = sessions.liveSession(h, env, bearer);
            sessions.deleteAllOfUser(h, env.id(), session.userId());
            users.delete(h, env.id(), session.userId());
            Events.publish(h, env.id(), EventType.USER_DELETED, session.userId(), Map.of());
        });
    }

    /** The fields {@code GET /users/check} answers for. */
    public enum CheckedField { EMAIL, USERNAME }

    /**
     * Whether {@code value} is free for the signed-in user: nobody else holds it (the user's own counts as free,
     * they may keep it). A value that could never be set (not an email, not a valid username) is not available.
     */
    public boolean available(Environment env, String bearer, CheckedField field, String value) {
        Session session = jdbi.withHandle(h -> sessions.liveSession(h, env, bearer));
        // Only a live session's checks count, and after it is known: a bad token cannot use up someone's budget.
        limiter.check(env, RateLimit.USER_CHECKS_PER_SESSION, session.id());
        Optional<EmailAddress> email = field == CheckedField.EMAIL ? EmailAddress.parse(value) : Optional.empty();
        // Keyed as the owner lookup sees the value (lowercased), so changing letter case buys no fresh budget.
        String identity = email.map(EmailAddress::key).orElse(value.toLowerCase(Locale.ROOT));
        limiter.check(env, RateLimit.USER_CHECKS_PER_VALUE, field.name() + ":" + identity);
        return jdbi.withHandle(h -> {
            Optional<String> owner = switch (field) {
                case USERNAME -> UserFields.USERNAME.matcher(value).matches()
                        ? users.usernameOwner(h, env.id(), value) : Optional.of("");
                case EMAIL -> email
                        .map(e -> users.contactOwner(h, env.id(), new UserService.Contact(VerifiedCredential.EMAIL, e.value(), e.key())))
                        .orElse(Optional.of(""));
            };
            return owner.isEmpty() || owner.get().equals(session.userId());
        });
    }
}
