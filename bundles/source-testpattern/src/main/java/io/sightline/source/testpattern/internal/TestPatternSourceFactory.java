package io.sightline.source.testpattern.internal;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import org.osgi.service.component.annotations.Component;

/**
 * The built-in capture plugin for {@code source.type=testpattern}: a synthetic picture that needs no device, used by
 * the always-present {@code demo} stream and by latency measurements (its pictures carry a timecode strip).
 * Configuration keys: {@code source.width}, {@code source.height}, {@code source.fps} (see
 * {@link TestPatternSettings}).
 */
@Component(service = CaptureSourceFactory.class,
        property = CaptureSourceFactory.SOURCE_TYPE + "=" + TestPatternSourceFactory.TYPE)
public final class TestPatternSourceFactory implements CaptureSourceFactory {
    /** The source type this factory serves. */
    public static final String TYPE = "testpattern";

    @Override
    public CaptureSource create(SourceContext context) {
        return new TestPatternSource(context, TestPatternSettings.from(context));
    }
}
