package io.sightline.api.codec;

import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One encoder instance for one stream, tuned for latency: every input frame yields its output at once (no lookahead,
 * no B-frames, no frame reordering). Used from one thread at a time.
 */
@ConsumerType
public interface VideoEncoder extends AutoCloseable {
    /** The parameters of the bitstream this encoder produces (for H.264 the real profile-level-id). */
    CodecParameters parameters();

    /**
     * Encodes one frame.
     *
     * @param frame         the picture, of the size given in the settings
     * @param forceKeyframe make this frame a keyframe
     * @param trackId       the track id to stamp on the produced unit
     * @return the encoded unit (H.264 keyframes carry SPS and PPS first), or {@code null} if the encoder dropped the
     *         frame (rate control)
     */
    EncodedUnit encode(RawVideoFrame frame, boolean forceKeyframe, int trackId);

    /** Frees the encoder's native resources; idempotent. */
    @Override
    void close();
}
