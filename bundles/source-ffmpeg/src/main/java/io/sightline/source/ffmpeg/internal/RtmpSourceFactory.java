package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The capture plugin for {@code source.type=rtmp}: an RTMP server's stream ({@code source.url=rtmp://host/app/key}).
 * Active only while {@link FfmpegNatives} is registered. Keys: see {@link SourceSettings}.
 */
@Component(service = CaptureSourceFactory.class, configurationPid = FfmpegSourceFactory.PID, property = CaptureSourceFactory.SOURCE_TYPE + "=rtmp",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class RtmpSourceFactory extends FfmpegSourceFactory {
    /** Registered by Declarative Services. */
    public RtmpSourceFactory() {
        super(SourceType.RTMP);
    }
}
