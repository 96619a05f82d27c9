package dev.sigil.environment;

import dev.sigil.admin.AdminAuth;
import dev.sigil.admin.AdminPrincipal;
import dev.sigil.admin.AuditLog;
import dev.sigil.admin.Scope;
import dev.sigil.http.ApiException;
import dev.sigil.http.RequestBody;
import dev.sigil.http.Responses;
import dev.sigil.keys.SigningKeys;
import dev.sigil.http.IsoTime;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API for environments and their keys, under {@code /api/v0/admin}. Environments are managed with the
 * operator token only; keys also with a token of the environment holding {@code keys:read} / {@code keys:write}.
 * Every change is audited in its transaction.
 */
public final class EnvironmentAdminRoutes {
    private static final String BASE = "/api/v0/admin/environments";
    private final EnvironmentService environments;
    private final SigningKeys keys;
    private final AdminAuth auth;
    private final AuditLog audit;

    public EnvironmentAdminRoutes(EnvironmentService environments, SigningKeys keys, AdminAuth auth, AuditLog audit) {
        this.environments = environments;
        this.keys = keys;
        this.auth = auth;
        this.audit = audit;
    }

    public void register(RoutesConfig routes) {
        routes.before("/api/v0/admin/*", auth::resolve);
        routes.post(BASE, this::create);
        routes.get(BASE, ctx -> {
            AdminAuth.requireOperator(ctx);
            Responses.json(ctx, 200, Map.of("environments",
                    environments.list().stream().map(EnvironmentAdminRoutes::render).toList()));
        });
        routes.get(BASE + "/{id}", ctx -> {
            AdminAuth.requireOperator(ctx);
            Responses.json(ctx, 200, render(environments.require(ctx.pathParam("id"))));
        });
        routes.patch(BASE + "/{id}", this::change);
        routes.post(BASE + "/{id}/keys/rotate", this::rotate);
        routes.post(BASE + "/{id}/keys/{kid}/retire", this::retire);
        routes.get(BASE + "/{id}/keys", ctx -> {
            AdminAuth.require(ctx, ctx.pathParam("id"), Scope.KEYS_READ);
            Environment env = environments.require(ctx.pathParam("id"));
            Responses.json(ctx, 200, Map.of("keys", keys.describe(env.id())));
        });
    }

    private void create(Context ctx) {
        AdminPrincipal actor = AdminAuth.requireOperator(ctx);
        RequestBody body = RequestBody.read(ctx, false);
        String name = body.requiredString("name", EnvironmentService.MAX_NAME_LENGTH);
        List<String> origins = originsOf(body).orElse(List.of());
        Responses.json(ctx, 201, render(environments.create(name, origins, (h, env) ->
                audit.record(h, actor, env.id(), "environment.create", "environment", env.id(), Map.of("name", env.name())))));
    }

    private void change(Context ctx) {
        AdminPrincipal actor = AdminAuth.requireOperator(ctx);
        String id = ctx.pathParam("id");
        RequestBody body = RequestBody.read(ctx, false);
        Optional<ObjectNode> settings = body.optionalNode("settings").map(node -> {
            if (!(node instanceof ObjectNode object)) {
                throw ApiException.badRequest("settings must be an object");
            }
            return object;
        });
        EnvironmentService.Changes changes = new EnvironmentService.Changes(
                body.optionalString("name", EnvironmentService.MAX_NAME_LENGTH), originsOf(body), settings);
        List<String> fields = new ArrayList<>();
        changes.name().ifPresent(n -> fields.add("name"));
        changes.allowedOrigins().ifPresent(o -> fields.add("allowedOrigins"));
        changes.settings().ifPresent(o -> fields.add("settings"));
        Responses.json(ctx, 200, render(environments.change(id, changes, (h, env) ->
                audit.record(h, actor, env.id(), "environment.update", "environment", env.id(), Map.of("fields", fields)))));
    }

    private void rotate(Context ctx) {
        String id = ctx.pathParam("id");
        AdminPrincipal actor = AdminAuth.require(ctx, id, Scope.KEYS_WRITE);
        String kid = environments.rotateKey(id, (h, newKid) ->
                audit.record(h, actor, id, "key.rotate", "key", newKid, Map.of()));
        Responses.json(ctx, 201, Map.of("kid", kid, "keys", keys.describe(id)));
    }

    /** Retires a non-current key now: tokens it signed stop verifying. The current key: 422, rotate first. */
    private void retire(Context ctx) {
        String id = ctx.pathParam("id");
        String kid = ctx.pathParam("kid");
        AdminPrincipal actor = AdminAuth.require(ctx, id, Scope.KEYS_WRITE);
        environments.retireKey(id, kid, (h, retired) ->
                audit.record(h, actor, id, "key.retire", "key", retired, Map.of()));
        Responses.json(ctx, 200, Map.of("kid", kid, "keys", keys.describe(id)));
    }

    private static Optional<List<String>> originsOf(RequestBody body) {
        return body.optionalNode("allowedOrigins").map(node -> {
            if (!node.isArray()) {
                throw ApiException.badRequest("allowedOrigins must be an array of origins");
            }
            List<String> origins = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isString()) {
                    throw ApiException.badRequest("allowedOrigins must be an array of origins");
                }
                origins.add(item.asString());
            }
            return origins;
        });
    }

    public static Map<String, Object> render(Environment env) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", env.id());
        out.put("name", env.name());
        out.put("allowedOrigins", env.allowedOrigins());
        out.put("settings", env.settings().document());
        out.put("createdAt", IsoTime.format(env.createdAt()));
        out.put("updatedAt", IsoTime.format(env.updatedAt()));
        return out;
    }
}
