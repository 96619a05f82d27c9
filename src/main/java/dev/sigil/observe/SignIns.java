package dev.sigil.observe;

import io.javalin.http.Context;

/**
 * Lets a route say which wallet chain a sign-in used; {@link RequestObservation} counts the attempt with the
 * response's outcome. The other sign-in methods are known from the route alone.
 */
public final class SignIns {
    static final String METHOD_ATTRIBUTE = "sigil.signInMethod";

    private SignIns() {
    }

    /** Marks this request as a wallet sign-in on {@code chain} (Dynamic's ChainEnum value). */
    public static void walletChain(Context ctx, String chain) {
        ctx.attribute(METHOD_ATTRIBUTE, switch (chain) {
            case "EVM", "ETH" -> "wallet_evm";
            case "SOL" -> "wallet_solana";
            default -> "wallet_other";
        });
    }
}
