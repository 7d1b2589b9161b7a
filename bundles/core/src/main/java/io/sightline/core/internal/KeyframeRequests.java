package io.sightline.core.internal;

/**
 * Whether the stream's next picture should be a keyframe, and the limit on keyframe requests reaching the source:
 * every new or recovering subscriber asks, and an encoder or camera forced into a keyframe per request would spend
 * the bitrate on keyframes. At most one request per {@value #INTERVAL_MS} ms passes.
 */
final class KeyframeRequests {
    static final long INTERVAL_MS = 250;

    private volatile boolean wanted;
    private volatile long lastPassed = Long.MIN_VALUE / 2;

    /** A subscriber asks; returns whether the request passes the limit (then the source is asked too). */
    boolean request(long nowMillis) {
        if (nowMillis - lastPassed < INTERVAL_MS) {
            return false;
        }
        lastPassed = nowMillis;
        wanted = true;
        return true;
    }

    /** The stream's own encoder must start again with a keyframe (it skipped pictures). */
    void want() {
        wanted = true;
    }

    boolean wanted() {
        return wanted;
    }

    /** A video keyframe went out. */
    void satisfied() {
        wanted = false;
    }
}
