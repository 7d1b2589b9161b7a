package io.sightline.sfu.internal;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.Track;
import io.sightline.rtp.sdp.CodecMatcher;
import io.sightline.rtp.sdp.Direction;
import io.sightline.rtp.sdp.MediaDescription;
import io.sightline.rtp.sdp.SessionDescription;
import java.util.List;

/**
 * Which rendition a viewer gets whose offer cannot take the stream's own video codec (issue 14 point 4): the top rung
 * of the stream's ladder in a codec the offer has (an H.264 camera for Firefox without OpenH264 gets VP8; a VP8
 * stream for an H.264-only client gets H.264). No I/O; the answer itself is {@link ViewerNegotiation}'s.
 */
final class CodecFallback {
    /** What the SFU can have a stream encode, in order of preference: VP8 is cheaper to encode than OpenH264. */
    private static final List<CodecParameters> ENCODABLE = List.of(CodecParameters.vp8(),
            CodecParameters.h264(CodecParameters.H264_CONSTRAINED_BASELINE_31));

    private CodecFallback() {
    }

    /**
     * The rendition to serve, or null when the viewer takes the stream as it is, the stream has no video, adaptation
     * is off ({@code ladder} empty) or the offer has no codec a rendition could be encoded in (then the negotiation
     * refuses it, or answers audio only, as before).
     */
    static Rendition rendition(SessionDescription offer, List<Track> tracks, List<Rendition> ladder) {
        Track video = tracks.stream().filter(t -> t.kind() == MediaKind.VIDEO).findFirst().orElse(null);
        if (video == null || ladder.isEmpty()) {
            return null;
        }
        List<MediaDescription> receiving = offer.media().stream().filter(CodecFallback::receivesVideo).toList();
        if (receiving.isEmpty()
                || receiving.stream().anyMatch(m -> CodecMatcher.match(m, video.parameters()).isPresent())) {
            return null;
        }
        Codec own = video.parameters().codec();
        for (CodecParameters candidate : ENCODABLE) {
            if (candidate.codec() != own
                    && receiving.stream().anyMatch(m -> CodecMatcher.match(m, candidate).isPresent())) {
                return ladder.get(0).in(candidate.codec());
            }
        }
        return null;
    }

    private static boolean receivesVideo(MediaDescription m) {
        return m.isRtp() && "video".equals(m.kind()) && m.direction() != Direction.SENDONLY
                && m.direction() != Direction.INACTIVE;
    }
}
