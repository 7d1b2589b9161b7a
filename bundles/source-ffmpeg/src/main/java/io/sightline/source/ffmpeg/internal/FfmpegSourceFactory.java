package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Modified;

/**
 * What the six registered factories share: parse and check the stream's {@code source.*} keys for one
 * {@link SourceType} (see {@link SourceSettings} for the keys) and create an {@link FfmpegSource}. Creating opens
 * nothing; the source connects in {@code start()}.
 *
 * <p>All six share the plugin configuration {@value #PID} and its metatype {@link FfmpegSourceDefaults}; bnd sees the
 * inherited {@code @Activate}/{@code @Modified} method through {@code -dsannotations-options: inherit}.
 * {@code @Modified} keeps the services registered when the defaults change: running streams keep their settings.
 */
abstract class FfmpegSourceFactory implements CaptureSourceFactory {
    /** The PID of the plugin's own (optional) configuration and of its metatype. */
    static final String PID = "io.sightline.source.ffmpeg";

    private final SourceType type;
    private volatile FfmpegSourceDefaults defaults;

    FfmpegSourceFactory(SourceType type) {
        this.type = type;
    }

    @Activate
    @Modified
    void configure(FfmpegSourceDefaults newDefaults) {
        this.defaults = newDefaults;
    }

    @Override
    public final CaptureSource create(SourceContext context) {
        return new FfmpegSource(context, SourceSettings.from(type, context, defaults));
    }
}
