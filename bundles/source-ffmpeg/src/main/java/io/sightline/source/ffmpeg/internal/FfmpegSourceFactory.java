package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;

/**
 * What the six registered factories share: parse and check the stream's {@code source.*} keys for one
 * {@link SourceType} (see {@link SourceSettings} for the keys) and create an {@link FfmpegSource}. Creating opens
 * nothing; the source connects in {@code start()}.
 */
abstract class FfmpegSourceFactory implements CaptureSourceFactory {
    private final SourceType type;

    FfmpegSourceFactory(SourceType type) {
        this.type = type;
    }

    @Override
    public final CaptureSource create(SourceContext context) {
        return new FfmpegSource(context, SourceSettings.from(type, context));
    }
}
