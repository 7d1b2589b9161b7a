package io.sightline.api.codec;

import io.sightline.api.media.CodecParameters;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates video decoders. Register implementations as OSGi services with the service property {@value #CODEC} naming
 * the codec they decode in lower case ({@code h264}, {@code vp8}). A stream whose source delivers encoded video uses
 * one decoder, shared by all its raw-picture subscribers, while at least one of them is attached.
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
