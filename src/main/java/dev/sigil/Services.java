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
import dev.sigil.keys.MasterKeyCheck;
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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The object graph of a Sigil process, wired by hand: the database, the secrets from the data directory and
 * every feature service. {@link App} puts HTTP in front of it; {@code sigil env create} uses it directly.
 */
public final class Services implements AutoCloseable {
    /** The master key's file in the data directory, used when SIGIL_MASTER_KEY is not set. */
    public static final String MASTER_KEY_FILE = "master.key";
    private static final Logger log = LoggerFactory.getLogger(Services.class);

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
        this.database = Database.open(config.databaseUrl(), dataDir.resolve("sigil.db"));
        MasterKey masterKey;
        try {
            masterKey = masterKey(config, dataDir, new MasterKeyCheck(database.jdbi(), clock), random);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
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

    /**
     * The configured master key, else the data directory's {@code master.key}, else a new one, but only for a database
     * that has none yet; checked against the database's key check before anything is served (see {@link MasterKeyCheck}).
     */
    private static MasterKey masterKey(Config config, DataDir dataDir, MasterKeyCheck check, SecureRandom random) {
        MasterKeyCheck.State state = check.read();
        Path keyFile = dataDir.resolve(MASTER_KEY_FILE);
        boolean keyFileExisted = Files.exists(keyFile);
        if (config.masterKey().isEmpty() && !keyFileExisted && state.needsItsOwnKey()) {
            throw MasterKeyCheck.missingKey(keyFile.toString());
        }
        String encoded = config.masterKey()
                .orElseGet(() -> dataDir.secret(MASTER_KEY_FILE, () -> MasterKey.generateBase64(random)).value());
        MasterKey key = MasterKey.fromBase64(encoded, random);
        check.bind(key);
        if (config.masterKey().isEmpty() && keyFileExisted && !state.needsItsOwnKey()) {
            // The usual sign of a restore that brought master.key but not the database (or an SQLite file copied
            // without its -wal file while the server ran, which holds no tables yet): starting fresh is legal,
            // but the operator should hear about it before users sign in to an empty install.
            log.warn("{} was already there but the database was empty: starting a new install with that key. If you "
                    + "meant to restore a backup, its database did not come with it (see {})", keyFile,
                    MasterKeyCheck.GUIDE);
        }
        return key;
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
