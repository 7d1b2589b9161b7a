package io.sightline.source.testpattern.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The keys a {@code source.type=testpattern} stream reads, declared once, here, by their only reader, with their
 * defaults (as in {@code source-example}):
 * <ul>
 *   <li>designated for the stream's own keys (factory PID {@code io.sightline.stream.source.testpattern},
 *       {@code CaptureSourceFactory.SETTINGS_PID_PREFIX}): the control plane validates a stream file against it,
 *       the admin console's form shows it, the shell completes it;</li>
 *   <li>and for the plugin's own optional configuration ({@code etc/io.sightline.source.testpattern.cfg}): defaults
 *       for every test pattern stream, which a stream's file overrides.</li>
 * </ul>
 * {@link TestPatternSettings} parses them; evenness is not expressible here, so the source refuses odd sizes itself.
 */
// The designate needs a constant expression, hence the qualified name.
@ObjectClassDefinition(id = TestPatternSourceFactory.PID, name = "Test pattern source",
        factoryPid = io.sightline.api.source.CaptureSourceFactory.SETTINGS_PID_PREFIX + TestPatternSourceFactory.TYPE,
        description = "A moving picture with a clock and a timecode barcode. Set here, the keys are defaults for all "
                + "test pattern streams; a stream's own source.* keys take precedence.")
@interface TestPatternDefaults {
    @AttributeDefinition(name = "Width", min = "16", max = "3840",
            description = "Picture width in pixels, even, 16..3840.")
    int source_width() default 1280;

    @AttributeDefinition(name = "Height", min = "16", max = "3840",
            description = "Picture height in pixels, even, 16..3840.")
    int source_height() default 720;

    @AttributeDefinition(name = "Frames per second", min = "1", max = "120",
            description = "Pictures per second, 1..120; also the rate the stream encodes at.")
    int source_fps() default 30;
}
