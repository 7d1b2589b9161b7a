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
     * The fmtp line for the answer. H.264 and VP8 echo the offered parameters of the chosen payload type, so the
     * browser recognises its own format (for H.264 the matcher guarantees the stream decodes under that profile);
     * Opus takes the offer's parameters updated with the stream's ({@code stereo}, {@code useinbandfec}).
     */
    public String answerFmtp() {
        if (stream.codec() != Codec.OPUS) {
            return format.fmtpLine();
        }
        Map<String, String> merged = new LinkedHashMap<>(format.fmtp());
        merged.putAll(stream.fmtp());
        if ("1".equals(merged.get("stereo"))) {
            merged.put("sprop-stereo", "1");
        }
        StringBuilder sb = new StringBuilder();
        merged.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append(v.isEmpty() ? "" : "=" + v));
        return sb.toString();
    }
}
