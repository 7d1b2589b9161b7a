package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The capture plugin for {@code source.type=http}: a live MPEG-TS (or other container) over HTTP ({@code source.url=http://host/stream.ts}).
 * Active only while {@link FfmpegNatives} is registered. Keys: see {@link SourceSettings}.
 */
@Component(service = CaptureSourceFactory.class, configurationPid = FfmpegSourceFactory.PID, property = CaptureSourceFactory.SOURCE_TYPE + "=http",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
public final class HttpSourceFactory extends FfmpegSourceFactory {
    /** Registered by Declarative Services. */
    public HttpSourceFactory() {
        super(SourceType.HTTP);
    }
}
