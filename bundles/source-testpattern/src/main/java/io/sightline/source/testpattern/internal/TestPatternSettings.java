package io.sightline.source.testpattern.internal;

import io.sightline.api.source.SourceContext;

/**
 * The test pattern's configuration, read from the stream's {@code source.*} properties (declared, with their
 * defaults, in {@link TestPatternDefaults}) and validated up front so that a bad value fails the stream at once
 * instead of at every reconnect.
 *
 * @param width  picture width: {@code source.width}, even, 16..3840, default 1280
 * @param height picture height: {@code source.height}, even, 16..3840, default 720
 * @param fps    frames per second: {@code source.fps}, 1..120, default 30
 */
record TestPatternSettings(int width, int height, int fps) {
    static final String WIDTH = "source.width";
    static final String HEIGHT = "source.height";
    static final String FPS = "source.fps";
    static final int MIN_SIZE = 16;
    static final int MAX_SIZE = 3840;
    static final int MAX_FPS = 120;

    TestPatternSettings {
        requireSize(WIDTH, width);
        requireSize(HEIGHT, height);
        if (fps < 1 || fps > MAX_FPS) {
            throw new IllegalArgumentException(FPS + " must be 1.." + MAX_FPS + ", got " + fps);
        }
    }

    /**
     * The stream's keys over the plugin's defaults.
     *
     * @throws IllegalArgumentException when a value is not a number or out of range
     */
    static TestPatternSettings from(SourceContext context, TestPatternDefaults defaults) {
        return new TestPatternSettings(context.config(WIDTH, defaults.source_width()),
                context.config(HEIGHT, defaults.source_height()), context.config(FPS, defaults.source_fps()));
    }

    private static void requireSize(String key, int value) {
        if (value < MIN_SIZE || value > MAX_SIZE || (value & 1) != 0) {
            throw new IllegalArgumentException(key + " must be even and " + MIN_SIZE + ".." + MAX_SIZE
                    + " (I420 halves it for chroma), got " + value);
        }
    }
}
