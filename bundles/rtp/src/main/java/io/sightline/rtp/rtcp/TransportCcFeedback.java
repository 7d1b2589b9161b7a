package io.sightline.rtp.rtcp;

/**
 * The summary of one transport-wide congestion control feedback packet (draft-holmer-rmcat-transport-wide-cc-
 * extensions-01 section 3.1): which transport sequence numbers it covers and how many of them arrived.
 *
 * @param senderSsrc      SSRC of the viewer that sent the feedback
 * @param mediaSsrc       the media source SSRC field
 * @param baseSequence    transport-wide sequence number of the first packet covered
 * @param statusCount     number of packets covered
 * @param referenceTime   signed reference time in multiples of 64 ms
 * @param feedbackCount   the feedback packet counter (8 bit, wraps)
 * @param received        packets reported as received
 * @param lost            packets reported as not received
 */
public record TransportCcFeedback(long senderSsrc, long mediaSsrc, int baseSequence, int statusCount,
        int referenceTime, int feedbackCount, int received, int lost) {

    /** The reference time in microseconds. */
    public long referenceTimeMicros() {
        return referenceTime * 64_000L;
    }
}
