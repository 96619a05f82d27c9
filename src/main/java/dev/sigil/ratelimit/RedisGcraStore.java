package dev.sigil.ratelimit;

import dev.sigil.config.RedisConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GCRA state in Redis, so every node sharing it enforces one limit: each event is one {@code EVALSHA} of a Lua
 * script that reads the key's TAT, decides and writes it back atomically, with an expiry at the TAT so idle keys
 * vanish. Time is the caller's (the injected clock), not Redis's, so nodes should keep their clocks in sync (NTP);
 * a skew of a second shifts a per-minute limit by a second.
 *
 * <p><b>Falls back to this node's memory.</b> When Redis cannot be reached, is slow (over {@link #COMMAND_TIMEOUT})
 * or errs, the event is counted in a {@link LocalGcraStore} instead and a warning is logged (at most once a minute,
 * and once when Redis is back). Each node then enforces the whole limit on its own, as without Redis: the limits
 * loosen by the number of nodes but never vanish, so neither an outage nor an attacker who can slow Redis down
 * opens the way to floods, and no user is locked out because the limiter's store is down. The local counts start
 * empty and are dropped when Redis answers again; Redis's own state was kept all along.
 */
final class RedisGcraStore implements GcraStore {
    private static final Logger log = LoggerFactory.getLogger(RedisGcraStore.class);
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** For the TCP connect and the handshake (HELLO); generous, since it is paid once per connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long start-up waits for the first connection; a Redis that refuses it fails at once, not after this. */
    static final Duration STARTUP_WAIT = Duration.ofSeconds(5);
    static final Duration RECONNECT_BACKOFF = Duration.ofSeconds(5);
    static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);
    /** Mirrors {@link Gcra#step}; the key expires when its TAT passes. */
    static final String SCRIPT = """
            local now = tonumber(ARGV[1])
            local emission = tonumber(ARGV[2])
            local period = tonumber(ARGV[3])
            local tat = tonumber(redis.call('GET', KEYS[1]))
            if tat == nil or tat < now then tat = now end
            local allowAt = tat + emission - period
            if now < allowAt then return allowAt - now end
            local newTat = tat + emission
            redis.call('SET', KEYS[1], string.format('%d', newTat), 'PX', math.ceil((newTat - now) / 1000))
            return 0
            """;
    private static final String SCRIPT_SHA = sha1Hex(SCRIPT);

    private final RedisClient client;
    private final RedisURI uri;
    private final String safeUrl;
    private final Clock clock;
    private final AtomicReference<StatefulRedisConnection<String, String>> connection = new AtomicReference<>();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicReference<Instant> nextConnectAttempt = new AtomicReference<>(Instant.MIN);
    private final AtomicReference<Instant> lastWarning = new AtomicReference<>();
    private final LocalGcraStore fallback;

    RedisGcraStore(RedisConfig config, Clock clock) {
        this.uri = RedisURI.create(config.url());
        // The URI's timeout bounds the connection handshake; commands have their own, shorter one (TimeoutOptions).
        uri.setTimeout(CONNECT_TIMEOUT);
        this.safeUrl = config.safeUrl();
        this.clock = clock;
        this.fallback = new LocalGcraStore(clock);
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // While the connection is down, commands fail at once (and the fallback counts) instead of queueing.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        // Wait for the first connection so limits hold from the first request; a Redis that is down at start-up
        // does not stop Sigil from starting.
        connecting.set(true);
        try {
            connect().get(STARTUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // connect() has logged the failure.
        }
    }

    @Override
    public long admit(String key, long nowMicros, Rate rate) {
        StatefulRedisConnection<String, String> conn = connection.get();
        if (conn == null) {
            connectIfDue();
            return admitLocally(key, nowMicros, rate, "not connected");
        }
        try {
            Long wait = evaluate(conn, key, nowMicros, rate);
            recovered();
            return wait == null ? 0 : wait;
        } catch (RedisException e) {
            return admitLocally(key, nowMicros, rate, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Long evaluate(StatefulRedisConnection<String, String> conn, String key, long nowMicros, Rate rate) {
        String[] keys = {key};
        String[] args = {Long.toString(nowMicros), Long.toString(rate.emissionMicros()), Long.toString(rate.periodMicros())};
        try {
            return conn.sync().evalsha(SCRIPT_SHA, ScriptOutputType.INTEGER, keys, args);
        } catch (RedisNoScriptException e) {
            // First use on this Redis (or after SCRIPT FLUSH / a restart): EVAL loads the script into its cache.
            return conn.sync().eval(SCRIPT, ScriptOutputType.INTEGER, keys, args);
        }
    }

    /** Starts connecting; the caller has set {@link #connecting}, so only one attempt runs at a time. */
    private java.util.concurrent.CompletableFuture<?> connect() {
        return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture().whenComplete((conn, error) -> {
            connecting.set(false);
            if (error != null) {
                nextConnectAttempt.set(clock.instant().plus(RECONNECT_BACKOFF));
                warn("cannot connect: " + rootCause(error));
            } else {
                connection.set(conn);
                recovered();
            }
        });
    }

    private void connectIfDue() {
        Instant due = nextConnectAttempt.get();
        if (!clock.instant().isBefore(due) && connecting.compareAndSet(false, true)) {
            connect();
        }
    }

    private long admitLocally(String key, long nowMicros, Rate rate, String reason) {
        warn(reason);
        return fallback.admit(key, nowMicros, rate);
    }

    private void warn(String reason) {
        Instant now = clock.instant();
        Instant last = lastWarning.get();
        if ((last == null || !now.isBefore(last.plus(WARNING_INTERVAL))) && lastWarning.compareAndSet(last, now)) {
            log.warn("rate limits are counted by each node on its own: Redis at {} is unavailable: {}", safeUrl, reason);
        }
    }

    private void recovered() {
        if (lastWarning.get() != null && lastWarning.getAndSet(null) != null) {
            fallback.clear();
            log.info("rate limits are shared through Redis at {} again", safeUrl);
        }
    }

    @Override
    public void close() {
        fallback.close();
        StatefulRedisConnection<String, String> conn = connection.getAndSet(null);
        if (conn != null) {
            conn.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
