package dev.sigil;

import dev.sigil.admin.AdminAuth;
import dev.sigil.admin.AdminRoutes;
import dev.sigil.config.Config;
import dev.sigil.environment.EnvironmentAdminRoutes;
import dev.sigil.environment.SettingsRoutes;
import dev.sigil.externalauth.ExternalAuthRoutes;
import dev.sigil.http.ConnectionLimits;
import dev.sigil.http.HttpServer;
import dev.sigil.http.SdkRequests;
import dev.sigil.http.TokenCookie;
import dev.sigil.keys.JwksRoutes;
import dev.sigil.observe.MetricsRoutes;
import dev.sigil.observe.OpenApiRoutes;
import dev.sigil.observe.RequestObservation;
import dev.sigil.profile.ProfileRoutes;
import dev.sigil.profile.ProfileService;
import dev.sigil.ratelimit.RateLimitRoutes;
import dev.sigil.session.SessionRoutes;
import dev.sigil.wallet.WalletRoutes;
import dev.sigil.webhook.WebhookRoutes;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A running Sigil server: the services and the HTTP server in front of them. */
public final class App implements AutoCloseable {
    private final Services services;
    private final HttpServer http;

    private App(Services services, HttpServer http) {
        this.services = services;
        this.http = http;
    }

    public static App start(Config config) {
        return start(config, Clock.systemUTC());
    }

    public static App start(Config config, Clock clock) {
        Services services = Services.open(config, clock);
        try {
            List<Consumer<io.javalin.config.RoutesConfig>> features = new ArrayList<>(List.of(
                    new EnvironmentAdminRoutes(services.environments, services.keys,
                            new AdminAuth(services.adminToken.value(), services.apiTokens), services.audit)::register,
                    new RateLimitRoutes(services.rateLimiter, config.trustedProxies(), services.environments,
                            config.operatorRequestsPerMinute())::register,
                    new AdminRoutes(services.environments, services.apiTokens, services.userAdmin, services.audit)::register,
                    new JwksRoutes(services.keys)::register,
                    new WalletRoutes(services.nonces, services.walletSignIn, services.walletLinks)::register,
                    new SessionRoutes(services.sessions)::register,
                    new ExternalAuthRoutes(services.externalAuthSignIn)::register,
                    new ProfileRoutes(new ProfileService(services.database.jdbi(), services.users, services.sessions,
                            services.otp.signIn, services.rateLimiter))::register,
                    new SettingsRoutes(services.otp.signInProviders())::register,
                    new TokenCookie(clock)::register));
            features.addAll(services.otp.routes(services.environments));
            features.add(new WebhookRoutes(services.environments, services.webhooks, services.deliveries)::register);
            features.add(new MetricsRoutes(services.metrics, config.metricsToken())::register);
            features.add(new OpenApiRoutes()::register);
            // Trusted proxies carry many clients' connections: the per-address cap would count them all as one.
            ConnectionLimits limits = new ConnectionLimits(config.requestHeadTimeout(),
                    config.maxConnectionsPerAddress(), config.trustedProxies()::trusts);
            HttpServer http = HttpServer.start(config.host(), config.port(), limits,
                    new SdkRequests(services.environments),
                    services.database::readiness, new RequestObservation(services.metrics), features);
            services.boundTo(http.port());
            services.otp.startSending();
            services.webhookWorker.start();
            services.sweeper.start();
            return new App(services, http);
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** Every (method, path template) Javalin serves, for the OpenAPI check. */
    public List<String> routes() {
        return http.routes();
    }

    public Services services() {
        return services;
    }

    @Override
    public void close() {
        http.stop();
        services.close();
    }
}
