package io.sightline.core.internal;

/**
 * Which pictures a rung encodes when it runs below the source's rate (the floor, decision 0042): the first picture at
 * or after each 1/fps step of the source's presentation time, so the rate stays even whatever the source's own rate
 * (25 or 30 fps) and a jittering timestamp does not drop two pictures in a row. A wanted keyframe is taken at once
 * (a viewer joining or moving onto the floor should not wait up to a step). Used on the run's feed thread only.
 */
final class PictureRateCap {
    private final long stepMicros;
    private long next = Long.MIN_VALUE;

    /** @param fps at most this many pictures per second; 0: every picture */
    PictureRateCap(int fps) {
        this.stepMicros = fps > 0 ? 1_000_000L / fps : 0;
    }

    /** Whether the picture presented at {@code ptsMicros} is encoded. */
    boolean take(long ptsMicros, boolean keyframeWanted) {
        if (stepMicros == 0) {
            return true;
        }
        if (!keyframeWanted && next != Long.MIN_VALUE && ptsMicros < next && next - ptsMicros <= 10 * stepMicros) {
            return false;
        }
        // A jump backwards of more than ten steps (a source restart) starts the grid afresh.
        next = next == Long.MIN_VALUE || ptsMicros - next > stepMicros || ptsMicros < next - 10 * stepMicros
                ? ptsMicros + stepMicros - stepMicros / 10 : next + stepMicros;
        return true;
    }
}
