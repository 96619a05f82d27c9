package dev.sigil.otp;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code sigil dev} only: stands in for a channel without a configured provider. It prints each code to the
 * console (the one place codes are ever shown) and keeps the last {@link #KEEP} per environment for the
 * dev-only admin endpoint {@code GET /api/v0/admin/environments/{id}/dev/outbox}.
 */
public final class DevConsoleSender implements CodeSender {
    static final int KEEP = 20;

    private final PrintStream console;
    private final Clock clock;
    private final Map<String, Deque<Sent>> recent = new ConcurrentHashMap<>();

    public DevConsoleSender(PrintStream console, Clock clock) {
        this.console = console;
        this.clock = clock;
    }

    /** A code as the dev endpoint shows it. */
    public record Sent(String channel, String to, String code, Instant sentAt) {
    }

    @Override
    public void send(CodeMessage message) {
        console.println("[sigil dev] " + message.channel().column + " code for " + message.to() + " (environment "
                + message.environmentId() + "): " + message.code());
        Deque<Sent> queue = recent.computeIfAbsent(message.environmentId(), id -> new ArrayDeque<>());
        synchronized (queue) {
            queue.addFirst(new Sent(message.channel().column, message.to(), message.code(), clock.instant()));
            while (queue.size() > KEEP) {
                queue.removeLast();
            }
        }
    }

    /** Newest first. */
    public List<Sent> recent(String environmentId) {
        Deque<Sent> queue = recent.get(environmentId);
        if (queue == null) {
            return List.of();
        }
        synchronized (queue) {
            return List.copyOf(queue);
        }
    }
}
