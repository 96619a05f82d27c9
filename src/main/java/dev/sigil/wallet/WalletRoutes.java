package dev.sigil.wallet;

import dev.sigil.store.Ids;
import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import dev.sigil.http.RequestBody;
import dev.sigil.http.Responses;
import dev.sigil.http.SdkRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Nonces, wallet sign-in, link and unlink under {@code /api/v0/sdk/{environmentId}}. */
public final class WalletRoutes {
    private static final String BASE = "/api/v0/sdk/{environmentId}";
    /** Dynamic's ChainEnum: every value is well-formed; Sigil verifies EVM/ETH and SOL (and answers 422 for the rest). */
    static final Set<String> CHAINS = Set.of("ETH", "EVM", "FLOW", "SOL", "ALGO", "STARK", "COSMOS", "BTC", "ECLIPSE",
            "SUI", "SPARK", "TRON", "APTOS", "TON", "STELLAR", "ALEO", "TEMPO", "MIDNIGHT");
    static final Set<String> WALLET_PROVIDERS = Set.of("browserExtension", "custodialService", "walletConnect", "qrCode",
            "deepLink", "embeddedWallet", "smartContractWallet");
    /** Dynamic's NonEmptyString pattern (no leading/trailing space, a conservative character set). */
    static final Pattern NON_EMPTY_STRING = Pattern.compile("^(?=\\S)[\\p{L}\\p{N}a-zA-Z _.,:!?&%@/+\\-'|]+(?<=\\S)$");
    static final Pattern SESSION_PUBLIC_KEY = Pattern.compile("^[0-9a-fA-F]{2,255}$");
    public static final int MAX_MESSAGE_LENGTH = 8192;
    public static final int MAX_SIGNATURE_LENGTH = 2048;
    public static final int MAX_FIELD_LENGTH = 255;


    private final Nonces nonces;
    private final WalletSignIn signIn;
    private final WalletLinks links;

    public WalletRoutes(Nonces nonces, WalletSignIn signIn, WalletLinks links) {
        this.nonces = nonces;
        this.signIn = signIn;
        this.links = links;
    }

    public void register(RoutesConfig routes) {
        routes.get(BASE + "/nonce", ctx -> Responses.json(ctx, 200,
                Map.of("nonce", nonces.issue(SdkRequests.environment(ctx).id(), 1).getFirst())));
        routes.get(BASE + "/nonces", ctx -> Responses.json(ctx, 200,
                Map.of("nonces", nonces.issue(SdkRequests.environment(ctx).id(), count(ctx)))));
        routes.post(BASE + "/verify", this::signIn);
        routes.post(BASE + "/wallets/signin", this::signIn);
        routes.post(BASE + "/verify/link", this::link);
        routes.post(BASE + "/wallets/verify", this::link);
        routes.post(BASE + "/verify/unlink", this::unlink);
    }

    private void link(Context ctx) {
        Environment env = SdkRequests.environment(ctx);
        String bearer = SdkRequests.bearer(ctx);
        VerifyRequest request = parse(RequestBody.read(ctx, false));
        Responses.json(ctx, 200, links.link(env, bearer, request, SdkRequests.audience(ctx, env)).toJson());
    }

    private void unlink(Context ctx) {
        Environment env = SdkRequests.environment(ctx);
        String bearer = SdkRequests.bearer(ctx);
        String credentialId = unlinkTarget(RequestBody.read(ctx, false));
        Responses.json(ctx, 200, links.unlink(env, bearer, credentialId, SdkRequests.audience(ctx, env)).toJson());
    }

    /**
     * VerifyUnlinkRequest: the credential in {@code verifiedCredentialId} (social accounts, which may come with a
     * {@code walletId} too), the legacy misspelling {@code verifiedCrentialId}, or {@code walletId} (what the current
     * client sends to remove a wallet). {@code primaryWalletId} is validated and otherwise unused: Sigil keeps no
     * primary wallet.
     */
    static String unlinkTarget(RequestBody body) {
        var walletId = body.optionalString("walletId", 36, Ids.ID, "a lowercase UUID");
        var credentialId = body.optionalString("verifiedCredentialId", 36, Ids.ID, "a lowercase UUID");
        var legacyId = body.optionalString("verifiedCrentialId", 36, Ids.ID, "a lowercase UUID");
        body.optionalString("primaryWalletId", 36, Ids.ID, "a lowercase UUID");
        return credentialId.or(() -> legacyId).or(() -> walletId).orElseThrow(() -> ApiException.badRequest(
                "walletId, verifiedCredentialId or verifiedCrentialId is required"));
    }

    private void signIn(Context ctx) {
        Environment env = SdkRequests.environment(ctx);
        VerifyRequest request = parse(RequestBody.read(ctx, false));
        dev.sigil.observe.SignIns.walletChain(ctx, request.chain());
        Responses.json(ctx, 200, signIn.signIn(env, request, SdkRequests.audience(ctx, env)).toJson());
    }

    private static int count(Context ctx) {
        String raw = ctx.queryParam("count");
        if (raw == null) {
            return 1;
        }
        try {
            int count = Integer.parseInt(raw);
            if (count >= 1 && count <= Nonces.MAX_PER_REQUEST) {
                return count;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the 400 below
        }
        throw ApiException.badRequest("count must be an integer from 1 to " + Nonces.MAX_PER_REQUEST);
    }

    static VerifyRequest parse(RequestBody body) {
        String chain = body.requiredString("chain", 16);
        if (!CHAINS.contains(chain)) {
            throw ApiException.badRequest("chain must be one of Dynamic's ChainEnum values");
        }
        String provider = body.requiredString("walletProvider", 32);
        if (!WALLET_PROVIDERS.contains(provider)) {
            throw ApiException.badRequest("walletProvider must be one of " + String.join(", ", WALLET_PROVIDERS.stream().sorted().toList()));
        }
        return new VerifyRequest(
                body.requiredString("messageToSign", MAX_MESSAGE_LENGTH),
                body.requiredString("signedMessage", MAX_SIGNATURE_LENGTH),
                body.optionalString("publicWalletAddress", MAX_FIELD_LENGTH, NON_EMPTY_STRING, "a wallet address")
                        .orElseThrow(() -> ApiException.badRequest("publicWalletAddress is required")),
                chain,
                body.optionalString("walletName", MAX_FIELD_LENGTH, NON_EMPTY_STRING, "a wallet name of letters, digits and simple punctuation")
                        .orElseThrow(() -> ApiException.badRequest("walletName is required")),
                provider,
                body.optionalString("sessionPublicKey", MAX_FIELD_LENGTH, SESSION_PUBLIC_KEY, "a hex public key"));
    }
}
