package dev.sigil.token;

import java.net.URI;
import java.util.function.Supplier;

/**
 * Builds {@code iss}: host[:port] of the server's public URL, a slash and the environment id, with no scheme,
 * as Dynamic's {@code app.dynamicauth.com/<environmentId>}. The authority is known only once the server is
 * bound (port 0 picks one), hence the supplier.
 */
public final class Issuer {
    private final Supplier<String> publicUrl;

    public Issuer(Supplier<String> publicUrl) {
        this.publicUrl = publicUrl;
    }

    public String forEnvironment(String environmentId) {
        return URI.create(publicUrl.get()).getRawAuthority() + "/" + environmentId;
    }
}
