package dev.sigil.http;

import io.javalin.http.Context;

/** Writes JSON responses. */
public final class Responses {
    private Responses() {
    }

    public static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    public static void noContent(Context ctx) {
        ctx.status(204).result(new byte[0]);
    }
}
