package io.sightline.rtp.sdp;

/**
 * An RTP header extension mapping ({@code a=extmap}, RFC 8285 section 8).
 *
 * @param id        the local identifier, 1-255 (1-14 fit the one-byte form)
 * @param direction the optional direction, or {@code null}
 * @param uri       the extension's URI
 */
public record ExtMap(int id, String direction, String uri) {
    /** Absolute send time, for REMB bandwidth estimation. */
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** Transport-wide sequence numbers, for transport-cc feedback. */
    public static final String TRANSPORT_WIDE_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** Playout delay limits: lets a sender ask the receiver for a minimal jitter buffer. */
    public static final String PLAYOUT_DELAY = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
    /** The media identification (mid) extension, RFC 8843. */
    public static final String SDES_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** The RTP stream id (rid) of a simulcast layer, RFC 8852. @since 0.4.0 */
    public static final String SDES_RTP_STREAM_ID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** The rid of the layer a retransmission stream repairs, RFC 8852. @since 0.4.0 */
    public static final String SDES_REPAIRED_RTP_STREAM_ID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    /** The {@code a=extmap:} value. */
    public String toSdp() {
        return id + (direction == null ? "" : "/" + direction) + " " + uri;
    }
}
