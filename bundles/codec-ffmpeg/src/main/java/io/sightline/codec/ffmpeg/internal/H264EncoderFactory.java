package io.sightline.codec.ffmpeg.internal;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Creates OpenH264 encoders (Constrained Baseline). Active only while {@link FfmpegNatives} is registered, i.e. once
 * the FFmpeg natives loaded.
 */
@Component(service = VideoEncoderFactory.class, property = VideoEncoderFactory.CODEC + "=h264",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class H264EncoderFactory implements VideoEncoderFactory {
    @Override
    public VideoEncoder create(EncoderSettings settings) {
        return H264VideoEncoder.open(settings);
    }
}
