package dev.sigil.session;

import dev.sigil.webhook.EventType;
import dev.sigil.webhook.Events;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.token.IssuedTokens;
import dev.sigil.token.TokenIssuer;
import dev.sigil.token.TokenSubject;
import dev.sigil.token.TokenVerifier;
import dev.sigil.token.VerifiedToken;
import dev.sigil.ratelimit.RateLimit;
import dev.sigil.ratelimit.RateLimiter;
import dev.sigil.user.Account;
import dev.sigil.user.UserDirectory;
import dev.sigil.user.MissingFields;
import dev.sigil.user.UserService;
import dev.sigil.user.UserView;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Sessions: opened at sign-in, refreshed any number of times (also concurrently: several tabs share one token)
 * until revoked or past {@code refreshExp}, and checked on every bearer request.
 */
public final class SessionService {
    /** The scope of a session whose sign-in is complete; backends must reject tokens without it. */
    public static final String SCOPE_USER_BASIC = "user:basic";

    private final Jdbi jdbi;
    private final SessionStore store = new SessionStore();
    private final UserService users;
    private final TokenIssuer issuer;
    private final TokenVerifier verifier;
    private final RateLimiter limiter;
    private final Clock clock;

    public SessionService(Jdbi jdbi, UserService users, TokenIssuer issuer, TokenVerifier verifier, RateLimiter limiter,
                          Clock clock) {
        this.jdbi = jdbi;
        this.users = users;
        this.issuer = issuer;
        this.verifier = verifier;
        this.limiter = limiter;
        this.clock = clock;
    }

    /**
     * Opens a session for a user who just proved {@code credentialId}, inside the sign-in transaction. Every sign-in
     * method comes through here, so this is where a blocked user is refused (403, rolling the sign-in back).
     */
    public Session open(Handle h, Environment env, String userId, String credentialId, Optional<String> sessionPublicKey) {
        if (UserDirectory.isBlocked(h, env.id(), userId)) {
            throw ApiException.forbidden("user is blocked");
        }
        Instant now = clock.instant();
        Session session = new Session(UUID.randomUUID().toString(), env.id(), userId, credentialId, sessionPublicKey,
                now, now.plus(env.settings().sessionDuration()), Optional.empty());
        store.insert(h, session);
        Events.publish(h, env.id(), EventType.SESSION_CREATED, userId,
                Map.of("sessionId", session.id(), "credentialId", credentialId));
        return session;
    }

    /**
     * What a VerifyResponse is made from: the session and its user's account as stored when read. Read it inside
     * the caller's handle or transaction ({@link #snapshot}), sign it after ({@link #respond(Environment,
     * SessionSnapshot, String)}).
     */
    public record SessionSnapshot(Session session, Account account, boolean newUser) {
    }

    /** The session with its user's account as stored now, on the caller's handle (in its transaction, if any). */
    public SessionSnapshot snapshot(Handle h, Environment env, Session session, boolean newUser) {
        Account account = users.account(h, env.id(), session.userId())
                .orElseThrow(() -> ApiException.unauthorized("session user no longer exists"));
        return new SessionSnapshot(session, account, newUser);
    }

    /**
     * Tokens and user for a session whose transaction is over: reads the account on a handle of its own, then
     * signs with no connection held.
     */
    public VerifyResponse respond(Environment env, Session session, boolean newUser, String audience) {
        return respond(env, jdbi.withHandle(h -> snapshot(h, env, session, newUser)), audience);
    }

    /**
     * Signs both tokens and renders the user. Two RSA signatures are most of a request's CPU, so call this with no
     * handle open: a pooled connection, or on SQLite the one write lock, would otherwise be held through them.
     */
    public VerifyResponse respond(Environment env, SessionSnapshot snapshot, String audience) {
        Session session = snapshot.session();
        Account account = snapshot.account();
        UserView.SessionFacts facts = facts(env, account, session, snapshot.newUser());
        TokenSubject subject = new TokenSubject(env.id(), account, session.id(), session.signinCredentialId(),
                session.expiresAt(), session.sessionPublicKey(), audience, snapshot.newUser(), SCOPE_USER_BASIC,
                facts.missingFields());
        IssuedTokens tokens = issuer.issue(subject, env.settings().jwtDuration());
        return new VerifyResponse(tokens, UserView.sdkUser(account, facts));
    }

    /**
     * POST /refresh: fresh tokens for a live session, same {@code sid}, user as stored now. Counted per session
     * once the token's signature checks out, before the database is read: a forged token cannot use up someone
     * else's session budget, and a looping client is stopped cheaply. The connection is back in the pool before
     * the signing starts.
     */
    public VerifyResponse refresh(Environment env, String bearer, String audience) {
        VerifiedToken token = verifier.verify(env.id(), bearer);
        limiter.check(env, RateLimit.REFRESHES_PER_SESSION, token.sessionId());
        SessionStore.WithAccount live = jdbi.withHandle(h -> liveAccount(h, env, token));
        return respond(env, new SessionSnapshot(live.session(), live.account(), false), audience);
    }

    /** GET /users: the signed-in user. */
    public Map<String, Object> currentUser(Environment env, String bearer) {
        VerifiedToken token = verifier.verify(env.id(), bearer);
        return jdbi.withHandle(h -> {
            SessionStore.WithAccount live = liveAccount(h, env, token);
            return UserView.sdkUser(live.account(), facts(env, live.account(), live.session(), false));
        });
    }

    /** GET /session: succeeds while the token's session is live. */
    public void check(Environment env, String bearer) {
        jdbi.useHandle(h -> liveSession(h, env, bearer));
    }

    /** POST /revoke: the session can no longer refresh or authenticate, on every node at once. */
    public void revoke(Environment env, String bearer) {
        jdbi.useTransaction(h -> {
            Session live = liveSession(h, env, bearer);
            store.revoke(h, live.id(), clock.instant());
            Events.publish(h, env.id(), EventType.SESSION_REVOKED, live.userId(), Map.of("sessionId", live.id()));
        });
    }

    /** The live session a bearer token belongs to, or 401. */
    public Session liveSession(Handle h, Environment env, String bearer) {
        VerifiedToken token = verifier.verify(env.id(), bearer);
        SessionStore.WithBlock found = store.findWithBlock(h, env.id(), token.sessionId(), token.userId())
                .orElseThrow(() -> ApiException.unauthorized("session not found"));
        requireLive(found.session(), found.userBlocked());
        return found.session();
    }

    /**
     * The live session a verified token names with its user's account, or 401: one statement, as this is the
     * hot path (every refresh).
     */
    private SessionStore.WithAccount liveAccount(Handle h, Environment env, VerifiedToken token) {
        SessionStore.WithAccount found = store.findWithAccount(h, env.id(), token.sessionId(), token.userId())
                .orElseThrow(() -> ApiException.unauthorized("session not found"));
        requireLive(found.session(), found.account().user().blocked());
        return found;
    }

    /** 401 unless the session is neither revoked nor expired and its user is not blocked (checked in that order). */
    private void requireLive(Session session, boolean userBlocked) {
        if (session.revokedAt().isPresent()) {
            throw ApiException.unauthorized("session revoked");
        }
        if (!session.isLiveAt(clock.instant())) {
            throw ApiException.unauthorized("session expired");
        }
        if (userBlocked) {
            throw ApiException.unauthorized("user is blocked");
        }
    }

    /** Ends every session of a user (its tokens fail at once); for deleting the user in the same transaction. */
    public void deleteAllOfUser(Handle h, String environmentId, String userId) {
        store.deleteAllOfUser(h, environmentId, userId);
    }

    private static UserView.SessionFacts facts(Environment env, Account account, Session session, boolean newUser) {
        return new UserView.SessionFacts(session.id(), newUser, SCOPE_USER_BASIC,
                MissingFields.of(env.settings().kyc(), account.user()));
    }
}
