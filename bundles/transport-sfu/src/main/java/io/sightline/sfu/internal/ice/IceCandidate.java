package io.sightline.sfu.internal.ice;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A local host candidate (RFC 8445 §5.1.1.1), passive TCP ones per RFC 6544. Component is always 1: WebRTC muxes
 * RTP and RTCP.
 */
public record IceCandidate(String foundation, String protocol, long priority, InetAddress address, int port,
        boolean tcpPassive) {

    public IceCandidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
    }

    /** The value of the SDP attribute, e.g. {@code candidate:1 1 udp 2130706431 192.0.2.1 50000 typ host}. */
    public String sdpValue() {
        String host = address.getHostAddress();
        int scope = host.indexOf('%');
        if (scope >= 0) {
            host = host.substring(0, scope);
        }
        return "candidate:" + foundation + " 1 " + protocol + " " + priority + " " + host + " " + port + " typ host"
                + (tcpPassive ? " tcptype passive" : "");
    }

    /** The whole SDP line, e.g. {@code a=candidate:...}. */
    public String sdpLine() {
        return "a=" + sdpValue();
    }

    @Override
    public String toString() {
        return sdpValue();
    }
}
