package dev.sigil.admin;

import dev.sigil.environment.Environment;
import dev.sigil.environment.EnvironmentService;
import dev.sigil.http.ApiException;
import dev.sigil.http.RequestBody;
import dev.sigil.http.Responses;
import dev.sigil.user.UserDirectory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API for an environment's API tokens, users, sessions and audit log, under
 * {@code /api/v0/admin/environments/{envId}}. These routes live in {@code dev.sigil.admin} rather than in the user
 * and session features because what they add is the operator's concern: principals, scopes, audit and paging.
 * The SQL stays with the features ({@code UserDirectory}, {@code SessionDirectory}).
 *
 * <p>Each handler first checks the caller ({@link AdminAuth#require}) and only then reads the environment, so a
 * token of another environment sees the same 404 as an unknown environment.
 */
public final class AdminRoutes {
    private static final String ENV = "/api/v0/admin/environments/{envId}";
    private static final int MAX_FILTER_LENGTH = 255;

    private final EnvironmentService environments;
    private final ApiTokens tokens;
    private final UserAdmin users;
    private final AuditLog audit;

    public AdminRoutes(EnvironmentService environments, ApiTokens tokens, UserAdmin users, AuditLog audit) {
        this.environments = environments;
        this.tokens = tokens;
        this.users = users;
        this.audit = audit;
    }

    public void register(RoutesConfig routes) {
        routes.post(ENV + "/tokens", this::createToken);
        routes.get(ENV + "/tokens", ctx -> {
            AdminAuth.requireOperator(ctx);
            Environment env = environment(ctx);
            Responses.json(ctx, 200, Map.of("tokens", tokens.list(env.id()).stream().map(ApiTokens::render).toList()));
        });
        routes.delete(ENV + "/tokens/{tokenId}", ctx -> {
            AdminPrincipal actor = AdminAuth.requireOperator(ctx);
            tokens.revoke(actor, environment(ctx).id(), ctx.pathParam("tokenId"));
            Responses.noContent(ctx);
        });

        routes.get(ENV + "/users", this::listUsers);
        routes.get(ENV + "/users/{userId}", ctx -> {
            String env = authorized(ctx, Scope.USERS_READ);
            Responses.json(ctx, 200, users.detail(env, ctx.pathParam("userId")));
        });
        routes.patch(ENV + "/users/{userId}", ctx -> {
            AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.USERS_WRITE);
            String env = environment(ctx).id();
            UserPatch patch = UserPatch.parse(RequestBody.read(ctx, false).object());
            Responses.json(ctx, 200, users.patch(actor, env, ctx.pathParam("userId"), patch));
        });
        routes.delete(ENV + "/users/{userId}", ctx -> {
            AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.USERS_WRITE);
            users.delete(actor, environment(ctx).id(), ctx.pathParam("userId"));
            Responses.noContent(ctx);
        });
        routes.post(ENV + "/users/{userId}/block", ctx -> block(ctx, true));
        routes.post(ENV + "/users/{userId}/unblock", ctx -> block(ctx, false));

        routes.get(ENV + "/users/{userId}/sessions", ctx -> {
            String env = authorized(ctx, Scope.SESSIONS_READ);
            Responses.json(ctx, 200, Map.of("sessions", users.sessionsOf(env, ctx.pathParam("userId"))));
        });
        routes.post(ENV + "/users/{userId}/sessions/revoke", ctx -> {
            AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.SESSIONS_WRITE);
            int revoked = users.revokeSessionsOf(actor, environment(ctx).id(), ctx.pathParam("userId"));
            Responses.json(ctx, 200, Map.of("revoked", revoked));
        });
        routes.post(ENV + "/sessions/revoke", ctx -> {
            AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.SESSIONS_WRITE);
            Responses.json(ctx, 200, Map.of("revoked", users.revokeAllSessions(actor, environment(ctx).id())));
        });
        routes.post(ENV + "/sessions/{sessionId}/revoke", ctx -> {
            AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.SESSIONS_WRITE);
            int revoked = users.revokeSession(actor, environment(ctx).id(), ctx.pathParam("sessionId"));
            Responses.json(ctx, 200, Map.of("revoked", revoked));
        });

        routes.get(ENV + "/audit", ctx -> {
            String env = authorized(ctx, Scope.AUDIT_READ);
            int limit = Cursor.limit(ctx.queryParam("limit"));
            List<AuditLog.Entry> rows = audit.page(env, Cursor.parse(ctx.queryParam("cursor")), limit + 1);
            boolean more = rows.size() > limit;
            List<AuditLog.Entry> shown = more ? rows.subList(0, limit) : rows;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("entries", shown.stream().map(AuditLog::render).toList());
            out.put("nextCursor", more ? new Cursor(shown.getLast().createdAt(), shown.getLast().id()).encode() : null);
            Responses.json(ctx, 200, out);
        });
    }

    private void createToken(Context ctx) {
        AdminPrincipal actor = AdminAuth.requireOperator(ctx);
        Environment env = environment(ctx);
        RequestBody body = RequestBody.read(ctx, false);
        String name = body.requiredString("name", ApiTokens.MAX_NAME_LENGTH);
        JsonNode scopesNode = body.optionalNode("scopes")
                .orElseThrow(() -> ApiException.badRequest("scopes is required"));
        if (!scopesNode.isArray()) {
            throw ApiException.badRequest("scopes must be an array of scope names");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JsonNode item : scopesNode) {
            String wire = item.isString() ? item.asString() : "";
            scopes.add(Scope.of(wire).orElseThrow(() -> ApiException.badRequest(
                    "scopes must be names from " + List.of(Scope.values()))));
        }
        ApiTokens.Created created = tokens.create(actor, env.id(), name, scopes);
        Map<String, Object> out = new LinkedHashMap<>(ApiTokens.render(created.token()));
        out.put("token", created.secret());
        Responses.json(ctx, 201, out);
    }

    private void listUsers(Context ctx) {
        String env = authorized(ctx, Scope.USERS_READ);
        int limit = Cursor.limit(ctx.queryParam("limit"));
        Optional<Cursor> cursor = Cursor.parse(ctx.queryParam("cursor"));
        UserDirectory.Query query = new UserDirectory.Query(filter(ctx, "email"), filter(ctx, "walletAddress"),
                filter(ctx, "username"), instant(ctx, "createdAfter"), instant(ctx, "createdBefore"),
                cursor.map(Cursor::createdAt), cursor.map(Cursor::id), limit);
        UserAdmin.Page page = users.page(env, query);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", page.users());
        out.put("nextCursor", page.nextCursor().orElse(null));
        Responses.json(ctx, 200, out);
    }

    private void block(Context ctx, boolean blocked) {
        AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.USERS_WRITE);
        Responses.json(ctx, 200, users.setBlocked(actor, environment(ctx).id(), ctx.pathParam("userId"), blocked));
    }

    /** Checks the caller for {@code scope} in the path's environment, then that the environment exists; its id. */
    private String authorized(Context ctx, Scope scope) {
        AdminAuth.require(ctx, ctx.pathParam("envId"), scope);
        return environment(ctx).id();
    }

    private Environment environment(Context ctx) {
        return environments.require(ctx.pathParam("envId"));
    }

    private static Optional<String> filter(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > MAX_FILTER_LENGTH) {
            throw ApiException.badRequest(name + " must be at most " + MAX_FILTER_LENGTH + " characters");
        }
        // PostgreSQL refuses NUL in text parameters with an error, which would surface as a 500.
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(name + " must not contain control characters");
        }
        return Optional.of(value);
    }

    private static Optional<Instant> instant(Context ctx, String name) {
        return filter(ctx, name).map(text -> {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest(name + " must be an ISO-8601 instant such as 2025-01-01T00:00:00Z");
            }
        });
    }
}
