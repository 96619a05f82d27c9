package dev.sigil.webhook;

import dev.sigil.admin.AdminAuth;
import dev.sigil.admin.AdminPrincipal;
import dev.sigil.admin.Cursor;
import dev.sigil.admin.Scope;
import dev.sigil.environment.EnvironmentService;
import dev.sigil.http.ApiException;
import dev.sigil.http.RequestBody;
import dev.sigil.http.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API for webhooks, under {@code /api/v0/admin/environments/{envId}}: register, list and delete endpoints
 * ({@code webhooks:read} / {@code webhooks:write}), read an endpoint's delivery log and redeliver. As in
 * {@code AdminRoutes}, the caller is checked before the environment is read, so a token of another environment
 * sees the same 404 as an unknown environment.
 */
public final class WebhookRoutes {
    private static final String ENV = "/api/v0/admin/environments/{envId}";

    private final EnvironmentService environments;
    private final Webhooks webhooks;
    private final Deliveries deliveries;

    public WebhookRoutes(EnvironmentService environments, Webhooks webhooks, Deliveries deliveries) {
        this.environments = environments;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
    }

    public void register(RoutesConfig routes) {
        routes.post(ENV + "/webhooks", this::create);
        routes.get(ENV + "/webhooks", ctx -> {
            String env = authorized(ctx, Scope.WEBHOOKS_READ);
            Responses.json(ctx, 200, Map.of("webhooks", webhooks.list(env).stream().map(Webhooks::render).toList()));
        });
        routes.delete(ENV + "/webhooks/{webhookId}", ctx -> {
            AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.WEBHOOKS_WRITE);
            webhooks.delete(actor, environment(ctx), ctx.pathParam("webhookId"));
            Responses.noContent(ctx);
        });
        routes.get(ENV + "/webhooks/{webhookId}/deliveries", this::listDeliveries);
        routes.post(ENV + "/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", ctx -> {
            AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.WEBHOOKS_WRITE);
            String env = environment(ctx);
            deliveries.redeliver(actor, env, ctx.pathParam("webhookId"), ctx.pathParam("deliveryId"));
            Responses.json(ctx, 202, Map.of("id", ctx.pathParam("deliveryId"), "status", "pending"));
        });
    }

    private void create(Context ctx) {
        AdminPrincipal actor = AdminAuth.require(ctx, ctx.pathParam("envId"), Scope.WEBHOOKS_WRITE);
        String env = environment(ctx);
        RequestBody body = RequestBody.read(ctx, false);
        String url = body.requiredString("url", Webhooks.MAX_URL_LENGTH);
        JsonNode eventsNode = body.optionalNode("events").orElseThrow(() -> ApiException.badRequest("events is required"));
        if (!eventsNode.isArray()) {
            throw ApiException.badRequest("events must be an array of event types");
        }
        Set<EventType> events = EnumSet.noneOf(EventType.class);
        for (JsonNode item : eventsNode) {
            String wire = item.isString() ? item.asString() : "";
            events.add(EventType.of(wire).orElseThrow(() -> ApiException.badRequest(
                    "events must be names from " + List.of(EventType.values()))));
        }
        Webhooks.Created created = webhooks.create(actor, env, url, events);
        Map<String, Object> out = new LinkedHashMap<>(Webhooks.render(created.webhook()));
        out.put("secret", created.secret());
        Responses.json(ctx, 201, out);
    }

    private void listDeliveries(Context ctx) {
        String env = authorized(ctx, Scope.WEBHOOKS_READ);
        String webhookId = ctx.pathParam("webhookId");
        int limit = Cursor.limit(ctx.queryParam("limit"));
        if (!webhooks.exists(env, webhookId)) {
            throw ApiException.notFound("webhook not found", "not_found");
        }
        List<Deliveries.Delivery> rows = deliveries.page(webhookId, Cursor.parse(ctx.queryParam("cursor")), limit + 1);
        boolean more = rows.size() > limit;
        List<Deliveries.Delivery> shown = more ? rows.subList(0, limit) : rows;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deliveries", shown.stream().map(Deliveries::render).toList());
        out.put("nextCursor", more ? new Cursor(shown.getLast().createdAt(), shown.getLast().id()).encode() : null);
        Responses.json(ctx, 200, out);
    }

    private String authorized(Context ctx, Scope scope) {
        AdminAuth.require(ctx, ctx.pathParam("envId"), scope);
        return environment(ctx);
    }

    private String environment(Context ctx) {
        return environments.require(ctx.pathParam("envId")).id();
    }
}
