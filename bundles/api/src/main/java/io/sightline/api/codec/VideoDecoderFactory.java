package io.sightline.api.codec;

import io.sightline.api.media.CodecParameters;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates video decoders. Register implementations as OSGi services with the service property {@value #CODEC} naming
 * the codec they decode, the {@link io.sightline.api.media.Codec} constant's name in lower case ({@code h264},
 * {@code vp8}, {@code h265}, {@code mjpeg}, {@code raw}, ...). A stream whose source delivers encoded video uses one
 * decoder, shared by all its raw-picture subscribers, while at least one of them is attached; a capture plugin whose
 * input browsers cannot play (an H.265 camera, an MJPEG webcam) decodes through one too.
 *
 * <p>What a unit of each codec holds: H.264 and H.265 units are NAL units without start codes, the parameter sets
 * in band before the first keyframe; MJPEG one JPEG picture; RAW one packed picture as its parameters describe;
 * VP8, VP9 and AV1 one frame.
 *
 * @since 1.1.0
 */
@ConsumerType
public interface VideoDecoderFactory {
    /** The service property naming the decoded codec. */
    String CODEC = "codec";

    /**
     * Creates a decoder for a stream's video track.
     *
     * @param parameters the track's codec parameters; parameter sets (H.264 SPS/PPS) arrive in band with keyframes
     * @throws IllegalArgumentException when this factory cannot decode that codec or profile
     */
    VideoDecoder create(CodecParameters parameters);
}
