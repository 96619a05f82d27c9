package dev.sigil.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The meters of one Sigil process, behind a small facade so feature code never sees Micrometer: HTTP requests by
 * route template, sign-ins by method, refreshes, revocations, the code outbox, the database pool and the JVM.
 * Rendered in the Prometheus text format by {@link MetricsRoutes}.
 */
public final class Metrics implements AutoCloseable {
    /** Sign-in methods, the values of the {@code method} label of {@code sigil_sign_ins_total}. */
    public static final List<String> SIGN_IN_METHODS = List.of("wallet_evm", "wallet_solana", "wallet_other", "email",
            "sms", "external");
    /** {@code outcome}: 2xx answered, 4xx refused (bad code, signature, token), 5xx failed. */
    public static final List<String> OUTCOMES = List.of("success", "rejected", "error");
    /** Latency buckets of {@code http_server_requests_seconds}: a fixed set keeps series per route small. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    static final Duration GAUGE_CACHE = Duration.ofSeconds(5);

    private record RequestKey(String route, String method, int status) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Meters looked up per request are cached: building tags and ids is the costly part of Micrometer. */
    private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> signIns = new ConcurrentHashMap<>();
    private final Map<String, Counter> refreshes = new ConcurrentHashMap<>();
    private final Map<String, Counter> revocations = new ConcurrentHashMap<>();
    private static final List<String> REVOCATION_SOURCES = List.of("sdk", "admin");

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (String outcome : OUTCOMES) {
            for (String method : SIGN_IN_METHODS) {
                signInCounter(method, outcome);
            }
            counter(refreshes, "sigil_refreshes", "Token refreshes", outcome);
            for (String via : REVOCATION_SOURCES) {
                revocationCounter(via, outcome);
            }
        }
    }

    /** The registry itself, for libraries that report to Micrometer directly (the Hikari pool). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Everything in the Prometheus text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** One HTTP request: {@code route} is the matched template or {@code unmatched}, never a raw path. */
    public void request(String route, String method, int status, long nanos) {
        requests.computeIfAbsent(new RequestKey(route, method, status), key -> Timer.builder("http_server_requests")
                        .description("HTTP requests by route template, method and status")
                        .tag("route", key.route()).tag("method", key.method()).tag("status", Integer.toString(key.status()))
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void signIn(String method, String outcome) {
        signInCounter(method, outcome).increment();
    }

    public void refresh(String outcome) {
        counter(refreshes, "sigil_refreshes", "Token refreshes", outcome).increment();
    }

    /** A revoke call: {@code via} is {@code sdk} (a user's logout) or {@code admin} (the admin API's revokes). */
    public void revocation(String via, String outcome) {
        revocationCounter(via, outcome).increment();
    }

    /** Rows the background sweeper deleted from {@code table}. */
    public void swept(String table, int rows) {
        Counter.builder("sigil_swept_rows").description("Expired rows deleted by the background sweeper")
                .tag("table", table).register(registry).increment(rows);
    }

    /**
     * A gauge read from {@code source} at most every {@link #GAUGE_CACHE}: scrapes (and several Prometheus servers)
     * must not each run a query. A failing read shows as NaN until the source answers again.
     */
    public void cachedGauge(String name, String description, IntSupplier source) {
        CachedValue value = new CachedValue(source, GAUGE_CACHE.toNanos());
        // Micrometer holds gauge state weakly: keep it strongly, nothing else refers to it.
        Gauge.builder(name, value, CachedValue::read).description(description).strongReference(true).register(registry);
    }

    private Counter signInCounter(String method, String outcome) {
        return signIns.computeIfAbsent(method + ' ' + outcome, k -> Counter.builder("sigil_sign_ins")
                .description("Sign-in attempts by method and outcome")
                .tag("method", method).tag("outcome", outcome).register(registry));
    }

    private Counter revocationCounter(String via, String outcome) {
        return revocations.computeIfAbsent(via + ' ' + outcome, k -> Counter.builder("sigil_revocations")
                .description("Session revoke calls by source (sdk logout, admin API) and outcome")
                .tag("via", via).tag("outcome", outcome).register(registry));
    }

    private Counter counter(Map<String, Counter> cache, String name, String description, String outcome) {
        return cache.computeIfAbsent(outcome, o -> Counter.builder(name).description(description)
                .tag("outcome", o).register(registry));
    }

    /** The outcome label of a response status. */
    public static String outcome(int status) {
        return status >= 500 ? "error" : status >= 400 ? "rejected" : "success";
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static final class CachedValue {
        private final IntSupplier source;
        private final long maxAgeNanos;
        private long readAt;
        private double value = Double.NaN;
        private boolean fresh;

        CachedValue(IntSupplier source, long maxAgeNanos) {
            this.source = source;
            this.maxAgeNanos = maxAgeNanos;
        }

        synchronized double read() {
            long now = System.nanoTime();
            if (!fresh || now - readAt >= maxAgeNanos) {
                try {
                    value = source.getAsInt();
                } catch (RuntimeException e) {
                    value = Double.NaN;
                }
                readAt = now;
                fresh = true;
            }
            return value;
        }
    }
}
