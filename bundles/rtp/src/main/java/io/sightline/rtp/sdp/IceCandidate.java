package io.sightline.rtp.sdp;

import java.util.Locale;

/**
 * An ICE candidate line ({@code a=candidate}, RFC 8839 section 5.1, with RFC 6544 {@code tcptype}).
 *
 * @param foundation     the foundation string
 * @param component      component id (1 = RTP; with rtcp-mux the only one)
 * @param transport      {@code udp} or {@code tcp}, lower case
 * @param priority       the priority, unsigned 32 bit
 * @param address        IP address or mDNS host name
 * @param port           the port
 * @param type           {@code host}, {@code srflx}, {@code prflx} or {@code relay}
 * @param relatedAddress {@code raddr}, or {@code null}
 * @param relatedPort    {@code rport}, or -1
 * @param tcpType        {@code active}, {@code passive} or {@code so} for TCP, else {@code null}
 */
public record IceCandidate(String foundation, int component, String transport, long priority, String address,
        int port, String type, String relatedAddress, int relatedPort, String tcpType) {

    private static final int HOST_TYPE_PREFERENCE = 126;

    /** A host UDP candidate with the usual highest priority. */
    public static IceCandidate hostUdp(String foundation, String address, int port) {
        return new IceCandidate(foundation, 1, "udp", priority(HOST_TYPE_PREFERENCE, 65535, 1), address, port,
                "host", null, -1, null);
    }

    /**
     * A passive host TCP candidate (RFC 6544): the browser connects to it when UDP is blocked. Its priority is below
     * every host UDP candidate, so UDP wins when both work.
     */
    public static IceCandidate hostTcpPassive(String foundation, String address, int port) {
        // RFC 6544 section 4.2: local preference = 2^13 * direction-pref + other-pref, passive host direction-pref 4
        int localPreference = (4 << 13) | 8191;
        return new IceCandidate(foundation, 1, "tcp", priority(HOST_TYPE_PREFERENCE, localPreference, 1), address,
                port, "host", null, -1, "passive");
    }

    /** RFC 8445 section 5.1.2.1: 2^24 * type preference + 2^8 * local preference + (256 - component). */
    static long priority(int typePreference, int localPreference, int component) {
        return ((long) typePreference << 24) + ((long) localPreference << 8) + (256 - component);
    }

    /** Parses a candidate attribute value, with or without the {@code candidate:} prefix. */
    public static IceCandidate parse(String value) throws SdpException {
        String v = value.startsWith("candidate:") ? value.substring("candidate:".length()) : value;
        String[] t = v.trim().split(" +");
        if (t.length < 8 || !"typ".equals(t[6])) {
            throw new SdpException("candidate needs '<foundation> <component> <transport> <priority> <address> <port>"
                    + " typ <type>': " + value);
        }
        int component = number(t[1], 1, 256, "component", value);
        String transport = t[2].toLowerCase(Locale.ROOT);
        if (!transport.equals("udp") && !transport.equals("tcp")) {
            throw new SdpException("candidate transport must be UDP or TCP: " + value);
        }
        long priority = longNumber(t[3], 0xffffffffL, "priority", value);
        int port = number(t[5], 0, 65535, "port", value);
        String raddr = null;
        int rport = -1;
        String tcpType = null;
        for (int i = 8; i + 1 < t.length; i += 2) {
            switch (t[i]) {
                case "raddr" -> raddr = t[i + 1];
                case "rport" -> rport = number(t[i + 1], 0, 65535, "rport", value);
                case "tcptype" -> tcpType = t[i + 1];
                default -> {
                    // generation, ufrag, network-id, network-cost: not needed by an ice-lite answerer
                }
            }
        }
        return new IceCandidate(t[0], component, transport, priority, t[4], port, t[7], raddr, rport, tcpType);
    }

    private static int number(String s, int min, int max, String what, String line) throws SdpException {
        long n = longNumber(s, max, what, line);
        if (n < min) {
            throw new SdpException("candidate " + what + " out of range: " + line);
        }
        return (int) n;
    }

    private static long longNumber(String s, long max, String what, String line) throws SdpException {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
            throw new SdpException("candidate " + what + " is not a number: " + line);
        }
        long n = Long.parseLong(s);
        if (n > max) {
            throw new SdpException("candidate " + what + " out of range: " + line);
        }
        return n;
    }

    /** The attribute value, {@code candidate:...} as written after {@code a=}. */
    public String toSdp() {
        StringBuilder sb = new StringBuilder("candidate:").append(foundation).append(' ').append(component)
                .append(' ').append(transport).append(' ').append(priority).append(' ').append(address).append(' ')
                .append(port).append(" typ ").append(type);
        if (relatedAddress != null) {
            sb.append(" raddr ").append(relatedAddress).append(" rport ").append(relatedPort);
        }
        if (tcpType != null) {
            sb.append(" tcptype ").append(tcpType);
        }
        return sb.toString();
    }
}
