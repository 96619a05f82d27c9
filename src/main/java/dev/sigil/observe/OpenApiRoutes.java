package dev.sigil.observe;

import io.javalin.config.RoutesConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v0/openapi.json}: the checked-in OpenAPI 3.1 description of every route Sigil serves
 * ({@code src/main/resources/openapi.json}). A test compares it with the routes actually registered.
 */
public final class OpenApiRoutes {
    public static final String PATH = "/api/v0/openapi.json";
    public static final String RESOURCE = "/openapi.json";

    private final byte[] document;

    public OpenApiRoutes() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("openapi.json missing from the classpath");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(RoutesConfig routes) {
        routes.get(PATH, ctx -> ctx.status(200).contentType("application/json").result(document));
    }
}
