package dev.sigil;

import dev.sigil.admin.ApiTokens;
import dev.sigil.admin.AuditLog;
import dev.sigil.admin.UserAdmin;
import dev.sigil.config.Config;
import dev.sigil.config.DataDir;
import dev.sigil.environment.EnvironmentService;
import dev.sigil.externalauth.ExternalAuthSignIn;
import dev.sigil.externalauth.ExternalTokenVerifier;
import dev.sigil.externalauth.RemoteJwks;
import dev.sigil.keys.CryptoProvider;
import dev.sigil.keys.MasterKey;
import dev.sigil.keys.SigningKeys;
import dev.sigil.observe.Metrics;
import dev.sigil.otp.Otp;
import dev.sigil.ratelimit.RateLimiter;
import dev.sigil.session.SessionService;
import dev.sigil.store.Database;
import dev.sigil.store.Sweeper;
import dev.sigil.token.Issuer;
import dev.sigil.token.TokenIssuer;
import dev.sigil.token.TokenVerifier;
import dev.sigil.user.UserService;
import dev.sigil.wallet.Nonces;
import dev.sigil.wallet.WalletLinks;
import dev.sigil.wallet.WalletProofs;
import dev.sigil.wallet.WalletSignIn;
import dev.sigil.webhook.Deliveries;
import dev.sigil.webhook.DeliveryWorker;
import dev.sigil.webhook.Events;
import dev.sigil.webhook.Webhooks;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The object graph of a Sigil process, wired by hand: the database, the secrets from the data directory and
 * every feature service. {@link App} puts HTTP in front of it; {@code sigil env create} uses it directly.
 */
public final class Services implements AutoCloseable {
    public final Config config;
    public final DataDir dataDir;
    public final DataDir.Secret adminToken;
    public final Database database;
    public final SigningKeys keys;
    public final EnvironmentService environments;
    public final UserService users;
    public final SessionService sessions;
    public final Nonces nonces;
    public final WalletSignIn walletSignIn;
    public final WalletLinks walletLinks;
    public final ExternalAuthSignIn externalAuthSignIn;
    public final Otp otp;
    public final Metrics metrics = new Metrics();
    public final RateLimiter rateLimiter;
    public final AuditLog audit;
    public final ApiTokens apiTokens;
    public final UserAdmin userAdmin;
    public final Webhooks webhooks;
    public final Deliveries deliveries;
    public final DeliveryWorker webhookWorker;
    public final Sweeper sweeper;
    /** The public URL tokens name as issuer; set once the server knows its port. */
    final AtomicReference<String> publicUrl = new AtomicReference<>();

    private Services(Config config, Clock clock, SecureRandom random) {
        this.config = config;
        CryptoProvider.install();
        this.dataDir = new DataDir(config.dataDir());
        this.adminToken = config.adminToken().map(t -> new DataDir.Secret(t, false))
                .orElseGet(() -> dataDir.secret("admin-token", () -> "sigil_admin_" + randomHex(random, 32)));
        String masterKeyText = config.masterKey()
                .orElseGet(() -> dataDir.secret("master.key", () -> MasterKey.generateBase64(random)).value());
        MasterKey masterKey = MasterKey.fromBase64(masterKeyText, random);
        this.database = Database.open(config.databaseUrl(), dataDir.resolve("sigil.db"));
        Events.install(database.jdbi(), clock);
        this.rateLimiter = RateLimiter.open(config.redis(), clock, metrics.registry());
        this.publicUrl.set(config.publicUrl().orElse("http://" + config.host() + ":" + config.port()));
        Issuer issuer = new Issuer(publicUrl::get);
        this.keys = new SigningKeys(database.jdbi(), masterKey, clock);
        this.environments = new EnvironmentService(database.jdbi(), keys, clock);
        this.users = new UserService(clock);
        this.sessions = new SessionService(database.jdbi(), users, new TokenIssuer(keys, issuer, clock),
                new TokenVerifier(keys, issuer, clock), rateLimiter, clock);
        this.nonces = new Nonces(database.jdbi(), random, clock);
        WalletProofs walletProofs = new WalletProofs(clock);
        this.walletSignIn = new WalletSignIn(database.jdbi(), nonces, users, sessions, walletProofs, rateLimiter);
        this.walletLinks = new WalletLinks(database.jdbi(), nonces, users, sessions, walletProofs);
        this.externalAuthSignIn = new ExternalAuthSignIn(database.jdbi(),
                new ExternalTokenVerifier(new RemoteJwks(clock), clock), users, sessions);
        this.otp = new Otp(config, database.jdbi(), masterKey, users, sessions, rateLimiter, random, clock,
                metrics.registry());
        database.reportTo(metrics.registry());
        metrics.cachedGauge("sigil_otp_outbox_depth", "One-time code messages waiting to be sent", otp.outbox::pending);
        metrics.cachedGauge("sigil_sms_sent_today", "SMS codes sent today (UTC) by all environments, from the database",
                otp.smsBudget::sentTodayAll);
        this.audit = new AuditLog(database.jdbi(), clock);
        this.apiTokens = new ApiTokens(database.jdbi(), audit, random, clock);
        this.userAdmin = new UserAdmin(database.jdbi(), audit, clock);
        this.webhooks = new Webhooks(database.jdbi(), masterKey, audit, random, clock);
        this.deliveries = new Deliveries(database.jdbi(), audit, clock);
        this.webhookWorker = new DeliveryWorker(deliveries, webhooks, clock, config.webhookPoll());
        metrics.cachedGauge("sigil_webhook_deliveries_pending", "Webhook deliveries not yet delivered or given up",
                deliveries::pending);
        this.sweeper = new Sweeper(database, clock, metrics::swept);
    }

    public static Services open(Config config) {
        return open(config, Clock.systemUTC());
    }

    /** With an explicit clock: tests move time to expire tokens, nonces and sessions. */
    public static Services open(Config config, Clock clock) {
        return new Services(config, clock, new SecureRandom());
    }

    /** Called once the server is bound: without SIGIL_PUBLIC_URL the issuer names the actual port. */
    void boundTo(int port) {
        if (config.publicUrl().isEmpty()) {
            publicUrl.set("http://" + config.host() + ":" + port);
        }
    }

    private static String randomHex(SecureRandom random, int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return java.util.HexFormat.of().formatHex(buffer);
    }

    @Override
    public void close() {
        sweeper.close();
        webhookWorker.close();
        otp.close();
        rateLimiter.close();
        database.close();
        metrics.close();
    }
}
