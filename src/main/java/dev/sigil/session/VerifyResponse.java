package dev.sigil.session;

import dev.sigil.token.IssuedTokens;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dynamic's VerifyResponse: {@code {"jwt", "minifiedJwt", "expiresAt", "user"}}, the answer of every sign-in,
 * link, unlink, profile update and refresh. {@code expiresAt} is unix seconds: the client logs out at it.
 */
public record VerifyResponse(IssuedTokens tokens, Map<String, Object> user) {

    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jwt", tokens.jwt());
        out.put("minifiedJwt", tokens.minifiedJwt());
        out.put("expiresAt", tokens.expiresAt());
        out.put("user", user);
        return out;
    }
}
