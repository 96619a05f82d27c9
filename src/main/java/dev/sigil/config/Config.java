package dev.sigil.config;

import dev.sigil.http.HttpServer;
import dev.sigil.ratelimit.RateLimit;
import dev.sigil.ratelimit.TrustedProxies;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything Sigil is configured with, read once at start-up: command-line flags win over environment
 * variables, which win over defaults.
 *
 * @param host          interface to listen on ({@code SIGIL_HOST}, default 127.0.0.1)
 * @param port          port to listen on ({@code SIGIL_PORT}, default 8080; 0 picks a free one)
 * @param dataDir       where the SQLite file and generated secrets live ({@code SIGIL_DATA_DIR})
 * @param databaseUrl   a {@code jdbc:postgresql://} URL switches from the embedded SQLite file
 * @param publicUrl     the URL clients reach Sigil at; its host[:port] starts every token's {@code iss}
 * @param adminToken    bearer token of the admin API; generated into the data dir when absent
 * @param masterKey     base64 of the 32-byte key that encrypts signing keys; generated when absent
 * @param smtp          where email one-time codes are sent ({@code SIGIL_SMTP_*}); none when not configured
 * @param sms           where SMS one-time codes are sent ({@code SIGIL_SMS_PROVIDER}, {@code SIGIL_TWILIO_*})
 * @param devMode       {@code sigil dev}: codes without a configured sender are printed to the console
 * @param metricsToken  bearer token {@code GET /metrics} requires ({@code SIGIL_METRICS_TOKEN}); open when absent
 * @param webhookPoll   how often the webhook worker looks for due deliveries (1 s; tests make it shorter)
 * @param redis         where rate-limit state is shared between nodes ({@code SIGIL_REDIS_URL}); in memory when absent
 * @param trustedProxies proxies whose {@code X-Forwarded-For} names the client ({@code SIGIL_TRUSTED_PROXIES}); none by default
 * @param operatorRequestsPerMinute admin API requests the operator token may make per minute, across all environments
 *                      ({@code SIGIL_OPERATOR_REQUESTS_PER_MINUTE}, default 600)
 * @param requestHeadTimeout how long a request's line and headers may take to arrive in full
 *                      ({@code SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS}, default 10, at most 300)
 * @param maxConnectionsPerAddress open connections one client address (IPv6: one /64) may hold; trusted proxies are
 *                      exempt ({@code SIGIL_MAX_CONNECTIONS_PER_ADDRESS}, default 256, at most the global cap)
 */
public record Config(
        String host,
        int port,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> publicUrl,
        Optional<String> adminToken,
        Optional<String> masterKey,
        Optional<SmtpConfig> smtp,
        Optional<SmsConfig> sms,
        boolean devMode,
        Optional<String> metricsToken,
        Duration webhookPoll,
        Optional<RedisConfig> redis,
        TrustedProxies trustedProxies,
        int operatorRequestsPerMinute,
        Duration requestHeadTimeout,
        int maxConnectionsPerAddress) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_DATA_DIR = "./sigil-data";
    public static final Duration DEFAULT_WEBHOOK_POLL = Duration.ofSeconds(1);
    /** The admin API's per-token default, which API tokens get when their environment does not change it. */
    public static final int DEFAULT_OPERATOR_REQUESTS_PER_MINUTE =
            RateLimit.ADMIN_REQUESTS_PER_TOKEN.defaultRate().limit();

    /**
     * A request head (at most {@link HttpServer#MAX_HEADER_BYTES}) arrives in a packet or two: 10 s leaves room for a
     * slow mobile link, and is how long a client trickling one holds its connection (not 30 s a byte, as before).
     */
    public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_REQUEST_HEAD_TIMEOUT = Duration.ofMinutes(5);
    /** Far more than a browser (6 per origin) or an office behind one NAT needs; 40 addresses fill the global cap. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

    public Config {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (webhookPoll.isNegative() || webhookPoll.isZero()) {
            throw new IllegalArgumentException("webhook poll interval must be positive");
        }
        if (operatorRequestsPerMinute < 1 || operatorRequestsPerMinute > RateLimit.MAX_SETTING) {
            throw new IllegalArgumentException("SIGIL_OPERATOR_REQUESTS_PER_MINUTE must be between 1 and "
                    + RateLimit.MAX_SETTING + ", got " + operatorRequestsPerMinute);
        }
        if (requestHeadTimeout.isNegative() || requestHeadTimeout.isZero()
                || requestHeadTimeout.compareTo(MAX_REQUEST_HEAD_TIMEOUT) > 0) {
            throw new IllegalArgumentException("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS must be between 1 and "
                    + MAX_REQUEST_HEAD_TIMEOUT.toSeconds() + ", got " + requestHeadTimeout.toMillis() + " ms");
        }
        if (maxConnectionsPerAddress < 1 || maxConnectionsPerAddress > HttpServer.MAX_CONNECTIONS) {
            throw new IllegalArgumentException("SIGIL_MAX_CONNECTIONS_PER_ADDRESS must be between 1 and "
                    + HttpServer.MAX_CONNECTIONS + ", got " + maxConnectionsPerAddress);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        publicUrl.ifPresent(url -> {
            java.net.URI uri;
            try {
                uri = new java.net.URI(url);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("SIGIL_PUBLIC_URL must be a URL like https://auth.example.com");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("SIGIL_PUBLIC_URL must be an http or https URL like https://auth.example.com");
            }
        });
        databaseUrl.ifPresent(url -> {
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("database URL must start with jdbc:postgresql:// (SQLite is the default)");
            }
        });
    }

    /** Flags as given on the command line; empty when the flag was not given. */
    public record Flags(Optional<String> host, Optional<Integer> port, Optional<Path> dataDir,
                        Optional<String> databaseUrl) {
        public static Flags none() {
            return new Flags(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** Resolves flags over environment variables over defaults. */
    public static Config resolve(Flags flags, Map<String, String> env) {
        Path dataDir = flags.dataDir().orElse(Path.of(nonBlank(env.get("SIGIL_DATA_DIR")).orElse(DEFAULT_DATA_DIR)));
        return builder(dataDir.toAbsolutePath().normalize())
                .host(flags.host().orElse(nonBlank(env.get("SIGIL_HOST")).orElse(DEFAULT_HOST)))
                .port(flags.port().orElseGet(() -> nonBlank(env.get("SIGIL_PORT"))
                        .map(v -> parseInt("SIGIL_PORT", v)).orElse(DEFAULT_PORT)))
                .databaseUrl(flags.databaseUrl().or(() -> nonBlank(env.get("SIGIL_DATABASE_URL"))))
                .publicUrl(nonBlank(env.get("SIGIL_PUBLIC_URL")))
                .adminToken(nonBlank(env.get("SIGIL_ADMIN_TOKEN")))
                .masterKey(nonBlank(env.get("SIGIL_MASTER_KEY")))
                .smtp(SmtpConfig.fromEnvironment(env))
                .sms(SmsConfig.fromEnvironment(env))
                .metricsToken(nonBlank(env.get("SIGIL_METRICS_TOKEN")))
                .redis(RedisConfig.fromEnvironment(env))
                .trustedProxies(TrustedProxies.parse(Optional.ofNullable(env.get("SIGIL_TRUSTED_PROXIES")).orElse("")))
                .operatorRequestsPerMinute(nonBlank(env.get("SIGIL_OPERATOR_REQUESTS_PER_MINUTE"))
                        .map(v -> parseInt("SIGIL_OPERATOR_REQUESTS_PER_MINUTE", v))
                        .orElse(DEFAULT_OPERATOR_REQUESTS_PER_MINUTE))
                .requestHeadTimeout(nonBlank(env.get("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS"))
                        .map(v -> Duration.ofSeconds(parseInt("SIGIL_REQUEST_HEAD_TIMEOUT_SECONDS", v)))
                        .orElse(DEFAULT_REQUEST_HEAD_TIMEOUT))
                .maxConnectionsPerAddress(nonBlank(env.get("SIGIL_MAX_CONNECTIONS_PER_ADDRESS"))
                        .map(v -> parseInt("SIGIL_MAX_CONNECTIONS_PER_ADDRESS", v))
                        .orElse(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS))
                .build();
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** {@code sigil dev}: the same configuration, with the console standing in for missing code senders. */
    public Config inDevMode() {
        return toBuilder().devMode(true).build();
    }

    /** Every setting at its default, the data directory aside (it has no default here: see {@link #resolve}). */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** This configuration's settings, to change some: {@code config.toBuilder().port(0).build()}. */
    public Builder toBuilder() {
        Builder builder = new Builder(dataDir);
        builder.host = host;
        builder.port = port;
        builder.databaseUrl = databaseUrl;
        builder.publicUrl = publicUrl;
        builder.adminToken = adminToken;
        builder.masterKey = masterKey;
        builder.smtp = smtp;
        builder.sms = sms;
        builder.devMode = devMode;
        builder.metricsToken = metricsToken;
        builder.webhookPoll = webhookPoll;
        builder.redis = redis;
        builder.trustedProxies = trustedProxies;
        builder.operatorRequestsPerMinute = operatorRequestsPerMinute;
        builder.requestHeadTimeout = requestHeadTimeout;
        builder.maxConnectionsPerAddress = maxConnectionsPerAddress;
        return builder;
    }

    /**
     * Settings by name, defaults filled in: a new setting is a record component, a field and setter here, a line in
     * {@link #toBuilder} and an argument in {@link #build}, which checks them all (the record's constructor does).
     */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private final Path dataDir;
        private Optional<String> databaseUrl = Optional.empty();
        private Optional<String> publicUrl = Optional.empty();
        private Optional<String> adminToken = Optional.empty();
        private Optional<String> masterKey = Optional.empty();
        private Optional<SmtpConfig> smtp = Optional.empty();
        private Optional<SmsConfig> sms = Optional.empty();
        private boolean devMode;
        private Optional<String> metricsToken = Optional.empty();
        private Duration webhookPoll = DEFAULT_WEBHOOK_POLL;
        private Optional<RedisConfig> redis = Optional.empty();
        private TrustedProxies trustedProxies = TrustedProxies.none();
        private int operatorRequestsPerMinute = DEFAULT_OPERATOR_REQUESTS_PER_MINUTE;
        private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder databaseUrl(Optional<String> value) {
            databaseUrl = value;
            return this;
        }

        public Builder publicUrl(Optional<String> value) {
            publicUrl = value;
            return this;
        }

        public Builder adminToken(Optional<String> value) {
            adminToken = value;
            return this;
        }

        public Builder masterKey(Optional<String> value) {
            masterKey = value;
            return this;
        }

        public Builder smtp(Optional<SmtpConfig> value) {
            smtp = value;
            return this;
        }

        public Builder sms(Optional<SmsConfig> value) {
            sms = value;
            return this;
        }

        public Builder devMode(boolean value) {
            devMode = value;
            return this;
        }

        public Builder metricsToken(Optional<String> value) {
            metricsToken = value;
            return this;
        }

        public Builder webhookPoll(Duration value) {
            webhookPoll = value;
            return this;
        }

        public Builder redis(Optional<RedisConfig> value) {
            redis = value;
            return this;
        }

        public Builder trustedProxies(TrustedProxies value) {
            trustedProxies = value;
            return this;
        }

        public Builder operatorRequestsPerMinute(int value) {
            operatorRequestsPerMinute = value;
            return this;
        }

        public Builder requestHeadTimeout(Duration value) {
            requestHeadTimeout = value;
            return this;
        }

        public Builder maxConnectionsPerAddress(int value) {
            maxConnectionsPerAddress = value;
            return this;
        }

        /** @throws IllegalArgumentException when a setting is out of range (the message names it) */
        public Config build() {
            return new Config(host, port, dataDir, databaseUrl, publicUrl, adminToken, masterKey, smtp, sms, devMode,
                    metricsToken, webhookPoll, redis, trustedProxies, operatorRequestsPerMinute, requestHeadTimeout,
                    maxConnectionsPerAddress);
        }
    }
}
