package io.sightline.sfu.internal;

import java.util.Locale;

/**
 * How a viewer joining a running stream gets its first picture ({@code viewer.start}). The choice trades time to
 * first frame against keyframes forced on every other viewer; none of them adds lasting latency.
 */
enum ViewerStart {
    /** Start on the cached group of pictures, sent at once with squeezed timestamps (no keyframe forced). */
    GOP_BURST("gop-burst"),
    /** Wait for the next keyframe and ask the source for one (an encoder makes it at once; a camera does not). */
    NEXT_KEYFRAME("next-keyframe"),
    /** Wait for the next keyframe the source makes by itself, asking for none (as Janus or go2rtc with a camera). */
    WAIT("wait");

    private final String key;

    ViewerStart(String key) {
        this.key = key;
    }

    /** The configuration value, e.g. {@code gop-burst}. */
    String key() {
        return key;
    }

    /** The mode named by a configuration value; an unknown value is rejected so a typo does not go unnoticed. */
    static ViewerStart parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (ViewerStart s : values()) {
            if (s.key.equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("viewer.start must be gop-burst, next-keyframe or wait, not '" + value + "'");
    }
}
