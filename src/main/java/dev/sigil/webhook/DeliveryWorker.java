package dev.sigil.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends webhook deliveries off the request thread, like {@code otp.OutboxWorker}: every poll it fans new events out
 * to deliveries, claims the due ones and POSTs each (concurrently: the claim rule already keeps a user's deliveries
 * to one endpoint one at a time), then records the outcome. Connect timeout 5 s, whole attempt 10 s; redirects are
 * not followed (a 3xx is a failure). Response bodies are discarded, never stored or logged.
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    /** Events fanned out per transaction: on SQLite the write lock is held for the batch, a few milliseconds. */
    static final int FAN_OUT_BATCH = 100;
    /** Deliveries claimed and sent concurrently per round. */
    static final int SEND_BATCH = 20;

    private final Deliveries deliveries;
    private final Webhooks webhooks;
    private final Clock clock;
    private final Duration pollInterval;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public DeliveryWorker(Deliveries deliveries, Webhooks webhooks, Clock clock, Duration pollInterval) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.clock = clock;
        this.pollInterval = pollInterval;
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("sigil-webhooks").start(this::run);
    }

    /**
     * Polls, and goes straight on to another round while the last one had work (a full batch of new events, or any
     * delivery sent: sending one can make a user's next event due) instead of waiting for the next poll. So the worker
     * keeps up with any rate of events it can process, not one batch per poll, and sleeps once nothing is left to do.
     */
    private void run() {
        while (running) {
            boolean moreWork;
            try {
                boolean moreEvents = deliveries.fanOut(FAN_OUT_BATCH) == FAN_OUT_BATCH;
                boolean sentSome = sendDue() > 0;
                moreWork = moreEvents || sentSome;
            } catch (RuntimeException e) {
                // The database may be briefly unavailable; the next poll tries again.
                log.warn("webhook poll failed: {}", e.toString());
                moreWork = false;
            }
            if (moreWork) {
                continue;
            }
            try {
                wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Claims up to a batch of due deliveries and sends them, concurrently; how many it claimed. */
    private int sendDue() {
        List<Deliveries.Claimed> claimed = deliveries.claimDue(SEND_BATCH);
        List<Future<?>> sent = claimed.stream().map(d -> senders.submit(() -> deliver(d))).<Future<?>>map(f -> f).toList();
        for (Future<?> f : sent) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return claimed.size();
            } catch (Exception e) {
                log.warn("webhook delivery failed unexpectedly: {}", e.toString());
            }
        }
        return claimed.size();
    }

    private void deliver(Deliveries.Claimed delivery) {
        Optional<Webhooks.Target> target = webhooks.target(delivery.webhookId());
        if (target.isEmpty()) {
            return; // deleted meanwhile, and its deliveries with it
        }
        Instant attemptedAt = clock.instant();
        long started = System.nanoTime();
        Deliveries.Outcome outcome;
        try {
            int status = post(target.get(), delivery, attemptedAt);
            outcome = new Deliveries.Outcome(Optional.of(status), Optional.empty(), since(started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Deliveries.Outcome(Optional.empty(), Optional.of("Interrupted"), since(started));
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && !(e instanceof TimeoutException) ? e.getCause() : e;
            outcome = new Deliveries.Outcome(Optional.empty(), Optional.of(cause.getClass().getSimpleName()), since(started));
        }
        if (!outcome.delivered()) {
            // The endpoint id and the result only: never the payload, the secret or the response.
            log.info("webhook delivery {} to endpoint {} failed (attempt {}): {}", delivery.id(), delivery.webhookId(),
                    delivery.attempts() + 1, outcome.statusCode().map(String::valueOf).orElse(outcome.error().orElse("")));
        }
        deliveries.record(delivery, attemptedAt, outcome);
    }

    private int post(Webhooks.Target target, Deliveries.Claimed delivery, Instant now) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(target.url())
                .timeout(ATTEMPT_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Sigil-Webhooks/1")
                .header("Sigil-Delivery-Id", delivery.id())
                .header(WebhookSignature.HEADER, WebhookSignature.header(target.secret(), now.getEpochSecond(), delivery.payload()))
                .POST(HttpRequest.BodyPublishers.ofString(delivery.payload(), StandardCharsets.UTF_8))
                .build();
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            return response.get(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } finally {
            response.cancel(true);
        }
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            running = false;
            wake.release();
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        senders.shutdownNow();
        client.close();
    }
}
