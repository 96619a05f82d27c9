package dev.sigil.session;

import dev.sigil.environment.Environment;
import dev.sigil.http.RequestBody;
import dev.sigil.http.Responses;
import dev.sigil.http.SdkRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** Refresh, revoke, session check and the signed-in user, under {@code /api/v0/sdk/{environmentId}}. */
public final class SessionRoutes {
    private static final String BASE = "/api/v0/sdk/{environmentId}";
    private final SessionService sessions;

    public SessionRoutes(SessionService sessions) {
        this.sessions = sessions;
    }

    public void register(RoutesConfig routes) {
        routes.post(BASE + "/refresh", this::refresh);
        routes.post(BASE + "/revoke", ctx -> {
            RequestBody.readBounded(ctx);
            sessions.revoke(SdkRequests.environment(ctx), SdkRequests.bearer(ctx));
            Responses.noContent(ctx);
        });
        routes.get(BASE + "/session", ctx -> {
            sessions.check(SdkRequests.environment(ctx), SdkRequests.bearer(ctx));
            Responses.noContent(ctx);
        });
        routes.get(BASE + "/users", ctx -> Responses.json(ctx, 200,
                sessions.currentUser(SdkRequests.environment(ctx), SdkRequests.bearer(ctx))));
    }

    /** No body is expected; whatever the client sends (Dynamic's sends none, with a JSON content type) is ignored. */
    private void refresh(Context ctx) {
        RequestBody.readBounded(ctx);
        Environment env = SdkRequests.environment(ctx);
        Responses.json(ctx, 200, sessions.refresh(env, SdkRequests.bearer(ctx), SdkRequests.audience(ctx, env)).toJson());
    }
}
