package io.sightline.sfu.internal.ice;

import io.sightline.rtp.sdp.IceCandidate;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Builds the host candidate list (RFC 8445 §5.1.1.1, §5.1.2; RFC 6544 §4.2 for TCP) as the SDP type the answer
 * carries. Component is always 1: WebRTC muxes RTP and RTCP.
 */
final class HostCandidates {

    /** RFC 8445 §5.1.2.2: host candidates get the highest type preference. */
    static final int HOST_TYPE_PREFERENCE = 126;
    /** RFC 6544 §4.2: direction preference of a passive host candidate (active 6, passive 4, S-O 2). */
    static final int PASSIVE_DIRECTION_PREFERENCE = 4;
    private static final int COMPONENT_ID = 1;

    private HostCandidates() {
    }

    /** UDP candidates first, then passive TCP ones with lower priority; tcpPort &lt; 0 means no TCP. */
    static List<IceCandidate> build(List<InetAddress> addresses, int udpPort, int tcpPort) {
        List<IceCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            InetAddress a = addresses.get(i);
            candidates.add(new IceCandidate(foundation(a, "udp"), COMPONENT_ID, "udp", priority(65535 - i), literal(a),
                    udpPort, "host", null, -1, null));
        }
        if (tcpPort >= 0) {
            for (int i = 0; i < addresses.size(); i++) {
                InetAddress a = addresses.get(i);
                // RFC 6544 §4.2: local preference = 2^13 * direction-pref + other-pref; stays below every UDP one.
                int localPreference = (PASSIVE_DIRECTION_PREFERENCE << 13) + (8191 - i);
                candidates.add(new IceCandidate(foundation(a, "tcp"), COMPONENT_ID, "tcp", priority(localPreference),
                        literal(a), tcpPort, "host", null, -1, "passive"));
            }
        }
        return List.copyOf(candidates);
    }

    /** For log lines: the candidates as SDP attribute values. */
    static List<String> toSdp(List<IceCandidate> candidates) {
        return candidates.stream().map(IceCandidate::toSdp).toList();
    }

    /** The address as SDP writes it: no IPv6 scope id (it means nothing to the peer). */
    private static String literal(InetAddress address) {
        String host = address.getHostAddress();
        int scope = host.indexOf('%');
        return scope < 0 ? host : host.substring(0, scope);
    }

    /** RFC 8445 §5.1.2.1. */
    static long priority(int localPreference) {
        return ((long) HOST_TYPE_PREFERENCE << 24) + ((long) localPreference << 8) + (256 - COMPONENT_ID);
    }

    /** Same type, base address and protocol give the same foundation (RFC 8445 §5.1.1.3). */
    static String foundation(InetAddress address, String protocol) {
        CRC32 crc = new CRC32();
        crc.update(("host/" + protocol + "/" + address.getHostAddress()).getBytes(StandardCharsets.US_ASCII));
        return Long.toString(crc.getValue());
    }

    /** RFC 5737 and RFC 3849: documentation ranges, never routed, so no viewer can reach them. */
    private static final InterfaceAllowList DOCUMENTATION = InterfaceAllowList.parse(
            List.of("192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32"));

    /** The addresses to advertise on this host (see {@link #addresses(IceServerConfig, List)}). */
    static List<InetAddress> addresses(IceServerConfig config) throws SocketException {
        InetAddress bind = config.bindAddress();
        return addresses(config, bind != null && !bind.isAnyLocalAddress() ? List.of() : HostInterface.current());
    }

    /**
     * The addresses to advertise: the public address (1:1 NAT) first; then the bound address when the sockets are
     * bound to one (no other address can receive); otherwise every address of the interfaces that are up, of the
     * bound family (an IPv4 wildcard socket receives no IPv6), without link-local (a remote peer cannot use their
     * scope ids) and multicast addresses, without loopback ones unless {@code include.loopback}, and then either
     * those the {@code ice.interfaces} allow-list allows or, without a list, all but documentation ranges.
     */
    static List<InetAddress> addresses(IceServerConfig config, List<HostInterface> interfaces) {
        Set<InetAddress> result = new LinkedHashSet<>();
        if (config.publicAddress() != null) {
            result.add(config.publicAddress());
        }
        InetAddress bind = config.bindAddress();
        if (bind != null && !bind.isAnyLocalAddress()) {
            result.add(bind);
            return List.copyOf(result);
        }
        InterfaceAllowList allowed = config.interfaces();
        for (HostInterface nif : interfaces) {
            if (!nif.up() || (nif.loopback() && !config.includeLoopback())) {
                continue;
            }
            for (InetAddress a : nif.addresses()) {
                boolean familyFits = !(bind instanceof Inet4Address) || a instanceof Inet4Address;
                boolean usable = familyFits && !a.isLinkLocalAddress() && !a.isMulticastAddress()
                        && (config.includeLoopback() || !a.isLoopbackAddress());
                boolean chosen = allowed.isEmpty() ? !DOCUMENTATION.allows("", a) : allowed.allows(nif.name(), a);
                if (usable && chosen) {
                    result.add(a);
                }
            }
        }
        return List.copyOf(result);
    }
}
