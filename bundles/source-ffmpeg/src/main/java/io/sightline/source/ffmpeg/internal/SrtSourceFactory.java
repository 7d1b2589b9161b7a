package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The capture plugin for {@code source.type=srt}: an SRT caller to a listener ({@code source.url=srt://host:port?mode=caller}), MPEG-TS inside.
 * Active only while {@link FfmpegNatives} is registered. Keys: see {@link SourceSettings}.
 */
@Component(service = CaptureSourceFactory.class, configurationPid = FfmpegSourceFactory.PID, property = CaptureSourceFactory.SOURCE_TYPE + "=srt",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class SrtSourceFactory extends FfmpegSourceFactory {
    /** Registered by Declarative Services. */
    public SrtSourceFactory() {
        super(SourceType.SRT);
    }
}
