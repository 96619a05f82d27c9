package dev.sigil.http;

import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What a client may hold of the server's connections (see {@link GuardedHttpConnectionFactory}).
 *
 * @param requestHeadTimeout how long a request head may take to arrive in full, from its first byte (from the
 *                           connection opening, for the first request)
 * @param maxPerAddress      open connections one client address (an IPv6 /64) may hold
 * @param exempt             addresses not held to {@code maxPerAddress}: trusted proxies, which carry many clients
 */
public record ConnectionLimits(Duration requestHeadTimeout, int maxPerAddress, Predicate<InetAddress> exempt) {
    public ConnectionLimits {
        if (requestHeadTimeout.isNegative() || requestHeadTimeout.isZero()) {
            throw new IllegalArgumentException("request head timeout must be positive");
        }
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("connections per address must be at least 1");
        }
    }
}
