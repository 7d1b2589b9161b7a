package io.sightline.transport.p2p.internal;

import java.util.List;
import java.util.Locale;

/**
 * The P2P transport's validated settings.
 *
 * @param maxViewersPerStream   viewers per stream before 503
 * @param codecs                upper-case RTP codec names in order of preference; only these are used
 * @param iceServers            STUN/TURN URLs (empty = host candidates only)
 * @param portMin               lowest media port, 0 = any
 * @param portMax               highest media port, 0 = any
 * @param iceTcp                gather TCP candidates too
 * @param gatheringTimeoutMs    longest wait for ICE gathering before answering
 * @param frameWaitMs           longest wait for the stream's first raw picture
 */
record P2pSettings(int maxViewersPerStream, List<String> codecs, List<String> iceServers, int portMin, int portMax,
        boolean iceTcp, int gatheringTimeoutMs, int frameWaitMs) {
    static final List<String> KNOWN_CODECS = List.of("VP8", "VP9", "H264", "AV1");

    P2pSettings {
        if (maxViewersPerStream < 1) {
            throw new IllegalArgumentException("max.viewers.per.stream must be at least 1");
        }
        codecs = codecs.stream().map(c -> c.trim().toUpperCase(Locale.ROOT)).filter(c -> !c.isEmpty()).toList();
        for (String c : codecs) {
            if (!KNOWN_CODECS.contains(c)) {
                throw new IllegalArgumentException("unknown codec '" + c + "' (known: " + KNOWN_CODECS + ")");
            }
        }
        if (codecs.isEmpty()) {
            throw new IllegalArgumentException("codecs must name at least one of " + KNOWN_CODECS);
        }
        iceServers = iceServers.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (portMin < 0 || portMax < 0 || portMax > 65535 || (portMax != 0 && portMax < portMin)) {
            throw new IllegalArgumentException("bad port range " + portMin + ".." + portMax);
        }
    }

    static P2pSettings from(P2pConfiguration c) {
        return new P2pSettings(c.max_viewers_per_stream(), List.of(c.codecs()), List.of(c.ice_servers()),
                c.port_min(), c.port_max(), c.ice_tcp(), c.ice_gathering_timeout_ms(), c.frame_wait_ms());
    }
}
