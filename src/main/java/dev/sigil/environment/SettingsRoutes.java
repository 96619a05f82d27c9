package dev.sigil.environment;

import dev.sigil.http.Responses;
import dev.sigil.http.SdkRequests;
import io.javalin.config.RoutesConfig;

import java.util.Set;

/** {@code GET /api/v0/sdk/{environmentId}/settings}, no auth: the public project settings (see {@link PublicSettings}). */
public final class SettingsRoutes {
    private final Set<String> providers;

    /** @param providers the one-time code sign-in methods this server can send codes for */
    public SettingsRoutes(Set<String> providers) {
        this.providers = Set.copyOf(providers);
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v0/sdk/{environmentId}/settings",
                ctx -> Responses.json(ctx, 200, PublicSettings.of(SdkRequests.environment(ctx), providers)));
    }
}
