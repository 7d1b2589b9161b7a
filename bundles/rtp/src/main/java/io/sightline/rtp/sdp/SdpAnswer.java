package io.sightline.rtp.sdp;

import java.util.List;

/**
 * An answer written by {@link SdpAnswerBuilder}: the SDP text and, per m-section, what was negotiated (the ids the
 * sender must use for header extensions, and which feedback the browser will send).
 *
 * @param sdp   the answer, CRLF line endings
 * @param media one entry per offered m-section, in order
 */
public record SdpAnswer(String sdp, List<Negotiated> media) {

    /**
     * What one m-section agreed on.
     *
     * @param mid            the media id
     * @param accepted       whether media flows (false: rejected with port 0)
     * @param payloadType    chosen payload type, or -1
     * @param rtxPayloadType RTX payload type, or -1
     * @param ssrc           our media SSRC, or 0
     * @param rtxSsrc        our RTX SSRC, or 0
     * @param absSendTimeId  the abs-send-time extension id to write, or 0
     * @param transportCcId  the transport-wide-cc extension id to write, or 0
     * @param playoutDelayId the playout-delay extension id, or 0 when the offer had none
     * @param feedback       the RTCP feedback types kept (e.g. {@code nack}, {@code nack pli})
     * @param reducedSizeRtcp whether {@code rtcp-rsize} was agreed
     */
    public record Negotiated(String mid, boolean accepted, int payloadType, int rtxPayloadType, long ssrc,
            long rtxSsrc, int absSendTimeId, int transportCcId, int playoutDelayId, List<String> feedback,
            boolean reducedSizeRtcp) {
    }

    /** The negotiation of the m-section with this mid, or {@code null}. */
    public Negotiated media(String mid) {
        for (Negotiated n : media) {
            if (n.mid().equals(mid)) {
                return n;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return sdp;
    }
}
