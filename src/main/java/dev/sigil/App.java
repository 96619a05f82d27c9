package dev.sigil;

import dev.sigil.config.Config;
import dev.sigil.environment.EnvironmentAdminRoutes;
import dev.sigil.http.AdminAuth;
import dev.sigil.http.HttpServer;
import dev.sigil.http.SdkRequests;
import dev.sigil.keys.JwksRoutes;
import dev.sigil.session.SessionRoutes;
import dev.sigil.wallet.WalletRoutes;

import java.time.Clock;
import java.util.List;

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
            HttpServer http = HttpServer.start(config.host(), config.port(), new SdkRequests(services.environments),
                    services.database::answers, List.of(
                            new EnvironmentAdminRoutes(services.environments, services.keys,
                                    new AdminAuth(services.adminToken.value()))::register,
                            new JwksRoutes(services.keys)::register,
                            new WalletRoutes(services.nonces, services.walletSignIn)::register,
                            new SessionRoutes(services.sessions)::register));
            services.boundTo(http.port());
            return new App(services, http);
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
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
