package io.sightline.transport.p2p.internal;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import io.sightline.api.transport.ViewerStats;
import java.util.Map;

/** Maps libwebrtc's W3C stats (outbound-rtp, remote-inbound-rtp, candidate-pair) to {@link ViewerStats}. */
final class PeerStats {
    private PeerStats() {
    }

    static ViewerStats of(RTCStatsReport report) {
        long packets = 0;
        long bytes = 0;
        long nacks = 0;
        long keyframeRequests = 0;
        long lost = 0;
        double fraction = 0;
        double jitterMs = 0;
        double rttMs = -1;
        long bwe = 0;
        for (RTCStats s : report.getStats().values()) {
            Map<String, Object> a = s.getAttributes();
            if (s.getType() == RTCStatsType.OUTBOUND_RTP) {
                packets += num(a, "packetsSent");
                bytes += num(a, "bytesSent") + num(a, "headerBytesSent");
                nacks += num(a, "nackCount");
                keyframeRequests += num(a, "pliCount") + num(a, "firCount");
            } else if (s.getType() == RTCStatsType.REMOTE_INBOUND_RTP) {
                lost += num(a, "packetsLost");
                fraction = Math.max(fraction, dbl(a, "fractionLost", 0));
                jitterMs = Math.max(jitterMs, dbl(a, "jitter", 0) * 1000);
                double rtt = dbl(a, "roundTripTime", -1);
                rttMs = rtt < 0 ? rttMs : rtt * 1000;
            } else if (s.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(a.get("nominated"))) {
                bwe = Math.max(bwe, (long) dbl(a, "availableOutgoingBitrate", 0));
            }
        }
        return new ViewerStats(packets, bytes, 0, lost, fraction, jitterMs, rttMs, nacks, keyframeRequests, bwe,
                bwe > 0 ? "libwebrtc" : "none");
    }

    private static long num(Map<String, Object> attributes, String key) {
        return attributes.get(key) instanceof Number n ? n.longValue() : 0;
    }

    private static double dbl(Map<String, Object> attributes, String key, double otherwise) {
        return attributes.get(key) instanceof Number n ? n.doubleValue() : otherwise;
    }
}
