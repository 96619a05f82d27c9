package dev.sigil.ratelimit;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The proxies whose {@code X-Forwarded-For} Sigil believes ({@code SIGIL_TRUSTED_PROXIES}, comma-separated IPs
 * and CIDR blocks), and the client address that follows from them.
 *
 * <p>Anyone can send {@code X-Forwarded-For}, so it counts only when the socket peer is a trusted proxy. Each
 * proxy appends the address it received the request from, so the header is read right to left: entries
 * written by trusted proxies are stepped over, and the first address that is not a trusted proxy is the
 * client. Everything left of it was written by the client and is never believed. A malformed entry ends the
 * walk at the hop that handed it over: skipping it would let a client push the walk on to text it chose.
 */
public record TrustedProxies(List<IpRange> ranges) {
    /** Longest chain walked; a header with more hops stops at this many (the proxies' own limit is far below). */
    static final int MAX_HOPS = 32;

    public TrustedProxies {
        ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Parses {@code SIGIL_TRUSTED_PROXIES}; empty text trusts no proxy. */
    public static TrustedProxies parse(String text) {
        List<IpRange> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                ranges.add(IpRange.parse(part));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SIGIL_TRUSTED_PROXIES: " + e.getMessage());
            }
        }
        return new TrustedProxies(ranges);
    }

    public boolean trusts(InetAddress address) {
        for (IpRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: {@code peer} unless it is a trusted proxy, else found by walking
     * {@code forwardedFor} (every {@code X-Forwarded-For} header in the order received) from the right.
     */
    public InetAddress client(InetAddress peer, List<String> forwardedFor) {
        if (!trusts(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String entry : header.split(",", -1)) {
                hops.add(entry);
            }
        }
        InetAddress current = peer;
        for (int i = hops.size() - 1, walked = 0; i >= 0 && walked < MAX_HOPS; i--, walked++) {
            Optional<InetAddress> hop = IpAddresses.parseWithOptionalPort(hops.get(i));
            if (hop.isEmpty()) {
                return current;
            }
            current = hop.get();
            if (!trusts(current)) {
                return current;
            }
        }
        return current;
    }
}
