package dev.sigil.ratelimit;

import dev.sigil.admin.AdminAuth;
import dev.sigil.admin.AdminPrincipal;
import dev.sigil.environment.EnvironmentService;
import dev.sigil.http.SdkRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The rate limits keyed by client address or admin token, as before-handlers: they run after the environment
 * (SDK) or the caller (admin) is resolved and before any work is done. The limits keyed by what a request says
 * (an email, a phone number) or proves (a session) are checked by the services that know it.
 */
public final class RateLimitRoutes {
    private static final String BASE = SdkRequests.PREFIX + "{environmentId}";
    static final List<String> NONCE_PATHS = List.of("/nonce", "/nonces");
    static final List<String> VERIFICATION_PATHS = List.of("/emailVerifications/create", "/emailVerifications/retry",
            "/smsVerifications/create", "/smsVerifications/retry");
    static final List<String> SIGN_IN_PATHS = List.of("/verify", "/wallets/signin", "/emailVerifications/signin",
            "/smsVerifications/signin", "/externalAuth/signin");
    /**
     * The operator token is not tied to an environment: its limit is the process's
     * ({@code SIGIL_OPERATOR_REQUESTS_PER_MINUTE}), counted across all of them.
     */
    private static final String OPERATOR_SCOPE = "operator";

    private final RateLimiter limiter;
    private final TrustedProxies proxies;
    private final EnvironmentService environments;
    private final Rate operatorRate;

    public RateLimitRoutes(RateLimiter limiter, TrustedProxies proxies, EnvironmentService environments,
                           int operatorRequestsPerMinute) {
        this.limiter = limiter;
        this.proxies = proxies;
        this.environments = environments;
        this.operatorRate = RateLimit.ADMIN_REQUESTS_PER_TOKEN.withLimit(operatorRequestsPerMinute);
    }

    public void register(RoutesConfig routes) {
        NONCE_PATHS.forEach(path -> routes.before(BASE + path, ctx -> perClient(ctx, RateLimit.NONCES_PER_IP)));
        VERIFICATION_PATHS.forEach(path -> routes.before(BASE + path, ctx -> perClient(ctx, RateLimit.VERIFICATIONS_PER_IP)));
        SIGN_IN_PATHS.forEach(path -> routes.before(BASE + path, ctx -> perClient(ctx, RateLimit.SIGN_INS_PER_IP)));
        routes.before("/api/v0/admin/*", this::perAdminToken);
    }

    private void perClient(Context ctx, RateLimit limit) {
        if (isPreflight(ctx)) {
            return;
        }
        limiter.check(SdkRequests.environment(ctx), limit, clientKey(client(ctx)));
    }

    private void perAdminToken(Context ctx) {
        if (isPreflight(ctx)) {
            return;
        }
        switch (AdminAuth.principal(ctx)) {
            case AdminPrincipal.Operator operator -> limiter.check(RateLimit.ADMIN_REQUESTS_PER_TOKEN, operatorRate,
                    OPERATOR_SCOPE, operator.actor());
            case AdminPrincipal.ApiToken token -> limiter.check(environments.require(token.environmentId()),
                    RateLimit.ADMIN_REQUESTS_PER_TOKEN, token.actor());
        }
    }

    /** The client's address: the socket peer, or from {@code X-Forwarded-For} when the peer is a trusted proxy. */
    InetAddress client(Context ctx) {
        InetAddress peer = IpAddresses.parseWithOptionalPort(ctx.req().getRemoteAddr())
                .orElseThrow(() -> new IllegalStateException("socket peer is not an IP address"));
        return proxies.client(peer, Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
    }

    /**
     * The limit key of an address: IPv4 as is; IPv6 by its /64, because one subscriber is routinely handed a whole
     * /64 and could otherwise rotate through 2^64 addresses.
     */
    static String clientKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            return HexFormat.of().formatHex(address.getAddress(), 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }

    private static boolean isPreflight(Context ctx) {
        return ctx.method().name().equals("OPTIONS");
    }
}
