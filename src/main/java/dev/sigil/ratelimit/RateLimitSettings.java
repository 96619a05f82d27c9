package dev.sigil.ratelimit;

import dev.sigil.http.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.EnumMap;
import java.util.Map;

/**
 * An environment's rate limits, read from {@code settings.sigil.rateLimits} (Sigil's own key, as for
 * {@code settings.sigil.otp}): each field of {@link RateLimit#setting()} is optional, an integer from 1 to
 * {@link RateLimit#MAX_SETTING}; absent fields keep the default.
 */
public record RateLimitSettings(Map<RateLimit, Rate> rates) {
    private static final String PATH = "settings.sigil.rateLimits";

    public RateLimitSettings {
        rates = Map.copyOf(rates);
    }

    public static RateLimitSettings defaults() {
        return from(dev.sigil.http.Json.MAPPER.createObjectNode());
    }

    /** Validates and reads the settings; a mistake is a 400 naming the field. */
    public static RateLimitSettings from(ObjectNode settings) {
        JsonNode sigil = settings.get("sigil");
        if (sigil != null && !(sigil instanceof ObjectNode)) {
            throw ApiException.badRequest("settings.sigil must be an object");
        }
        JsonNode node = sigil == null ? null : sigil.get("rateLimits");
        if (node != null && !(node instanceof ObjectNode)) {
            throw ApiException.badRequest(PATH + " must be an object");
        }
        Map<RateLimit, Rate> rates = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            JsonNode value = node == null ? null : node.get(limit.setting());
            rates.put(limit, value == null ? limit.defaultRate() : limit.withLimit(integer(limit, value)));
        }
        if (node != null) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (rates.keySet().stream().noneMatch(l -> l.setting().equals(field.getKey()))) {
                    throw ApiException.badRequest(PATH + "." + field.getKey() + " is not a rate limit Sigil knows");
                }
            }
        }
        return new RateLimitSettings(rates);
    }

    public Rate rate(RateLimit limit) {
        return rates.get(limit);
    }

    private static int integer(RateLimit limit, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1 || value.asInt() > RateLimit.MAX_SETTING) {
            throw ApiException.badRequest(PATH + "." + limit.setting() + " must be an integer from 1 to " + RateLimit.MAX_SETTING);
        }
        return value.asInt();
    }
}
