package io.sightline.codec.ffmpeg.internal;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Creates libvpx VP8 encoders. Active only while {@link FfmpegNatives} is registered (FFmpeg natives loaded). */
@Component(service = VideoEncoderFactory.class, property = VideoEncoderFactory.CODEC + "=vp8",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class Vp8EncoderFactory implements VideoEncoderFactory {
    @Override
    public VideoEncoder create(EncoderSettings settings) {
        return Vp8VideoEncoder.open(settings);
    }
}
