package dev.sigil.profile;

import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.http.RequestBody;
import dev.sigil.http.Responses;
import dev.sigil.http.SdkRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code PUT|DELETE /users} and {@code GET /users/check} under {@code /api/v0/sdk/{environmentId}}. */
public final class ProfileRoutes {
    private static final String BASE = "/api/v0/sdk/{environmentId}";
    private final ProfileService profiles;

    public ProfileRoutes(ProfileService profiles) {
        this.profiles = profiles;
    }

    public void register(RoutesConfig routes) {
        routes.put(BASE + "/users", this::update);
        routes.delete(BASE + "/users", ctx -> {
            RequestBody.readBounded(ctx);
            profiles.delete(SdkRequests.environment(ctx), SdkRequests.bearer(ctx));
            Responses.noContent(ctx);
        });
        routes.get(BASE + "/users/check", this::check);
    }

    private void update(Context ctx) {
        Environment env = SdkRequests.environment(ctx);
        String bearer = SdkRequests.bearer(ctx);
        UserFields fields = UserFields.parse(RequestBody.read(ctx, false));
        Responses.json(ctx, 200, profiles.update(env, bearer, fields, SdkRequests.audience(ctx, env)));
    }

    /**
     * Dynamic's client serialises the filter as {@code filter[field]=..&filter[value]=..}; OpenAPI's form style
     * would give {@code field=..&value=..}. Both are accepted.
     */
    private void check(Context ctx) {
        Environment env = SdkRequests.environment(ctx);
        String bearer = SdkRequests.bearer(ctx);
        String field = query(ctx, "field");
        String value = query(ctx, "value");
        if (value.isEmpty() || value.length() > UserFields.MAX_TEXT) {
            throw ApiException.badRequest("filter[value] must be a non-empty string of at most 255 characters");
        }
        ProfileService.CheckedField checked = switch (field) {
            case "email" -> ProfileService.CheckedField.EMAIL;
            case "username" -> ProfileService.CheckedField.USERNAME;
            case "name-service-subdomain-handle" ->
                    throw ApiException.badRequest("Sigil has no name service: filter[field] must be email or username");
            default -> throw ApiException.badRequest("filter[field] must be email or username");
        };
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("field", field);
        out.put("value", value);
        out.put("available", profiles.available(env, bearer, checked, value));
        Responses.json(ctx, 200, out);
    }

    private static String query(Context ctx, String name) {
        String value = ctx.queryParam("filter[" + name + "]");
        if (value == null) {
            value = ctx.queryParam(name);
        }
        if (value == null) {
            throw ApiException.badRequest("filter[" + name + "] is required");
        }
        return value;
    }
}
