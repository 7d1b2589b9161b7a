package io.sightline.api.transport;

/**
 * Live measurements of one viewer session.
 *
 * @param packetsSent             RTP packets sent
 * @param bytesSent               RTP payload and header bytes sent
 * @param packetsDropped          packets dropped locally because the viewer's queue was full
 * @param packetsLost             packets the viewer reported lost (RTCP receiver reports)
 * @param fractionLost            loss fraction in the last receiver report, 0..1
 * @param jitterMs                interarrival jitter from the last receiver report, milliseconds
 * @param rttMs                   round-trip time from sender/receiver reports, milliseconds (negative if unknown)
 * @param nacksReceived           NACKed packets requested by the viewer
 * @param keyframeRequests        PLI and FIR messages received
 * @param bandwidthEstimateBps    how many bits per second reach the viewer, as the transport estimates it from the
 *                                viewer's feedback, bits per second (0 if unknown)
 * @param bandwidthEstimateSource what that estimate is based on: {@code transport-cc}, {@code remb},
 *                                {@code receiver-report}, {@code libwebrtc} (the P2P transport's own), {@code none}
 *                                when there is no estimate, {@code unspecified} from a transport that does not say
 * @param rendition               what the viewer is sent now: a rendition's key ({@code vp8-320x180@50}, see
 *                                {@code Rendition.key()}), {@code source} for the stream's own media, or null from a
 *                                transport that does not serve renditions (since 1.2)
 * @since 1.1
 */
public record ViewerStats(long packetsSent, long bytesSent, long packetsDropped, long packetsLost, double fractionLost,
        double jitterMs, double rttMs, long nacksReceived, long keyframeRequests, long bandwidthEstimateBps,
        String bandwidthEstimateSource, String rendition) {
    /** Stats of a session that has sent nothing. */
    public static final ViewerStats EMPTY = new ViewerStats(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, "none", null);
    /** {@link #rendition()} of a viewer sent the stream's own media. */
    public static final String SOURCE = "source";

    public ViewerStats {
        if (bandwidthEstimateSource == null || bandwidthEstimateSource.isEmpty()) {
            bandwidthEstimateSource = bandwidthEstimateBps > 0 ? "unspecified" : "none";
        }
    }

    /** The measurements of a transport that serves no renditions (API 1.1). */
    public ViewerStats(long packetsSent, long bytesSent, long packetsDropped, long packetsLost, double fractionLost,
            double jitterMs, double rttMs, long nacksReceived, long keyframeRequests, long bandwidthEstimateBps,
            String bandwidthEstimateSource) {
        this(packetsSent, bytesSent, packetsDropped, packetsLost, fractionLost, jitterMs, rttMs, nacksReceived,
                keyframeRequests, bandwidthEstimateBps, bandwidthEstimateSource, null);
    }

    /** The measurements of a transport that does not say what its bandwidth estimate is based on (API 1.0). */
    public ViewerStats(long packetsSent, long bytesSent, long packetsDropped, long packetsLost, double fractionLost,
            double jitterMs, double rttMs, long nacksReceived, long keyframeRequests, long bandwidthEstimateBps) {
        this(packetsSent, bytesSent, packetsDropped, packetsLost, fractionLost, jitterMs, rttMs, nacksReceived,
                keyframeRequests, bandwidthEstimateBps, null, null);
    }
}
