package io.sightline.api.transport;

/**
 * Live measurements of one viewer session.
 *
 * @param packetsSent         RTP packets sent
 * @param bytesSent           RTP payload and header bytes sent
 * @param packetsDropped      packets dropped locally because the viewer's queue was full
 * @param packetsLost         packets the viewer reported lost (RTCP receiver reports)
 * @param fractionLost        loss fraction in the last receiver report, 0..1
 * @param jitterMs            interarrival jitter from the last receiver report, milliseconds
 * @param rttMs               round-trip time from sender/receiver reports, milliseconds (negative if unknown)
 * @param nacksReceived       NACKed packets requested by the viewer
 * @param keyframeRequests    PLI and FIR messages received
 * @param bandwidthEstimateBps receiver's bandwidth estimate (REMB or transport-cc), bits per second (0 if unknown)
 */
public record ViewerStats(long packetsSent, long bytesSent, long packetsDropped, long packetsLost, double fractionLost,
        double jitterMs, double rttMs, long nacksReceived, long keyframeRequests, long bandwidthEstimateBps) {
    /** Stats of a session that has sent nothing. */
    public static final ViewerStats EMPTY = new ViewerStats(0, 0, 0, 0, 0, 0, -1, 0, 0, 0);
}
