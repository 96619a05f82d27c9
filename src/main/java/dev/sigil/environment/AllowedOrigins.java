package dev.sigil.environment;

import dev.sigil.http.ApiException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Validation and normal form of an environment's allowed origins: {@code scheme://host[:port]}, lowercase,
 * http or https, no path, query, fragment or user info. Browsers send the Origin header in exactly this form,
 * so comparing normal forms is a plain string comparison.
 */
public final class AllowedOrigins {
    public static final int MAX_ORIGINS = 100;
    public static final int MAX_ORIGIN_LENGTH = 255;

    private AllowedOrigins() {
    }

    public static List<String> normalise(List<String> origins) {
        if (origins.size() > MAX_ORIGINS) {
            throw ApiException.badRequest("allowedOrigins may hold at most " + MAX_ORIGINS + " origins");
        }
        LinkedHashSet<String> normalised = new LinkedHashSet<>();
        for (String origin : origins) {
            normalised.add(normalise(origin));
        }
        return new ArrayList<>(normalised);
    }

    public static String normalise(String origin) {
        String problem = "allowedOrigins entries must be origins like https://app.example.com, got an invalid one";
        if (origin == null || origin.isEmpty() || origin.length() > MAX_ORIGIN_LENGTH) {
            throw ApiException.badRequest(problem);
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest(problem);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean pathless = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !pathless || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw ApiException.badRequest(problem);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }

    /** The authority ({@code host[:port]}) of a normalised origin: what a sign-in message's domain must equal. */
    public static String authority(String normalisedOrigin) {
        return normalisedOrigin.substring(normalisedOrigin.indexOf("://") + 3);
    }
}
