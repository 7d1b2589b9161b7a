package io.sightline.source.testpattern.internal;

import io.sightline.api.source.CaptureSourceFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The test pattern's own keys in a stream's file, described for the control plane (validation before a write,
 * the admin console's form, shell completion). {@link TestPatternSettings} still checks them when the source opens,
 * for files written by hand. Evenness is not expressible here; the source refuses odd sizes.
 */
@ObjectClassDefinition(id = CaptureSourceFactory.SETTINGS_PID_PREFIX + TestPatternSourceFactory.TYPE,
        factoryPid = CaptureSourceFactory.SETTINGS_PID_PREFIX + TestPatternSourceFactory.TYPE,
        name = "Test pattern source", description = "A moving picture with a clock and a timecode barcode.")
@interface TestPatternStreamSettings {
    @AttributeDefinition(name = "Width", min = "16", max = "3840",
            description = "Picture width in pixels, even, 16..3840.")
    int source_width() default 1280;

    @AttributeDefinition(name = "Height", min = "16", max = "3840",
            description = "Picture height in pixels, even, 16..3840.")
    int source_height() default 720;

    @AttributeDefinition(name = "Frames per second", min = "1", max = "120", description = "Pictures per second, 1..120.")
    int source_fps() default 30;
}
