package io.sightline.rtp.sdp;

import java.util.Objects;

/**
 * What the SFU sends on one accepted m-section: the chosen codec and the stream's identifiers.
 *
 * @param codec    the match from {@link CodecMatcher}
 * @param ssrc     SSRC of the media packets (unsigned 32 bit)
 * @param rtxSsrc  SSRC of RTX retransmissions, or 0 for none (then no {@code ssrc-group:FID} is written)
 * @param cname    the RTCP CNAME, shared by all tracks of one viewer session so the browser syncs them
 * @param streamId the msid stream id (one per MediaStream in the browser)
 * @param trackId  the msid track id
 */
public record MediaAnswer(CodecMatch codec, long ssrc, long rtxSsrc, String cname, String streamId, String trackId) {
    public MediaAnswer {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(cname, "cname");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(trackId, "trackId");
        if (ssrc <= 0 || ssrc > 0xffffffffL || rtxSsrc < 0 || rtxSsrc > 0xffffffffL) {
            throw new IllegalArgumentException("SSRCs must be unsigned 32-bit, media SSRC non-zero");
        }
        if (!streamId.matches("[\\x21-\\x7e]{1,64}") || !trackId.matches("[\\x21-\\x7e]{1,64}")
                || !cname.matches("[\\x21-\\x7e]{1,255}")) {
            throw new IllegalArgumentException("msid ids and cname must be visible ASCII without spaces");
        }
    }
}
