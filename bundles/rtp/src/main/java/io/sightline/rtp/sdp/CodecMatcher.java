package io.sightline.rtp.sdp;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import java.util.Optional;

/**
 * Chooses the offered payload type that a stream's encoded media can be sent with unchanged.
 *
 * <p>H.264 (RFC 6184 section 8.2.2, RFC 7742 section 6.2): only packetization-mode=1 formats qualify (the packetizer
 * sends STAP-A and FU-A, which mode 0 forbids); among them the exact profile-level-id wins, then the same profile (as
 * browsers classify profiles: 42c01f and 42e01f are both Constrained Baseline) at an equal or higher offered level,
 * then the same profile at a lower level, then any profile the stream conforms to (Constrained Baseline is
 * decodable by an offered 42001f Baseline or 4d001f Main decoder). VP8 takes the first VP8 format; VP9 the first
 * of the stream's {@code profile-id} and AV1 the first of its {@code profile} (both 0 when absent, RFC 9628 section 6,
 * the AV1 payload format section 7.2), since a decoder of profile 0 cannot take profile 2 and the browser answers
 * each profile on its own payload type. Opus needs {@code opus/48000/2}. Ties go
 * to the offerer's preference order.
 */
public final class CodecMatcher {
    private CodecMatcher() {
    }

    /** The best offered format for {@code stream} in {@code media}, or empty when none fits. */
    public static Optional<CodecMatch> match(MediaDescription media, CodecParameters stream) {
        RtpFormat best = null;
        int bestScore = 0;
        for (RtpFormat f : media.formats.values()) {
            int score = score(f, stream);
            if (score > bestScore) {
                best = f;
                bestScore = score;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new CodecMatch(best, media.rtxFor(best.payloadType()), stream));
    }

    /** 0 when the format cannot carry the stream, higher for better matches. */
    private static int score(RtpFormat f, CodecParameters stream) {
        Codec codec = stream.codec();
        if (!f.is(codec.rtpName()) || f.clockRate() != codec.clockRate()) {
            return 0;
        }
        switch (codec) {
            case H264:
                return h264Score(f, stream);
            case OPUS:
                return f.channels() == 2 ? 1 : 0;
            case VP9:
                return sameProfile(f, stream, "profile-id") ? 1 : 0;
            case AV1:
                return sameProfile(f, stream, "profile") ? 1 : 0;
            default:
                return 1;
        }
    }

    private static boolean sameProfile(RtpFormat f, CodecParameters stream, String key) {
        String offered = f.fmtp(key);
        String ours = stream.fmtp(key);
        return (offered == null ? "0" : offered.trim()).equals(ours == null ? "0" : ours.trim());
    }

    private static int h264Score(RtpFormat f, CodecParameters stream) {
        if (!"1".equals(f.fmtp("packetization-mode"))) {
            return 0;
        }
        H264Profile ours = H264Profile.parse(stream.fmtp("profile-level-id"));
        H264Profile offered = H264Profile.parse(f.fmtp("profile-level-id"));
        if (ours == null || offered == null || !ours.decodableBy(offered)) {
            return 0;
        }
        if (ours.equals(offered)) {
            return 4;
        }
        // The offer's format of the stream's own profile (42e01f for an OpenH264 42c01f stream): the answer can
        // then state the stream's real profile-level-id on a payload type the browser maps to that profile.
        if (ours.sameProfileAs(offered)) {
            return offered.levelIdc() >= ours.levelIdc() ? 3 : 2;
        }
        return 1;
    }
}
