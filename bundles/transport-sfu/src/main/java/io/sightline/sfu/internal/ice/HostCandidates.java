package io.sightline.sfu.internal.ice;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/** Builds the host candidate list (RFC 8445 §5.1.1.1, §5.1.2; RFC 6544 §4.2 for TCP). */
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
            candidates.add(new IceCandidate(foundation(a, "udp"), "udp", priority(65535 - i), a, udpPort, false));
        }
        if (tcpPort >= 0) {
            for (int i = 0; i < addresses.size(); i++) {
                InetAddress a = addresses.get(i);
                // RFC 6544 §4.2: local preference = 2^13 * direction-pref + other-pref; stays below every UDP one.
                int localPreference = (PASSIVE_DIRECTION_PREFERENCE << 13) + (8191 - i);
                candidates.add(new IceCandidate(foundation(a, "tcp"), "tcp", priority(localPreference), a, tcpPort,
                        true));
            }
        }
        return List.copyOf(candidates);
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

    /** The addresses to advertise: the public address first, then the bound address or the interfaces'. */
    static List<InetAddress> addresses(IceServerConfig config) throws SocketException {
        Set<InetAddress> result = new LinkedHashSet<>();
        if (config.publicAddress() != null) {
            result.add(config.publicAddress());
        }
        InetAddress bind = config.bindAddress();
        if (bind != null && !bind.isAnyLocalAddress()) {
            result.add(bind);
            return List.copyOf(result);
        }
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || (nif.isLoopback() && !config.includeLoopback())
                    || (!config.interfaces().isEmpty() && !config.interfaces().contains(nif.getName()))) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                // Link-local addresses need scope ids that a remote peer cannot use.
                boolean familyFits = !(bind instanceof Inet4Address) || a instanceof Inet4Address;
                if (familyFits && !a.isLinkLocalAddress() && !a.isMulticastAddress()
                        && (config.includeLoopback() || !a.isLoopbackAddress())) {
                    result.add(a);
                }
            }
        }
        return List.copyOf(result);
    }
}
