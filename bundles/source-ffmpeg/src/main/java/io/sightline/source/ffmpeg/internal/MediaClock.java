package io.sightline.source.ffmpeg.internal;

/**
 * Turns one track's demuxer timestamps into the increasing microsecond clock the stream wants.
 *
 * <p>Demuxers do not always give a timestamp: RTSP's first packets often have none ({@code AV_NOPTS_VALUE}) until
 * RTCP maps the RTP clock. A missing timestamp is taken as one nominal frame after the previous one; when real
 * timestamps start, the clock is re-based so it continues from where the estimate left off. A step back or a leap
 * of more than {@link #MAX_JUMP_MICROS} (a looped file, a camera reset, a 33-bit MPEG-TS wrap) is re-based the same
 * way, so the output never goes back and never leaps. Only for tracks without reordering (pts in decode order
 * increase), which is what this plugin passes through.
 */
final class MediaClock {
    static final long MAX_JUMP_MICROS = 5_000_000L;

    private final long stepMicros;
    private final Origin origin;
    private long offset;
    private boolean based;
    private long last = Long.MIN_VALUE;

    /**
     * @param stepMicros the nominal frame (or audio packet) duration used when a timestamp is missing
     * @param origin     shared by the tracks of one input so their clocks keep the input's A/V alignment
     */
    MediaClock(long stepMicros, Origin origin) {
        this.stepMicros = Math.max(1, stepMicros);
        this.origin = origin;
    }

    /** The output time for a packet whose timestamp is {@code micros}, or {@code null} when it has none. */
    long next(Long micros) {
        long value;
        if (micros == null) {
            value = last == Long.MIN_VALUE ? 0 : last + stepMicros;
        } else {
            if (!based) {
                if (last == Long.MIN_VALUE) {
                    if (origin.micros == Long.MIN_VALUE) {
                        origin.micros = micros;
                    }
                    offset = -origin.micros;
                } else {
                    offset = last + stepMicros - micros;
                }
                based = true;
            }
            value = micros + offset;
            if (last != Long.MIN_VALUE && (value < last || value > last + MAX_JUMP_MICROS)) {
                offset = last + stepMicros - micros;
                value = micros + offset;
            }
        }
        last = value;
        return value;
    }

    /** The last time handed out, or {@link Long#MIN_VALUE} before the first. */
    long last() {
        return last;
    }

    /** Re-bases at the next timestamp (after seeking back to the start of a looped file). */
    void rebase() {
        based = false;
    }

    /** The input timestamp (in microseconds) that maps to zero, shared by an input's tracks. */
    static final class Origin {
        long micros = Long.MIN_VALUE;
    }
}
