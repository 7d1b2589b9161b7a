package io.sightline.api.codec;

import io.sightline.api.media.Codec;
import java.util.Objects;

/**
 * What a stream asks of a video encoder.
 *
 * @param codec        the codec to produce ({@link Codec#H264} or {@link Codec#VP8})
 * @param width        picture width in pixels
 * @param height       picture height in pixels
 * @param fps          frame rate the source delivers
 * @param bitrateKbps  target bitrate, kilobits per second
 * @param gopFrames    maximum frames between keyframes (keyframes are also forced on request)
 */
public record EncoderSettings(Codec codec, int width, int height, int fps, int bitrateKbps, int gopFrames) {
    /** Validates the components. */
    public EncoderSettings {
        Objects.requireNonNull(codec, "codec");
        if (width <= 0 || height <= 0 || fps <= 0 || bitrateKbps <= 0 || gopFrames <= 0) {
            throw new IllegalArgumentException("encoder settings must be positive: " + width + "x" + height + "@"
                    + fps + " " + bitrateKbps + "kbps gop " + gopFrames);
        }
    }
}
