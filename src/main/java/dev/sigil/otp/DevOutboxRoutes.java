package dev.sigil.otp;

import dev.sigil.admin.AdminAuth;
import dev.sigil.environment.EnvironmentService;
import dev.sigil.http.IsoTime;
import dev.sigil.http.Responses;
import io.javalin.config.RoutesConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sigil dev} only: {@code GET /api/v0/admin/environments/{id}/dev/outbox} lists the last codes the console
 * sender printed, newest first. Operator token only: the codes sign anyone in, and a scoped API token (of any
 * environment, with any scopes) must not read them. Not registered by {@code sigil serve}, where it is a 404.
 */
public final class DevOutboxRoutes {
    private final EnvironmentService environments;
    private final DevConsoleSender console;

    public DevOutboxRoutes(EnvironmentService environments, DevConsoleSender console) {
        this.environments = environments;
        this.console = console;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v0/admin/environments/{id}/dev/outbox", ctx -> {
            AdminAuth.requireOperator(ctx);
            String id = environments.require(ctx.pathParam("id")).id();
            Responses.json(ctx, 200, Map.of("messages", console.recent(id).stream().map(sent -> {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("channel", sent.channel());
                out.put("to", sent.to());
                out.put("code", sent.code());
                out.put("sentAt", IsoTime.format(sent.sentAt()));
                return out;
            }).toList()));
        });
    }
}
