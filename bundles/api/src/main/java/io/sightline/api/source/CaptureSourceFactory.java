package io.sightline.api.source;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The capture SPI: what an integrator implements to feed streams from a new kind of input.
 *
 * <p>Register an implementation as an OSGi service with the service property {@value #SOURCE_TYPE} naming the type
 * (for example {@code testpattern}, {@code rtsp}, {@code v4l2}). Every stream whose configuration says
 * {@code source.type=<that type>} is then fed by a {@link CaptureSource} this factory creates. When the plugin bundle
 * stops, its streams go to {@link io.sightline.api.stream.StreamState#FAILED} with a detail naming the missing type,
 * and come back by themselves when a factory for the type is registered again.
 *
 * <pre>{@code
 * @Component(property = CaptureSourceFactory.SOURCE_TYPE + "=noise")
 * public final class NoiseSourceFactory implements CaptureSourceFactory {
 *     public CaptureSource create(SourceContext context) {
 *         return new NoiseSource(context);
 *     }
 * }
 * }</pre>
 */
@ConsumerType
public interface CaptureSourceFactory {
    /** The service property that names the source type this factory serves. */
    String SOURCE_TYPE = "source.type";

    /**
     * Prefix of the factory PID under which a plugin describes its own per-stream {@code source.*} keys: a bundle
     * that carries {@code @ObjectClassDefinition(id = SETTINGS_PID_PREFIX + "<type>", factoryPid = SETTINGS_PID_PREFIX
     * + "<type>")} gets its keys validated, shown in the admin console's stream form and completed in the shell.
     * Attribute ids are the keys with {@code _} for {@code .}, as in any metatype ({@code source_width}).
     */
    String SETTINGS_PID_PREFIX = "io.sightline.stream.source.";

    /**
     * Creates a source for one stream. Must be cheap and must not open devices or connections: that happens in
     * {@link CaptureSource#start()}. Throw {@link IllegalArgumentException} for configuration that can never work
     * (the stream then goes to FAILED instead of retrying).
     */
    CaptureSource create(SourceContext context);
}
