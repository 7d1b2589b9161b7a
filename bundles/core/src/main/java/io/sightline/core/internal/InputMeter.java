package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.StreamStats;

/**
 * Input bitrate, frame rate and keyframe interval of a stream over a sliding window of about two seconds.
 * Written by the source thread only; read from anywhere (the snapshot may be slightly stale, which is fine for stats).
 */
final class InputMeter {
    private static final long WINDOW_MS = 2000;

    private volatile StreamStats snapshot = StreamStats.EMPTY;
    private long windowStart;
    private long windowBytes;
    private long windowFrames;
    private long lastKeyframeMs;
    private long keyframeIntervalMs;
    private long units;
    private volatile long reconnects;

    void unit(EncodedUnit unit, long nowMs) {
        units++;
        windowBytes += unit.size();
        if (unit.codec().kind() == MediaKind.VIDEO) {
            windowFrames++;
            if (unit.keyframe()) {
                if (lastKeyframeMs != 0) {
                    keyframeIntervalMs = nowMs - lastKeyframeMs;
                }
                lastKeyframeMs = nowMs;
            }
        }
        roll(nowMs);
    }

    /** A raw picture that was not encoded (nobody wanted encoded media): counts for the frame rate only. */
    void picture(long nowMs) {
        units++;
        windowFrames++;
        roll(nowMs);
    }

    private void roll(long nowMs) {
        if (windowStart == 0) {
            windowStart = nowMs;
        }
        long elapsed = nowMs - windowStart;
        StreamStats prev = snapshot;
        if (elapsed >= WINDOW_MS) {
            snapshot = new StreamStats(windowBytes * 8000 / elapsed, windowFrames * 1000.0 / elapsed,
                    keyframeIntervalMs, reconnects, units, nowMs);
            windowStart = nowMs;
            windowBytes = 0;
            windowFrames = 0;
        } else if (prev.unitsIn() == 0 || nowMs - prev.lastUnitMillis() > 250) {
            snapshot = new StreamStats(prev.inputBitrateBps(), prev.framesPerSecond(), keyframeIntervalMs, reconnects,
                    units, nowMs);
        }
    }

    long lastUnitMillis() {
        return snapshot.lastUnitMillis();
    }

    void reconnected() {
        reconnects++;
        StreamStats s = snapshot;
        snapshot = new StreamStats(s.inputBitrateBps(), s.framesPerSecond(), s.keyframeIntervalMs(), reconnects,
                s.unitsIn(), s.lastUnitMillis());
    }

    /** The source stopped: rates drop to zero, counters stay. */
    void idle() {
        StreamStats s = snapshot;
        snapshot = new StreamStats(0, 0, s.keyframeIntervalMs(), reconnects, s.unitsIn(), s.lastUnitMillis());
        windowStart = 0;
        windowBytes = 0;
        windowFrames = 0;
    }

    StreamStats stats() {
        return snapshot;
    }
}
