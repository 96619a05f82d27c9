package dev.sigil.ratelimit;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IP literals, CIDR blocks and the X-Forwarded-For walk, without HTTP. */
class RateLimitClientIpTest {
    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }

    @Test
    void parsesIpv4AndIpv6LiteralsOnly() {
        assertThat(IpAddresses.parse("203.0.113.7")).contains(ip("203.0.113.7"));
        assertThat(IpAddresses.parse("2001:db8::1")).isPresent();
        assertThat(IpAddresses.parse("::ffff:198.51.100.1")).contains(ip("198.51.100.1"));
        for (String bad : List.of("", "unknown", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1",
                "01.2.3.4", "1.2.3.4 ", "fe80::1%eth0", "::g", "1.2.3.4/32", "_gateway")) {
            assertThat(IpAddresses.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void acceptsThePortAndBracketFormsProxiesWrite() {
        assertThat(IpAddresses.parseWithOptionalPort(" 203.0.113.7:4711 ")).contains(ip("203.0.113.7"));
        assertThat(IpAddresses.parseWithOptionalPort("[2001:db8::1]:443")).contains(ip("2001:db8::1"));
        assertThat(IpAddresses.parseWithOptionalPort("[2001:db8::1]")).contains(ip("2001:db8::1"));
        assertThat(IpAddresses.parseWithOptionalPort("2001:db8::1")).contains(ip("2001:db8::1"));
        for (String bad : List.of("203.0.113.7:", "203.0.113.7:x", "[203.0.113.7]", "[2001:db8::1", "[2001:db8::1]x",
                "host:80", "unknown")) {
            assertThat(IpAddresses.parseWithOptionalPort(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void cidrBlocksMatchTheirPrefixOnly() {
        IpRange ten = IpRange.parse("10.0.0.0/8");
        assertThat(ten.contains(ip("10.255.1.2"))).isTrue();
        assertThat(ten.contains(ip("11.0.0.1"))).isFalse();
        IpRange odd = IpRange.parse("192.168.1.128/25");
        assertThat(odd.contains(ip("192.168.1.200"))).isTrue();
        assertThat(odd.contains(ip("192.168.1.127"))).isFalse();
        IpRange single = IpRange.parse("198.51.100.9");
        assertThat(single.contains(ip("198.51.100.9"))).isTrue();
        assertThat(single.contains(ip("198.51.100.10"))).isFalse();
        IpRange v6 = IpRange.parse("fd00::/8");
        assertThat(v6.contains(ip("fd12:3456::1"))).isTrue();
        assertThat(v6.contains(ip("fe80::1"))).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        // Families never match each other, even for /0.
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
        assertThat(IpRange.parse("::ffff:10.0.0.0/8").prefixLength()).isEqualTo(8);
    }

    @Test
    void rejectsMalformedCidrBlocksNamingThem() {
        for (String bad : List.of("10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "proxy.local",
                "10.0.0.0/ 8")) {
            assertThatThrownBy(() -> IpRange.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.strip());
        }
    }

    @Test
    void trustedProxiesParseACommaSeparatedList() {
        TrustedProxies proxies = TrustedProxies.parse(" 10.0.0.0/8, 192.0.2.1 ,,fd00::/8 ");
        assertThat(proxies.ranges()).hasSize(3);
        assertThat(proxies.trusts(ip("10.1.2.3"))).isTrue();
        assertThat(proxies.trusts(ip("192.0.2.2"))).isFalse();
        assertThat(TrustedProxies.parse("").ranges()).isEmpty();
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8, nope"))
                .hasMessage("SIGIL_TRUSTED_PROXIES: 'nope' is not an IP address or CIDR block");
    }

    @Test
    void forwardedForIsIgnoredUnlessThePeerIsTrusted() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.1");
        assertThat(proxies.client(ip("198.51.100.1"), List.of("203.0.113.9"))).isEqualTo(ip("198.51.100.1"));
        assertThat(TrustedProxies.none().client(ip("127.0.0.1"), List.of("203.0.113.9"))).isEqualTo(ip("127.0.0.1"));
    }

    @Test
    void walksRightToLeftSkippingTrustedProxies() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        // The client forged the first two entries; the proxies appended the real client and each other.
        List<String> header = List.of("1.1.1.1, 2.2.2.2, 203.0.113.9, 10.0.0.7");
        assertThat(proxies.client(ip("10.0.0.1"), header)).isEqualTo(ip("203.0.113.9"));
        // Several headers are one list, in order.
        assertThat(proxies.client(ip("10.0.0.1"), List.of("1.1.1.1", "203.0.113.9:5555", "10.0.0.7")))
                .isEqualTo(ip("203.0.113.9"));
        // Only proxies in the chain: the leftmost one is the best we know.
        assertThat(proxies.client(ip("10.0.0.1"), List.of("10.0.0.9, 10.0.0.7"))).isEqualTo(ip("10.0.0.9"));
        // No header: the proxy itself.
        assertThat(proxies.client(ip("10.0.0.1"), List.of())).isEqualTo(ip("10.0.0.1"));
    }

    @Test
    void malformedEntriesEndTheWalkAtTheHopThatHandedThemOver() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        assertThat(proxies.client(ip("10.0.0.1"), List.of("203.0.113.9, unknown"))).isEqualTo(ip("10.0.0.1"));
        assertThat(proxies.client(ip("10.0.0.1"), List.of("203.0.113.9, garbage, 10.0.0.7"))).isEqualTo(ip("10.0.0.7"));
        assertThat(proxies.client(ip("10.0.0.1"), List.of("203.0.113.9,"))).isEqualTo(ip("10.0.0.1"));
        assertThat(proxies.client(ip("10.0.0.1"), List.of("evil.example.com"))).isEqualTo(ip("10.0.0.1"));
        // Past the hop limit the walk stops at the last trusted hop instead of reading on.
        String longChain = String.join(",", java.util.Collections.nCopies(100, "10.0.0.5"));
        assertThat(proxies.client(ip("10.0.0.1"), List.of("203.0.113.9," + longChain))).isEqualTo(ip("10.0.0.5"));
    }

    @Test
    void ipv6ClientsAreCountedPerSlash64() {
        assertThat(RateLimitRoutes.clientKey(ip("2001:db8:1:2:aaaa::1")))
                .isEqualTo(RateLimitRoutes.clientKey(ip("2001:db8:1:2:bbbb::2")))
                .isNotEqualTo(RateLimitRoutes.clientKey(ip("2001:db8:1:3::1")));
        assertThat(RateLimitRoutes.clientKey(ip("203.0.113.9"))).isEqualTo("203.0.113.9");
    }
}
