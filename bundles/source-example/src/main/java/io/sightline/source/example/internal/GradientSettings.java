package io.sightline.source.example.internal;

import io.sightline.api.source.SourceContext;

/**
 * One stream's settings, resolved once when the source is created: the stream's {@code source.*} keys, else the
 * plugin defaults. Checked up front, so a bad value fails the stream at once (FAILED with the message) instead of at
 * every reconnect.
 */
record GradientSettings(int width, int height, int fps, int failAfterFrames) {
    static final String WIDTH = "source.width";
    static final String HEIGHT = "source.height";
    static final String FPS = "source.fps";
    static final String FAIL_AFTER_FRAMES = "source.fail.after.frames";

    GradientSettings {
        requireEven(WIDTH, width, 1920);
        requireEven(HEIGHT, height, 1080);
        if (fps < 1 || fps > 60) {
            throw new IllegalArgumentException(FPS + " must be 1..60, got " + fps);
        }
        if (failAfterFrames < 0) {
            throw new IllegalArgumentException(FAIL_AFTER_FRAMES + " must be 0 or more, got " + failAfterFrames);
        }
    }

    /** @throws IllegalArgumentException when a value is not a number or out of range */
    static GradientSettings from(SourceContext context, GradientDefaults defaults) {
        return new GradientSettings(context.config(WIDTH, defaults.source_width()),
                context.config(HEIGHT, defaults.source_height()), context.config(FPS, defaults.source_fps()),
                context.config(FAIL_AFTER_FRAMES, defaults.source_fail_after_frames()));
    }

    private static void requireEven(String key, int value, int max) {
        // I420 halves both dimensions for the chroma planes, so odd sizes would need rounding everywhere.
        if (value < 16 || value > max || (value & 1) != 0) {
            throw new IllegalArgumentException(key + " must be even and 16.." + max + ", got " + value);
        }
    }
}
