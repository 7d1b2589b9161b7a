package io.sightline.sfu.internal.ice;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the shared ICE-lite server.
 *
 * @param bindAddress the address both sockets bind to; null binds the wildcard address
 * @param udpPort the UDP port; 0 picks an ephemeral port (tests)
 * @param tcpPort the passive ICE-TCP port; 0 picks an ephemeral port, -1 disables ICE-TCP
 * @param consentTimeout how long a session may go without a valid binding request before it is expired (RFC 7675
 *        says 30 s)
 * @param interfaces which interfaces' addresses become host candidates when bound to the wildcard address
 *        ({@code ice.interfaces}: names, addresses, CIDR blocks); empty means every interface that is up, without
 *        documentation ranges
 * @param includeLoopback whether loopback addresses become candidates too (local testing)
 * @param publicAddress an address advertised in addition with the same ports, for a 1:1 NAT; may be null
 * @param maxTcpConnections the cap on simultaneous ICE-TCP connections (each costs two threads)
 */
public record IceServerConfig(InetAddress bindAddress, int udpPort, int tcpPort, Duration consentTimeout,
        InterfaceAllowList interfaces, boolean includeLoopback, InetAddress publicAddress, int maxTcpConnections) {

    /** RFC 7675 §5.1: consent expires 30 s after the last successful check. */
    public static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofSeconds(30);

    public IceServerConfig {
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        Objects.requireNonNull(interfaces, "interfaces");
        if (udpPort < 0 || udpPort > 65535 || tcpPort < -1 || tcpPort > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        if (consentTimeout.isNegative() || consentTimeout.isZero()) {
            throw new IllegalArgumentException("consentTimeout must be positive");
        }
        if (maxTcpConnections < 0) {
            throw new IllegalArgumentException("maxTcpConnections must not be negative");
        }
    }

    /** Loopback only, ephemeral UDP and TCP ports: what tests use. */
    public static IceServerConfig loopback() {
        return new IceServerConfig(InetAddress.getLoopbackAddress(), 0, 0, DEFAULT_CONSENT_TIMEOUT,
                InterfaceAllowList.ANY, true, null, 16);
    }

    public IceServerConfig withConsentTimeout(Duration timeout) {
        return new IceServerConfig(bindAddress, udpPort, tcpPort, timeout, interfaces, includeLoopback,
                publicAddress, maxTcpConnections);
    }

    public IceServerConfig withPublicAddress(InetAddress address) {
        return new IceServerConfig(bindAddress, udpPort, tcpPort, consentTimeout, interfaces, includeLoopback,
                address, maxTcpConnections);
    }

    public boolean tcpEnabled() {
        return tcpPort >= 0;
    }
}
