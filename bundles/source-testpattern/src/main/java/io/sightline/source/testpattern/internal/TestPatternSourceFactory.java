package io.sightline.source.testpattern.internal;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The built-in capture plugin for {@code source.type=testpattern}: a synthetic picture that needs no device, used by
 * the always-present {@code demo} stream and by latency measurements (its pictures carry a timecode strip).
 * Configuration keys: {@code source.width}, {@code source.height}, {@code source.fps}, declared in
 * {@link TestPatternDefaults}; {@code @Modified} keeps the service registered when the plugin's defaults change.
 */
@Component(service = CaptureSourceFactory.class, configurationPid = TestPatternSourceFactory.PID,
        property = CaptureSourceFactory.SOURCE_TYPE + "=" + TestPatternSourceFactory.TYPE)
@Designate(ocd = TestPatternDefaults.class)
public final class TestPatternSourceFactory implements CaptureSourceFactory {
    /** The source type this factory serves. */
    public static final String TYPE = "testpattern";
    /** The PID of the plugin's own (optional) configuration and of its metatype. */
    public static final String PID = "io.sightline.source.testpattern";

    private volatile TestPatternDefaults defaults;

    @Activate
    @Modified
    void configure(TestPatternDefaults newDefaults) {
        this.defaults = newDefaults;
    }

    @Override
    public CaptureSource create(SourceContext context) {
        return new TestPatternSource(context, TestPatternSettings.from(context, defaults));
    }
}
