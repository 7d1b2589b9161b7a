package io.sightline.rtp.sdp;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The offered format chosen for a stream, and its RTX format when one was offered.
 *
 * @param format the chosen offered format
 * @param rtx    the offered RTX format whose {@code apt} is the chosen payload type, or {@code null}
 * @param stream what the stream sends
 */
public record CodecMatch(RtpFormat format, RtpFormat rtx, CodecParameters stream) {

    /** The payload type to send with. */
    public int payloadType() {
        return format.payloadType();
    }

    /** The RTX payload type, or -1 without RTX. */
    public int rtxPayloadType() {
        return rtx == null ? -1 : rtx.payloadType();
    }

    /**
     * The fmtp line for the answer. VP8 echoes the offered parameters of the chosen payload type. H.264 keeps the
     * offered parameters and their order and, when the chosen format is of the stream's profile, states the
     * stream's level: Constrained Baseline in the offer's own spelling (a 42c01f stream on an offered 42e01f is
     * answered 42e01f, a 42c028 stream 42e028), since all its spellings name one profile and some clients compare
     * the profile bytes as strings; other profiles as the stream's own id. Across profiles (a Constrained Baseline
     * stream on a Main-only offer) the offered id is echoed, since the browser would not map another profile to that
     * payload type and the stream conforms to it anyway. Opus takes the offer's parameters updated with the
     * stream's ({@code stereo}, {@code useinbandfec}).
     */
    public String answerFmtp() {
        if (stream.codec() == Codec.H264) {
            return h264Fmtp();
        }
        if (stream.codec() != Codec.OPUS) {
            return format.fmtpLine();
        }
        Map<String, String> merged = new LinkedHashMap<>(format.fmtp());
        merged.putAll(stream.fmtp());
        if ("1".equals(merged.get("stereo"))) {
            merged.put("sprop-stereo", "1");
        }
        return join(merged);
    }

    private String h264Fmtp() {
        H264Profile ours = H264Profile.parse(stream.fmtp("profile-level-id"));
        H264Profile offered = H264Profile.parse(format.fmtp("profile-level-id"));
        if (ours == null || offered == null || !ours.sameProfileAs(offered)) {
            return format.fmtpLine();
        }
        H264Profile answered = ours.family() == H264Profile.Family.CONSTRAINED_BASELINE
                ? new H264Profile(offered.profileIdc(), offered.constraints(), ours.levelIdc())
                : ours;
        Map<String, String> params = new LinkedHashMap<>(format.fmtp());
        params.put("profile-level-id", answered.toHex());
        return join(params);
    }

    private static String join(Map<String, String> merged) {
        StringBuilder sb = new StringBuilder();
        merged.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append(v.isEmpty() ? "" : "=" + v));
        return sb.toString();
    }
}
