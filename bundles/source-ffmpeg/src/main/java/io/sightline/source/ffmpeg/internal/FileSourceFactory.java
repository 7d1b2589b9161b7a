package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The capture plugin for {@code source.type=file}: a media file played at real time ({@code source.url=/path/clip.mp4}, {@code source.loop}, default true).
 * Active only while {@link FfmpegNatives} is registered. Keys: see {@link SourceSettings}.
 */
@Component(service = CaptureSourceFactory.class, configurationPid = FfmpegSourceFactory.PID, property = CaptureSourceFactory.SOURCE_TYPE + "=file",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class FileSourceFactory extends FfmpegSourceFactory {
    /** Registered by Declarative Services. */
    public FileSourceFactory() {
        super(SourceType.FILE);
    }
}
