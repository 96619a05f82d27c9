package dev.sigil.ratelimit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals without ever resolving a name: {@link InetAddress#getByName} would send a DNS query
 * for a host name, and the text parsed here (socket addresses, {@code X-Forwarded-For} entries) may come from an
 * attacker.
 */
final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Hex groups, colons and an optional embedded IPv4 tail; no zone id (a zone means nothing off this host). */
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private IpAddresses() {
    }

    /** A bare IPv4 or IPv6 literal (IPv4-mapped IPv6 becomes IPv4); empty for anything else. */
    static Optional<InetAddress> parse(String text) {
        if (IPV4.matcher(text).matches()) {
            return literal(text);
        }
        if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
            // With a colon and only these characters the JDK parses a literal and does no lookup.
            return literal(text);
        }
        return Optional.empty();
    }

    /**
     * An address as proxies write it: bare, {@code 1.2.3.4:port}, {@code [v6]} or {@code [v6]:port}, with spaces
     * around it; empty for anything else (such as nginx's {@code unknown}).
     */
    static Optional<InetAddress> parseWithOptionalPort(String raw) {
        String text = raw.strip();
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.matches(":\\d{1,5}")) {
                return Optional.empty();
            }
            return parse(text.substring(1, close)).filter(a -> a instanceof Inet6Address);
        }
        int colon = text.indexOf(':');
        if (colon > 0 && colon == text.lastIndexOf(':')) {
            // One colon: IPv4 with a port (an IPv6 literal has at least two).
            String port = text.substring(colon + 1);
            return port.matches("\\d{1,5}") ? parse(text.substring(0, colon)).filter(a -> a instanceof Inet4Address)
                    : Optional.empty();
        }
        return parse(text);
    }

    private static Optional<InetAddress> literal(String text) {
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
