package dev.sigil.ratelimit;

import java.net.InetAddress;

/** An IP address or a CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}); an address matches only its own family. */
public record IpRange(byte[] network, int prefixLength) {
    public IpRange {
        network = network.clone();
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length out of range");
        }
    }

    /** Parses {@code address} or {@code address/prefix}; the message names what is wrong. */
    public static IpRange parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress address = IpAddresses.parse(addressText)
                .orElseThrow(() -> new IllegalArgumentException("'" + trimmed + "' is not an IP address or CIDR block"));
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String prefixText = trimmed.substring(slash + 1);
            if (!prefixText.matches("\\d{1,3}") || Integer.parseInt(prefixText) > bits) {
                throw new IllegalArgumentException("'" + trimmed + "' has a prefix length outside 0.." + bits);
            }
            prefix = Integer.parseInt(prefixText);
        }
        return new IpRange(address.getAddress(), prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (candidate[full] & mask) == (network[full] & mask);
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpRange range && range.prefixLength == prefixLength
                && java.util.Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
