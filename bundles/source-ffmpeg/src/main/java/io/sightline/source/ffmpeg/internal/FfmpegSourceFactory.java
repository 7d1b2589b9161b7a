package io.sightline.source.ffmpeg.internal;

import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import org.osgi.service.component.annotations.Activate;
import java.util.Map;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * What the six registered factories share: parse and check the stream's {@code source.*} keys for one
 * {@link SourceType} (see {@link SourceSettings} for the keys) and create an {@link FfmpegSource}. Creating opens
 * nothing; the source connects in {@code start()}.
 *
 * <p>All six share the plugin configuration {@value #PID} and its metatype {@link FfmpegSourceDefaults}; bnd sees the
 * inherited {@code @Activate}/{@code @Modified} method through {@code -dsannotations-options: inherit}.
 * {@code @Modified} keeps the services registered when the defaults change: running streams keep their settings.
 *
 * <p>Video browsers cannot play is decoded through the installed {@link VideoDecoderFactory} services (codec-ffmpeg),
 * tracked here as they come and go; a source opened while none fits its codec fails and is retried by the stream.
 */
abstract class FfmpegSourceFactory implements CaptureSourceFactory {
    /** The PID of the plugin's own (optional) configuration and of its metatype. */
    static final String PID = "io.sightline.source.ffmpeg";

    private final SourceType type;
    private volatile FfmpegSourceDefaults defaults;
    private final InstalledDecoders decoders = new InstalledDecoders();

    FfmpegSourceFactory(SourceType type) {
        this.type = type;
    }

    @Activate
    @Modified
    void configure(FfmpegSourceDefaults newDefaults) {
        this.defaults = newDefaults;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDecoderFactory(VideoDecoderFactory factory, Map<String, Object> properties) {
        decoders.add(factory, properties);
    }

    void unbindDecoderFactory(VideoDecoderFactory factory) {
        decoders.remove(factory);
    }

    @Override
    public final CaptureSource create(SourceContext context) {
        return new FfmpegSource(context, SourceSettings.from(type, context, defaults), decoders);
    }
}
