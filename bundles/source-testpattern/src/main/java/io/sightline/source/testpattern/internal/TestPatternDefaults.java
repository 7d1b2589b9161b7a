package io.sightline.source.testpattern.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The keys a {@code source.type=testpattern} stream reads, declared here, by their only reader, with their defaults.
 * The plugin's own configuration ({@code etc/io.sightline.source.testpattern.cfg}, optional) sets defaults for every
 * test pattern stream; a stream's file sets the same keys for that stream only (as in {@code source-example}).
 */
@ObjectClassDefinition(id = TestPatternSourceFactory.PID, name = "Sightline test pattern source",
        description = "Keys of streams with source.type=testpattern; set here they are defaults for all such streams, "
                + "a stream's own source.* keys take precedence.")
@interface TestPatternDefaults {
    @AttributeDefinition(name = "Width", description = "Picture width in pixels: even, 16..3840.")
    int source_width() default 1280;

    @AttributeDefinition(name = "Height", description = "Picture height in pixels: even, 16..3840.")
    int source_height() default 720;

    @AttributeDefinition(name = "Frame rate", description = "Pictures per second: 1..120; also the rate the stream "
            + "encodes at.")
    int source_fps() default 30;
}
