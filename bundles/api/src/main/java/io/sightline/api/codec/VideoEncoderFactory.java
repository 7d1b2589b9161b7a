package io.sightline.api.codec;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates video encoders. Register implementations as OSGi services with the service property {@value #CODEC}
 * naming the codec they produce in lower case ({@code h264}, {@code vp8}); streams pick one by their
 * {@code video.codec} setting.
 */
@ConsumerType
public interface VideoEncoderFactory {
    /** The service property naming the produced codec. */
    String CODEC = "codec";

    /**
     * Creates an encoder.
     *
     * @throws IllegalArgumentException when the settings cannot be honoured
     */
    VideoEncoder create(EncoderSettings settings);
}
