package dev.sigil.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-address count behind {@code attack/SlowHeadersTest}: what counts as one address, who is not counted. */
class ConnectionsPerAddressTest {

    @Test
    void ipv6AddressesOfOneSlash64CountAsOneClient() throws Exception {
        ConnectionsPerAddress limit = new ConnectionsPerAddress(2, address -> false);
        InetAddress first = limit.keyOf(InetAddress.getByName("2001:db8:1:2::1")).orElseThrow();
        InetAddress second = limit.keyOf(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:fffe")).orElseThrow();
        InetAddress otherNetwork = limit.keyOf(InetAddress.getByName("2001:db8:1:3::1")).orElseThrow();

        assertThat(second).isEqualTo(first);
        assertThat(limit.tryAdmit(first)).isTrue();
        assertThat(limit.tryAdmit(second)).isTrue();
        assertThat(limit.tryAdmit(first)).isFalse();
        assertThat(limit.tryAdmit(otherNetwork)).isTrue();
    }

    @Test
    void aRefusalCountsNothingAndAReleaseFreesASlot() throws Exception {
        ConnectionsPerAddress limit = new ConnectionsPerAddress(1, address -> false);
        InetAddress client = limit.keyOf(InetAddress.getByName("192.0.2.1")).orElseThrow();
        assertThat(limit.tryAdmit(client)).isTrue();
        assertThat(limit.tryAdmit(client)).isFalse();
        assertThat(limit.tryAdmit(client)).isFalse();
        limit.release(client);
        assertThat(limit.tryAdmit(client)).isTrue();
        // IPv4 addresses are not grouped: a neighbour is another client.
        assertThat(limit.tryAdmit(limit.keyOf(InetAddress.getByName("192.0.2.2")).orElseThrow())).isTrue();
    }

    @Test
    void exemptAddressesAreNotCounted() throws Exception {
        InetAddress proxy = InetAddress.getByName("10.0.0.7");
        ConnectionsPerAddress limit = new ConnectionsPerAddress(1, proxy::equals);
        assertThat(limit.keyOf(proxy)).isEmpty();
        assertThat(limit.keyOf(InetAddress.getByName("10.0.0.8"))).isPresent();
    }
}
