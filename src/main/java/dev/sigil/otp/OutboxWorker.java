package dev.sigil.otp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends what the {@link Outbox} holds, off the request thread: polls every {@link #POLL_MILLIS} (and at once
 * when a code is issued on this node), sends each claimed message through its channel's sender, and on
 * failure leaves it for a later try. Stops cleanly: {@link #close()} lets the message in hand finish.
 */
public final class OutboxWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);
    static final long POLL_MILLIS = 500;
    private static final int BATCH = 20;

    private final Outbox outbox;
    private final Map<OtpChannel, CodeSender> senders;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public OutboxWorker(Outbox outbox, Map<OtpChannel, CodeSender> senders) {
        this.outbox = outbox;
        this.senders = Map.copyOf(senders);
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("sigil-otp-outbox").start(this::run);
    }

    /** Asks for a poll now: a code was just issued. */
    void wake() {
        wake.release();
    }

    private void run() {
        while (running) {
            try {
                sendDue();
            } catch (RuntimeException e) {
                // The database may be briefly unavailable; the next poll tries again.
                log.warn("outbox poll failed: {}", e.toString());
            }
            try {
                wake.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sendDue() {
        for (Outbox.Claimed claimed : outbox.claimDue(BATCH)) {
            if (!running) {
                return;
            }
            Optional<CodeSender> sender = Optional.ofNullable(senders.get(claimed.message().channel()));
            try {
                if (sender.isEmpty()) {
                    throw new IllegalStateException("no sender configured for " + claimed.message().channel());
                }
                sender.get().send(claimed.message());
                outbox.delivered(claimed.id());
            } catch (Exception e) {
                // The message names the channel and the failure, never the code or the recipient's secrets.
                log.warn("sending a {} code failed (attempt {}), will retry: {}", claimed.message().channel(),
                        claimed.attempts() + 1, e.toString());
                outbox.failed(claimed.id(), claimed.attempts());
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t == null) {
            return;
        }
        running = false;
        wake.release();
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
