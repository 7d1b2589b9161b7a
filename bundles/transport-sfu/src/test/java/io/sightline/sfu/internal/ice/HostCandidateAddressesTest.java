package io.sightline.sfu.internal.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which addresses the SFU offers as host candidates on a host shaped like the test hosts of issue 12: loopback, an
 * eth0 with a documentation-range IPv4 address, a unique-local IPv6 and a link-local one, and a LAN interface.
 */
class HostCandidateAddressesTest {
    private static final List<HostInterface> HOST = List.of(
            new HostInterface("lo", true, true, addresses("127.0.0.1", "::1")),
            new HostInterface("eth0", true, false, addresses("192.0.2.2", "fd00::2", "fe80::fc:ff:fe00:1")),
            new HostInterface("enp3s0", true, false, addresses("10.20.0.5", "2a01:4f8::5")),
            new HostInterface("docker0", false, false, addresses("172.17.0.1")));

    private static List<InetAddress> addresses(String... literals) {
        return java.util.Arrays.stream(literals).map(HostCandidateAddressesTest::ip).toList();
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static IceServerConfig config(String bind, String allowList, boolean loopback, String publicAddress) {
        return new IceServerConfig(bind == null ? null : ip(bind), 0, 0, Duration.ofSeconds(30),
                InterfaceAllowList.parse(List.of(allowList)), loopback,
                publicAddress == null ? null : ip(publicAddress), 16);
    }

    private static List<String> offered(IceServerConfig config) {
        return HostCandidates.addresses(config, HOST).stream().map(InetAddress::getHostAddress).toList();
    }

    @Test
    void allInterfacesOfferEveryReachableAddressButDocumentationLinkLocalAndDownInterfaces() {
        assertEquals(List.of("127.0.0.1", "0:0:0:0:0:0:0:1", "fd00:0:0:0:0:0:0:2", "10.20.0.5",
                "2a01:4f8:0:0:0:0:0:5"), offered(config(null, "", true, null)));
        assertEquals(List.of("fd00:0:0:0:0:0:0:2", "10.20.0.5", "2a01:4f8:0:0:0:0:0:5"),
                offered(config(null, "", false, null)), "include.loopback = false");
        assertEquals(List.of("127.0.0.1", "10.20.0.5"), offered(config("0.0.0.0", "", true, null)),
                "an IPv4 wildcard socket receives no IPv6");
    }

    @Test
    void aConcreteBindAddressIsTheOnlyHostCandidateAfterThePublicOne() {
        assertEquals(List.of("127.0.0.1"), offered(config("127.0.0.1", "eth0", true, null)));
        assertEquals(List.of("203.0.113.7", "10.20.0.5"), offered(config("10.20.0.5", "", true, "203.0.113.7")),
                "1:1 NAT: the public address first, even from a documentation range");
        assertEquals(List.of("203.0.113.7", "127.0.0.1", "0:0:0:0:0:0:0:1", "fd00:0:0:0:0:0:0:2", "10.20.0.5",
                "2a01:4f8:0:0:0:0:0:5"), offered(config(null, "", true, "203.0.113.7")));
    }

    @Test
    void theAllowListTakesInterfaceNamesPrefixesAddressesAndBlocks() {
        assertEquals(List.of("10.20.0.5", "2a01:4f8:0:0:0:0:0:5"), offered(config(null, "enp3s0", true, null)));
        assertEquals(List.of("10.20.0.5", "2a01:4f8:0:0:0:0:0:5"), offered(config(null, "enp*", true, null)));
        assertEquals(List.of("127.0.0.1", "10.20.0.5"), offered(config(null, "10.0.0.0/8, lo", true, "")
                .withPublicAddress(null)).stream().filter(a -> !a.contains(":")).toList());
        assertEquals(List.of("fd00:0:0:0:0:0:0:2"), offered(config(null, "fc00::/7", true, null)),
                "unique-local only");
        assertEquals(List.of("192.0.2.2", "fd00:0:0:0:0:0:0:2"), offered(config(null, "eth0", true, null)),
                "a listed interface gives all its addresses, documentation range included; never link-local");
        assertEquals(List.of("192.0.2.2"), offered(config(null, "192.0.2.2", true, null)));
        assertEquals(List.of(), offered(config(null, "docker0", true, null)), "an interface that is down");
        assertEquals(List.of(), offered(config(null, "127.0.0.1", false, null)),
                "include.loopback = false wins over the list");
    }

    @Test
    void allowListParsingKeepsNamesAndBlocksApartAndNeverLooksUpNames() {
        InterfaceAllowList list = InterfaceAllowList.parse(List.of("eth0,enp*  10.0.0.0/8", "fd00::1"));
        assertEquals("eth0, enp*, 10.0.0.0/8, fd00::1", list.toString(), "as the operator wrote them");
        assertTrue(list.allows("eth0", ip("192.168.1.1")));
        assertTrue(list.allows("enp0s31f6", ip("192.168.1.1")));
        assertTrue(list.allows("wlan0", ip("10.255.1.1")));
        assertTrue(list.allows("wlan0", ip("fd00::1")));
        assertFalse(list.allows("wlan0", ip("fd00::2")));
        assertFalse(list.allows("eth01", ip("192.168.1.1")), "names match whole unless they end in *");
        assertTrue(InterfaceAllowList.parse(List.of("", " ")).isEmpty());
        assertTrue(InterfaceAllowList.parse(List.of("cafe")).allows("cafe", ip("192.168.1.1")),
                "a hex-looking word is an interface name");
    }

    @ParameterizedTest
    @ValueSource(strings = { "10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "eth0/24", "1.2.3.4.5", "256.1.1.1",
            "a-very-long-interface-name", "eth 0;", "::g" })
    void aMalformedEntryIsRefusedByName(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InterfaceAllowList.parse(List.of("lo, " + entry)));
        assertTrue(e.getMessage().contains("'"), e.getMessage());
    }
}
