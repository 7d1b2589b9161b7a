package io.sightline.source.example.internal;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The example capture plugin: feeds every stream configured with {@code source.type=gradient}.
 *
 * <p>The service property {@code source.type=gradient} is all the core looks for. The optional plugin configuration
 * ({@link GradientDefaults}) supplies defaults; {@code @Modified} keeps the service registered when it changes, so
 * running streams are not interrupted (they pick the new defaults up at their next start).
 */
@Component(service = CaptureSourceFactory.class, configurationPid = GradientSourceFactory.PID,
        property = CaptureSourceFactory.SOURCE_TYPE + "=" + GradientSourceFactory.TYPE)
@Designate(ocd = GradientDefaults.class)
public final class GradientSourceFactory implements CaptureSourceFactory {
    /** The source type this plugin serves. */
    public static final String TYPE = "gradient";
    /** The PID of the plugin's own (optional) configuration. */
    public static final String PID = "io.sightline.source.example";

    private volatile GradientDefaults defaults;

    @Activate
    @Modified
    void configure(GradientDefaults newDefaults) {
        this.defaults = newDefaults;
    }

    /** Cheap and side-effect free, as the SPI asks: settings are checked here, the thread starts in start(). */
    @Override
    public CaptureSource create(SourceContext context) {
        return new GradientSource(context, GradientSettings.from(context, defaults));
    }
}
