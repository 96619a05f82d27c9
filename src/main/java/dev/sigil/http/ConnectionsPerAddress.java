package dev.sigil.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Open connections counted per client address, so that one address cannot take every slot of the global cap
 * ({@link HttpServer#MAX_CONNECTIONS}): a slow-header flood from one host then starves only that host.
 *
 * <p>IPv6 clients are counted per /64: one host is routinely given a whole /64 and could otherwise open each
 * connection from a fresh address. Exempt addresses (trusted proxies, which carry many clients' connections)
 * are not counted; the global cap and the request head timeout still hold them.
 */
final class ConnectionsPerAddress {
    private final int max;
    private final Predicate<InetAddress> exempt;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    ConnectionsPerAddress(int max, Predicate<InetAddress> exempt) {
        this.max = max;
        this.exempt = exempt;
    }

    /** The key {@code address}'s connections are counted under; empty when it is exempt (not counted). */
    Optional<InetAddress> keyOf(InetAddress address) {
        return exempt.test(address) ? Optional.empty() : Optional.of(prefixOf(address));
    }

    /** Counts a new connection under {@code key}; false, counting nothing, when the key already holds the cap. */
    boolean tryAdmit(InetAddress key) {
        // Counting first and undoing keeps this one atomic map update: a moment's over-count is harmless.
        if (open.merge(key, 1, Integer::sum) > max) {
            release(key);
            return false;
        }
        return true;
    }

    void release(InetAddress key) {
        open.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }

    static InetAddress prefixOf(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes is always a valid IPv6 address
        }
    }
}
