package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The capture plugin for {@code source.type=v4l2}: a Video4Linux2 capture device ({@code source.device=/dev/video0}, {@code source.width}, {@code source.height}, {@code source.fps}, {@code source.input.format}, optional ALSA {@code source.audio.device}).
 * Active only while {@link FfmpegNatives} is registered. Keys: see {@link SourceSettings}.
 */
@Component(service = CaptureSourceFactory.class, configurationPid = FfmpegSourceFactory.PID, property = CaptureSourceFactory.SOURCE_TYPE + "=v4l2",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class V4l2SourceFactory extends FfmpegSourceFactory {
    /** Registered by Declarative Services. */
    public V4l2SourceFactory() {
        super(SourceType.V4L2);
    }
}
