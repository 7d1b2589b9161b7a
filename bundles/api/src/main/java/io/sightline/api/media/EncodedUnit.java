package io.sightline.api.media;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One unit of encoded media as a stream carries it: an H.264 access unit, a VP8 frame or an Opus packet.
 *
 * <p>The payload is split into {@linkplain #parts() parts}; what a part is depends on the codec:
 * <ul>
 * <li>H.264: one NAL unit each, without Annex-B start codes or length prefixes, access unit delimiters removed.
 *     A keyframe carries its SPS and PPS as the first parts, so a viewer can start decoding at any keyframe.</li>
 * <li>VP8, VP9, AV1: one part, the whole frame.</li>
 * <li>Opus: one part, one Opus packet.</li>
 * </ul>
 *
 * <p>Units are immutable and shared by every subscriber of a stream without copying: the parts are read-only buffers,
 * and a consumer that moves a buffer's position must work on a {@link ByteBuffer#duplicate() duplicate}.
 */
public final class EncodedUnit {
    private final int trackId;
    private final Codec codec;
    private final long ptsMicros;
    private final long captureTimeMillis;
    private final boolean keyframe;
    private final List<ByteBuffer> parts;
    private final int size;
    private final long arrivalNanos;

    /**
     * @param trackId           the {@link io.sightline.api.stream.Track#id() track} this unit belongs to
     * @param codec             the codec of the payload
     * @param ptsMicros         presentation time in microseconds on the source's monotonic media clock; increases
     *                          from unit to unit of a track (the origin is arbitrary)
     * @param captureTimeMillis wall-clock time (epoch milliseconds) when the media was captured, or the best estimate
     *                          the source has (arrival time for network feeds); used for latency measurement and
     *                          A/V sync reports
     * @param keyframe          whether a decoder can start at this unit (always {@code true} for audio)
     * @param parts             the payload, as described in the class documentation
     */
    public EncodedUnit(int trackId, Codec codec, long ptsMicros, long captureTimeMillis, boolean keyframe,
            List<ByteBuffer> parts) {
        this(trackId, codec, ptsMicros, captureTimeMillis, keyframe, parts, 0);
    }

    /**
     * As {@link #EncodedUnit(int, Codec, long, long, boolean, List)}, from a network source that knows when the
     * unit's last byte came off its socket, so the stream can measure how long ingest held the unit.
     *
     * @param arrivalNanos {@link System#nanoTime()} when the last packet of the unit was read from the ingest
     *                     socket, or 0 when unknown
     * @since 1.1
     */
    public EncodedUnit(int trackId, Codec codec, long ptsMicros, long captureTimeMillis, boolean keyframe,
            List<ByteBuffer> parts, long arrivalNanos) {
        this.arrivalNanos = arrivalNanos;
        this.trackId = trackId;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.ptsMicros = ptsMicros;
        this.captureTimeMillis = captureTimeMillis;
        this.keyframe = keyframe;
        ByteBuffer[] ro = new ByteBuffer[parts.size()];
        int total = 0;
        for (int i = 0; i < ro.length; i++) {
            ro[i] = parts.get(i).asReadOnlyBuffer();
            total += ro[i].remaining();
        }
        this.parts = List.of(ro);
        this.size = total;
    }

    /** The track this unit belongs to. */
    public int trackId() {
        return trackId;
    }

    /** The payload codec. */
    public Codec codec() {
        return codec;
    }

    /** Presentation time in microseconds on the source's media clock. */
    public long ptsMicros() {
        return ptsMicros;
    }

    /** Presentation time converted to the codec's RTP clock (wraps like an RTP timestamp when truncated to 32 bits). */
    public long rtpTimestamp() {
        return ptsMicros * codec.clockRate() / 1_000_000L;
    }

    /** Wall-clock capture time in epoch milliseconds. */
    public long captureTimeMillis() {
        return captureTimeMillis;
    }

    /**
     * {@link System#nanoTime()} when the unit's last packet was read from the ingest socket, or 0 when the source
     * does not know (then ingest delay is not measured for it).
     *
     * @since 1.1
     */
    public long arrivalNanos() {
        return arrivalNanos;
    }

    /** Whether a decoder can start here. */
    public boolean keyframe() {
        return keyframe;
    }

    /** Read-only payload parts (see the class documentation for what a part is). */
    public List<ByteBuffer> parts() {
        return parts;
    }

    /** Total payload size in bytes. */
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "EncodedUnit[track=" + trackId + ", " + codec + ", pts=" + ptsMicros + "us, key=" + keyframe
                + ", parts=" + parts.size() + ", " + size + " bytes]";
    }
}
