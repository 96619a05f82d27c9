package dev.sigil.externalauth;

import dev.sigil.environment.Environment;
import dev.sigil.environment.ExternalAuthSettings;
import dev.sigil.http.ApiException;
import dev.sigil.session.Session;
import dev.sigil.session.SessionService;
import dev.sigil.session.VerifyResponse;
import dev.sigil.store.UniqueViolation;
import dev.sigil.user.UserService;
import org.jdbi.v3.core.Jdbi;

import java.util.Optional;

/**
 * Third-party JWT sign-in ({@code POST /externalAuth/signin}): a token from the app's own auth, verified
 * against the environment's {@code security.externalAuth}, signs in the user whose {@code externalUser}
 * credential has the token's {@code sub}, creating them the first time. Each distinct {@code sub} is a
 * distinct user. The token's email claims are not used (see the README).
 */
public final class ExternalAuthSignIn {
    private static final int MAX_ATTEMPTS = 3;

    private final Jdbi jdbi;
    private final ExternalTokenVerifier verifier;
    private final UserService users;
    private final SessionService sessions;

    public ExternalAuthSignIn(Jdbi jdbi, ExternalTokenVerifier verifier, UserService users, SessionService sessions) {
        this.jdbi = jdbi;
        this.verifier = verifier;
        this.users = users;
        this.sessions = sessions;
    }

    /** 403 when the environment has not enabled external auth; checked before anything else is read. */
    public static ExternalAuthSettings requireEnabled(Environment env) {
        ExternalAuthSettings settings = env.settings().externalAuth();
        if (!settings.enabled()) {
            throw ApiException.forbidden("external auth sign-in is not enabled for this environment");
        }
        return settings;
    }

    public VerifyResponse signIn(Environment env, String token, Optional<String> sessionPublicKey, String audience) {
        ExternalIdentity identity = verifier.verify(requireEnabled(env), token);
        Opened opened = openSession(env, identity, sessionPublicKey);
        return sessions.respond(env, opened.session(), opened.newUser(), audience);
    }

    private record Opened(Session session, boolean newUser) {
    }

    /** Finds or creates the user and opens the session; a lost race on the credential index retries and finds the winner's user. */
    private Opened openSession(Environment env, ExternalIdentity identity, Optional<String> sessionPublicKey) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(h -> {
                    UserService.SignedInUser user = users.signInWithExternalUser(h, env.id(), identity.subject());
                    Session session = sessions.open(h, env, user.userId(), user.credentialId(), sessionPublicKey);
                    return new Opened(session, user.newUser());
                });
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS || !UniqueViolation.isCause(e)) {
                    throw e;
                }
            }
        }
    }
}
