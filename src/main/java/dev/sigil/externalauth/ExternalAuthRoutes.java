package dev.sigil.externalauth;

import dev.sigil.environment.Environment;
import dev.sigil.environment.ExternalAuthSettings;
import dev.sigil.http.ApiException;
import dev.sigil.http.RequestBody;
import dev.sigil.http.Responses;
import dev.sigil.http.SdkRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v0/sdk/{environmentId}/externalAuth/signin}, body {@code {"jwt"?, "sessionPublicKey"?}}.
 * A bearer token is accepted and ignored: Dynamic's client attaches one when it already holds a session, and
 * this call signs in afresh. In cookie mode ({@code externalAuth.cookieName}) a missing {@code jwt} is read
 * from that cookie.
 */
public final class ExternalAuthRoutes {
    private static final String BASE = "/api/v0/sdk/{environmentId}";
    /** As for wallet sign-in: the client's session key, hex. */
    private static final Pattern SESSION_PUBLIC_KEY = Pattern.compile("^[0-9a-fA-F]{2,255}$");

    private final ExternalAuthSignIn signIn;

    public ExternalAuthRoutes(ExternalAuthSignIn signIn) {
        this.signIn = signIn;
    }

    public void register(RoutesConfig routes) {
        routes.post(BASE + "/externalAuth/signin", this::signIn);
    }

    private void signIn(Context ctx) {
        Environment env = SdkRequests.environment(ctx);
        ExternalAuthSettings settings = ExternalAuthSignIn.requireEnabled(env);
        RequestBody body = RequestBody.read(ctx, true);
        String token = body.optionalString("jwt", ExternalTokenVerifier.MAX_TOKEN_LENGTH)
                .or(() -> settings.cookieName().map(ctx::cookie).filter(c -> !c.isEmpty()))
                .orElseThrow(() -> ApiException.badRequest("jwt is required"));
        Optional<String> sessionPublicKey = body.optionalString("sessionPublicKey", 255, SESSION_PUBLIC_KEY, "a hex public key");
        Responses.json(ctx, 200, signIn.signIn(env, token, sessionPublicKey, SdkRequests.audience(ctx, env)).toJson());
    }
}
