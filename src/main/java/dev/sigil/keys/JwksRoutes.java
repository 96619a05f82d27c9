package dev.sigil.keys;

import dev.sigil.http.Responses;
import dev.sigil.http.SdkRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.Map;

/** The public keys of an environment, for any backend's JOSE library. */
public final class JwksRoutes {
    private static final String BASE = "/api/v0/sdk/{environmentId}/.well-known";
    private final SigningKeys keys;

    public JwksRoutes(SigningKeys keys) {
        this.keys = keys;
    }

    public void register(RoutesConfig routes) {
        routes.get(BASE + "/jwks", this::jwks);
        routes.get(BASE + "/jwks.json", this::jwks);
    }

    private void jwks(Context ctx) {
        // Verifiers cache JWKS; a short max-age keeps a rotation visible within a minute.
        ctx.header("Cache-Control", "public, max-age=60");
        Responses.json(ctx, 200, Map.of("keys", keys.jwks(SdkRequests.environment(ctx).id())));
    }
}
