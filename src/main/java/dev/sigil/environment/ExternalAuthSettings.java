package dev.sigil.environment;

import dev.sigil.http.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code security.externalAuth}: sign-in with a JWT issued by the app's own auth (Dynamic's shape,
 * {@code {enabled, iss, aud, jwksUrl, cookieName, assumeEmailVerified}}). Absent means disabled. When enabled,
 * {@code iss} and {@code jwksUrl} are required: a token is only trusted from one named issuer and its keys.
 *
 * @param audience    when present, a token's {@code aud} must contain it; when absent, {@code aud} is not checked
 * @param cookieName  cookie mode: where the client's app keeps the token when the body carries none
 */
public record ExternalAuthSettings(boolean enabled, Optional<String> issuer, Optional<String> audience,
                                   Optional<URI> jwksUrl, Optional<String> cookieName, boolean assumeEmailVerified) {
    private static final String PATH = "settings.security.externalAuth";
    private static final int MAX_TEXT = 2048;

    public static ExternalAuthSettings disabled() {
        return new ExternalAuthSettings(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    /** Reads and checks {@code security.externalAuth}; a 400 names the offending field. */
    public static ExternalAuthSettings read(ObjectNode security) {
        JsonNode node = security.get("externalAuth");
        if (node == null || node.isNull()) {
            return disabled();
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest(PATH + " must be an object");
        }
        boolean enabled = bool(object, "enabled");
        Optional<String> issuer = text(object, "iss", MAX_TEXT);
        Optional<String> audience = text(object, "aud", MAX_TEXT);
        Optional<URI> jwksUrl = text(object, "jwksUrl", MAX_TEXT).map(ExternalAuthSettings::httpUrl);
        Optional<String> cookieName = text(object, "cookieName", 255);
        boolean assumeEmailVerified = bool(object, "assumeEmailVerified");
        if (enabled && issuer.isEmpty()) {
            throw ApiException.badRequest(PATH + ".iss is required when external auth is enabled");
        }
        if (enabled && jwksUrl.isEmpty()) {
            throw ApiException.badRequest(PATH + ".jwksUrl is required when external auth is enabled");
        }
        return new ExternalAuthSettings(enabled, issuer, audience, jwksUrl, cookieName, assumeEmailVerified);
    }

    private static boolean bool(ObjectNode object, String key) {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest(PATH + "." + key + " must be a boolean");
        }
        return value.asBoolean();
    }

    private static Optional<String> text(ObjectNode object, String key, int maxLength) {
        JsonNode value = object.get(key);
        // An empty string means "not set", as null does: settings copied from Dynamic use both.
        if (value == null || value.isNull() || value.isString() && value.asString().isEmpty()) {
            return Optional.empty();
        }
        if (!value.isString() || value.asString().length() > maxLength) {
            throw ApiException.badRequest(PATH + "." + key + " must be null or a string of at most "
                    + maxLength + " characters");
        }
        return Optional.of(value.asString());
    }

    private static URI httpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawUserInfo() == null
                    && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // falls through to the 400 below
        }
        throw ApiException.badRequest(PATH + ".jwksUrl must be an http or https URL");
    }
}
