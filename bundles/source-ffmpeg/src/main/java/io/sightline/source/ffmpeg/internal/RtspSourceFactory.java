package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.ffmpeg.natives.FfmpegNatives;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The capture plugin for {@code source.type=rtsp}: an IP camera or RTSP server ({@code source.url=rtsp://host/path}, {@code source.rtsp.transport=tcp|udp}, {@code source.username}/{@code source.password}), opened without probing.
 * Active only while {@link FfmpegNatives} is registered. Keys: see {@link SourceSettings}.
 */
@Component(service = CaptureSourceFactory.class, configurationPid = FfmpegSourceFactory.PID, property = CaptureSourceFactory.SOURCE_TYPE + "=rtsp",
        reference = @Reference(name = "natives", service = FfmpegNatives.class))
// The six factories share one PID; a PID is designated once per bundle (bnd refuses duplicates), so here only.
@Designate(ocd = FfmpegSourceDefaults.class)
public final class RtspSourceFactory extends FfmpegSourceFactory {
    /** Registered by Declarative Services. */
    public RtspSourceFactory() {
        super(SourceType.RTSP);
    }
}
