package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.StreamStats;
import java.util.Arrays;

/**
 * Input bitrate, frame rate, keyframe interval and ingest delay of a stream over a sliding window of about two
 * seconds; the ingest delay percentiles cover the last {@value #DELAY_SAMPLES} units that carried an arrival time.
 * Written by the source thread only; read from anywhere (the snapshot may be slightly stale, which is fine for stats).
 */
final class InputMeter {
    private static final long WINDOW_MS = 2000;
    static final int DELAY_SAMPLES = 256;

    private volatile StreamStats snapshot = StreamStats.EMPTY;
    private long windowStart;
    private long windowBytes;
    private long windowFrames;
    private long lastKeyframeMs;
    private long keyframeIntervalMs;
    private long units;
    private volatile long reconnects;
    private final long[] delays = new long[DELAY_SAMPLES];
    private final long[] sorted = new long[DELAY_SAMPLES];
    private int delayCount;
    private int delayNext;
    private long delayP50 = -1;
    private long delayP95 = -1;

    void unit(EncodedUnit unit, long nowMs) {
        if (unit.arrivalNanos() != 0) {
            delays[delayNext] = Math.max(0, (System.nanoTime() - unit.arrivalNanos()) / 1000);
            delayNext = (delayNext + 1) % DELAY_SAMPLES;
            delayCount = Math.min(delayCount + 1, DELAY_SAMPLES);
        }
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
            percentiles();
            snapshot = new StreamStats(windowBytes * 8000 / elapsed, windowFrames * 1000.0 / elapsed,
                    keyframeIntervalMs, reconnects, units, nowMs, delayP50, delayP95);
            windowStart = nowMs;
            windowBytes = 0;
            windowFrames = 0;
        } else if (prev.unitsIn() == 0 || nowMs - prev.lastUnitMillis() > 250) {
            snapshot = new StreamStats(prev.inputBitrateBps(), prev.framesPerSecond(), keyframeIntervalMs, reconnects,
                    units, nowMs, delayP50, delayP95);
        }
    }

    /** Once per window: a sort of at most {@value #DELAY_SAMPLES} values, off the per-unit path. */
    private void percentiles() {
        if (delayCount == 0) {
            return;
        }
        System.arraycopy(delays, 0, sorted, 0, delayCount);
        Arrays.sort(sorted, 0, delayCount);
        delayP50 = sorted[(delayCount - 1) / 2];
        delayP95 = sorted[(int) Math.ceil(delayCount * 0.95) - 1];
    }

    long lastUnitMillis() {
        return snapshot.lastUnitMillis();
    }

    void reconnected() {
        reconnects++;
        StreamStats s = snapshot;
        snapshot = new StreamStats(s.inputBitrateBps(), s.framesPerSecond(), s.keyframeIntervalMs(), reconnects,
                s.unitsIn(), s.lastUnitMillis(), s.ingestDelayP50Micros(), s.ingestDelayP95Micros());
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
