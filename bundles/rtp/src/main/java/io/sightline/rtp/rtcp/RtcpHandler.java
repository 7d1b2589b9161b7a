package io.sightline.rtp.rtcp;

/**
 * Receives what {@link RtcpParser} finds in a compound RTCP packet, one call per item in packet order. Every method
 * does nothing by default, so a handler implements only what it acts on. SSRCs are unsigned 32-bit values in longs.
 */
public interface RtcpHandler {
    /** A sender report's sender information (RFC 3550 section 6.4.1); its report blocks follow as separate calls. */
    default void onSenderReport(long senderSsrc, long ntpTimestamp, long rtpTimestamp, long packetCount,
            long octetCount) {
    }

    /** One report block of a sender or receiver report. */
    default void onReportBlock(long senderSsrc, ReportBlock block) {
    }

    /** One lost packet from a generic NACK (RFC 4585 section 6.2.1): called once per sequence number. */
    default void onNack(long senderSsrc, long mediaSsrc, int sequenceNumber) {
    }

    /** A picture loss indication (RFC 4585 section 6.3.1). */
    default void onPli(long senderSsrc, long mediaSsrc) {
    }

    /** One full intra request entry (RFC 5104 section 4.3.1). */
    default void onFir(long senderSsrc, long mediaSsrc, int sequenceNumber) {
    }

    /** A receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb) for the listed SSRCs. */
    default void onRemb(long senderSsrc, long bitrateBps, long[] ssrcs) {
    }

    /** A transport-wide congestion control feedback packet. */
    default void onTransportCc(TransportCcFeedback feedback) {
    }

    /**
     * One packet's status in a well-formed transport-wide feedback packet, after {@link #onTransportCc}: whether the
     * packet with this transport-wide sequence number (16 bit) had arrived. A packet reported missing before a later
     * one that arrived was lost or reordered: a sender can repair it without waiting for a NACK.
     */
    default void onTransportCcStatus(int transportSequence, boolean received) {
    }

    /**
     * When a packet {@link #onTransportCcStatus} just reported received arrived, in microseconds of the viewer's
     * clock (the feedback's reference time plus the receive deltas up to this packet). Only differences between
     * arrival times mean anything: the clock's origin is the viewer's own.
     */
    default void onTransportCcArrival(int transportSequence, long arrivalMicros) {
    }

    /** A BYE for one SSRC (RFC 3550 section 6.6). */
    default void onBye(long ssrc) {
    }
}
