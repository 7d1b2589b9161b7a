package io.sightline.source.example.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The plugin's own configuration ({@code etc/io.sightline.source.example.cfg}, optional): defaults for every stream
 * with {@code source.type=gradient}. A stream's file sets the same keys to override them for that stream only.
 *
 * <p>bnd turns this into {@code OSGI-INF/metatype/*.xml}, so the Karaf shell ({@code config:edit}) and the web console
 * list the keys with their descriptions. Method names map to keys: {@code source_width} is {@code source.width}.
 */
// The designate above needs a constant expression, hence the qualified name.
@ObjectClassDefinition(id = GradientSourceFactory.PID, name = "Sightline example source (gradient)",
        // The same keys describe a stream's own source.* settings: the control plane validates them, the admin
        // console's form shows them and the shell completes them (CaptureSourceFactory.SETTINGS_PID_PREFIX).
        factoryPid = io.sightline.api.source.CaptureSourceFactory.SETTINGS_PID_PREFIX + GradientSourceFactory.TYPE,
        description = "Defaults for streams with source.type=gradient; a stream's own source.* keys take precedence.")
@interface GradientDefaults {
    @AttributeDefinition(name = "Width", description = "Picture width in pixels: even, 16..1920.")
    int source_width() default 640;

    @AttributeDefinition(name = "Height", description = "Picture height in pixels: even, 16..1080.")
    int source_height() default 360;

    @AttributeDefinition(name = "Frame rate", description = "Pictures per second: 1..60.")
    int source_fps() default 30;

    @AttributeDefinition(name = "Fail after frames", description = "For trying out reconnects: report a failure "
            + "after this many pictures of each run (the stream then reconnects with backoff). 0 never fails.")
    int source_fail_after_frames() default 0;
}
