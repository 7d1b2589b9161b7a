package io.sightline.sfu.internal.publish;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import io.sightline.rtp.h264.H264Ingest;
import io.sightline.rtp.rtcp.RtcpWriter;
import io.sightline.rtp.rtp.Av1Depacketizer;
import io.sightline.rtp.rtp.H264Depacketizer;
import io.sightline.rtp.rtp.NackGenerator;
import io.sightline.rtp.rtp.ReorderWindow;
import io.sightline.rtp.rtp.Vp8Depacketizer;
import io.sightline.rtp.rtp.Vp9Depacketizer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One video RTP stream of a publisher: the only one, or one simulcast layer (named by its rid). Its own receive
 * chain: a reorder window, NACKs, the depacketizer and the keyframe rule ({@link H264Ingest}, or the same rule for
 * VP8, VP9 and AV1 frames), its own RTP clock, and its own keyframe requests (a PLI names the layer's SSRC). Not thread-safe: the session
 * calls it under its receive lock, from the ICE receive thread and the feedback timer.
 */
final class PublishedLayer {
    /** Where the layer's access units go. */
    interface Output {
        /** The layer's video track changed (first keyframe, or a new size or SPS). */
        void track(PublishedLayer layer, Track track);

        /** One access unit of the layer, keyframes with their parameter sets. */
        void unit(PublishedLayer layer, EncodedUnit unit);
    }

    private final String rid;
    private final byte[] ridBytes;
    private final Output output;
    private final ReorderWindow reorder;
    private final NackGenerator nacks = new NackGenerator(256, 10, 1_000_000_000L);
    private final H264Depacketizer depacketizer;
    private final H264Ingest h264;
    /** VP8, VP9 or AV1 publishers instead of the two above (null for H.264): one frame per timestamp. */
    private final FrameDepacketizer frames;
    /** The video codec, and for {@link #frames} its parameters as viewers are told them. */
    private final Codec codec;
    private final CodecParameters frameParameters;
    private final RtpClock clock = new RtpClock(90_000);
    private boolean framesWaitingForKeyframe = true;
    private long framesDropped;
    private long ssrc;
    private Track track;
    private boolean keyframeWanted = true;
    /** Far in the past: the first PLI goes out at once. */
    private long lastPliNanos = Long.MIN_VALUE / 4;
    private long lastKeyframeNanos;
    private long lastPacketNanos;
    private long arrivalNanos;
    private long packets;
    private long bytes;
    private long units;
    private long plis;
    private long bytesAtReport;
    private long reportNanos;
    private long bitrateBps;
    /** Intervals {@link #peakBps()} looks back over. */
    static final int PEAK_WINDOW = 5;
    private final long[] recentBps = new long[PEAK_WINDOW];
    private int recentNext;

    /**
     * @param rid     the layer's rid, or null for a publisher without simulcast
     * @param codec   the publisher's video codec (H.264, VP8, VP9 or AV1)
     * @param maxPayload the largest RTP payload kept for reordering
     * @param holdNanos how long a gap may hold later packets
     */
    PublishedLayer(String rid, Codec codec, int maxPayload, long holdNanos, Output output) {
        this.rid = rid;
        this.ridBytes = rid == null ? new byte[0] : rid.getBytes(StandardCharsets.US_ASCII);
        this.output = output;
        H264Ingest.Output ingestOut = new H264Ingest.Output() {
            @Override
            public void track(Track t) {
                track = t;
                output.track(PublishedLayer.this, t);
            }

            @Override
            public void unit(EncodedUnit unit) {
                deliver(unit);
            }

            @Override
            public void keyframeNeeded() {
                keyframeWanted = true;
            }
        };
        this.h264 = new H264Ingest(ingestOut);
        this.depacketizer = new H264Depacketizer((nals, ts, damaged) -> h264.accessUnit(nals, damaged,
                clock.micros(ts, arrivalNanos), System.currentTimeMillis(), arrivalNanos));
        this.codec = codec;
        this.frames = frameDepacketizer(codec, this::frame);
        this.frameParameters = frames == null ? null : frameParameters(codec);
        this.reorder = new ReorderWindow(512, maxPayload, holdNanos, (payload, seq, ts, marker, at) -> {
            arrivalNanos = at;
            if (frames != null) {
                frames.packet(payload, seq, ts, marker);
            } else {
                depacketizer.packet(payload, seq, ts, marker);
            }
        });
    }

    String rid() {
        return rid;
    }

    /** Whether an RTP stream id extension of {@code length} bytes in {@code buf} names this layer; no allocation. */
    boolean named(byte[] buf, int length) {
        if (length != ridBytes.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buf[i] != ridBytes[i]) {
                return false;
            }
        }
        return true;
    }

    long ssrc() {
        return ssrc;
    }

    /** The layer's packets come with this SSRC from now on (its first packet, or an encoder restarted by the sender). */
    void bind(long newSsrc) {
        if (ssrc != 0 && ssrc != newSsrc) {
            reorder.reset();
            nacks.reset();
            keyframeWanted = true; // a new sequence space: start again at a keyframe
        }
        ssrc = newSsrc;
    }

    /** One decrypted RTP packet of the layer (payload at {@code offset}). */
    void packet(byte[] packet, int offset, int payload, int sequence, long timestamp, boolean marker, int length,
            long now) {
        packets++;
        bytes += length;
        lastPacketNanos = now;
        nacks.received(sequence, now);
        reorder.add(packet, offset, payload, sequence, timestamp, marker, now);
    }

    /**
     * The layer's part of a feedback tick: gives up stale gaps, writes its NACKs and, when a keyframe is wanted (and
     * no PLI went out within {@code pliIntervalNanos}), a PLI to its SSRC.
     *
     * @param refreshNanos ask for a keyframe when none came for this long (0: never)
     * @return the bytes written at {@code off}
     */
    int feedback(byte[] out, int off, long localSsrc, int[] nackList, long now, long pliIntervalNanos,
            long refreshNanos) {
        reorder.flush(now);
        if (ssrc == 0) {
            return 0;
        }
        int n = nacks.due(now, 30_000_000L, nackList);
        int len = RtcpWriter.writeNack(out, off, localSsrc, ssrc, nackList, n);
        if (nacks.takeKeyframeNeeded()) {
            keyframeWanted = true;
        }
        if (refreshNanos > 0 && lastKeyframeNanos != 0 && now - lastKeyframeNanos >= refreshNanos
                && now - lastPliNanos >= refreshNanos) {
            keyframeWanted = true; // the GOP grew past the stream's limit
        }
        if (keyframeWanted && now - lastPliNanos >= pliIntervalNanos) {
            keyframeWanted = false;
            lastPliNanos = now;
            plis++;
            len += RtcpWriter.writePli(out, off + len, localSsrc, ssrc);
        }
        return len;
    }

    /** Updates the bitrate over the last report interval. */
    void measure(long now) {
        bitrateBps = reportNanos == 0 ? 0 : (bytes - bytesAtReport) * 8 * 1_000_000_000L / (now - reportNanos);
        bytesAtReport = bytes;
        reportNanos = now;
        recentBps[recentNext++ % recentBps.length] = bitrateBps;
    }

    /**
     * The busiest of the last {@value #PEAK_WINDOW} report intervals: what a link must carry for the layer's
     * keyframes (every 2 s at least) to get through, which the mean understates.
     */
    long peakBps() {
        long peak = 0;
        for (long b : recentBps) {
            peak = Math.max(peak, b);
        }
        return peak;
    }

    void wantKeyframe() {
        keyframeWanted = true;
    }

    /** Whether a packet came within {@code withinNanos} and the layer has a picture size (it sent a keyframe). */
    boolean live(long now, long withinNanos) {
        return track != null && lastPacketNanos != 0 && now - lastPacketNanos < withinNanos;
    }

    Track track() {
        return track;
    }

    /** Pixels of a picture, 0 before the first keyframe. */
    int pixels() {
        return track == null ? 0 : track.width() * track.height();
    }

    long bitrateBps() {
        return bitrateBps;
    }

    /** When the layer's packets began to be measured (its first report), 0 before. */
    long packets() {
        return packets;
    }

    long bytes() {
        return bytes;
    }

    long plis() {
        return plis;
    }

    long units() {
        return units;
    }

    long lastPacketNanos() {
        return lastPacketNanos;
    }

    long skipped() {
        return reorder.skipped();
    }

    long late() {
        return reorder.late();
    }

    long nacked() {
        return nacks.requested();
    }

    long recovered() {
        return nacks.recovered();
    }

    long dropped() {
        return h264.dropped() + framesDropped;
    }

    Codec codec() {
        return codec;
    }

    /** Packets whose payload descriptor was cut short or inconsistent (VP8, VP9, AV1; 0 for H.264). */
    long malformed() {
        return frames == null ? 0 : frames.malformedPackets();
    }

    private void deliver(EncodedUnit unit) {
        units++;
        if (unit.keyframe()) {
            lastKeyframeNanos = arrivalNanos;
            keyframeWanted = false; // whoever asked is served by this one
        }
        output.unit(this, unit);
    }

    /**
     * A VP8/VP9/AV1 frame, as {@link H264Ingest} treats access units: nothing before the first key frame or after a
     * damaged frame until the next (asked for), and the track (re)announced when a key frame brings a new picture
     * size (a key frame whose size could not be read keeps the track's).
     */
    private void frame(ByteBuffer frame, long ts, boolean damaged, boolean keyframe, int width, int height) {
        if (damaged || (!keyframe && framesWaitingForKeyframe)) {
            framesDropped++;
            framesWaitingForKeyframe = true;
            keyframeWanted = true;
            return;
        }
        if (keyframe) {
            framesWaitingForKeyframe = false;
            boolean sized = width > 0 && height > 0;
            if (track == null || (sized && (track.width() != width || track.height() != height))) {
                track = Track.video(frameParameters, width, height, 0);
                output.track(this, track);
            }
        }
        deliver(new EncodedUnit(Track.VIDEO, codec, clock.micros(ts, arrivalNanos), System.currentTimeMillis(),
                keyframe, List.of(frame), arrivalNanos));
    }

    /** The frame depacketizers share one shape: packets in, whole or damaged frames out, malformed ones counted. */
    private record FrameDepacketizer(PacketSink sink, LongSupplier malformed) {
        void packet(ByteBuffer payload, int seq, long ts, boolean marker) {
            sink.packet(payload, seq, ts, marker);
        }

        long malformedPackets() {
            return malformed.getAsLong();
        }
    }

    @FunctionalInterface
    private interface PacketSink {
        void packet(ByteBuffer payload, int seq, long ts, boolean marker);
    }

    /** The depacketizer of a frame codec, null for H.264 (the NAL path). */
    private static FrameDepacketizer frameDepacketizer(Codec codec, Vp8Depacketizer.FrameListener listener) {
        if (codec == null) {
            return null;
        }
        return switch (codec) {
            case VP8 -> {
                Vp8Depacketizer d = new Vp8Depacketizer(listener);
                yield new FrameDepacketizer(d::packet, d::malformedPackets);
            }
            case VP9 -> {
                Vp9Depacketizer d = new Vp9Depacketizer(listener);
                yield new FrameDepacketizer(d::packet, d::malformedPackets);
            }
            case AV1 -> {
                Av1Depacketizer d = new Av1Depacketizer(listener);
                yield new FrameDepacketizer(d::packet, d::malformedPackets);
            }
            default -> null;
        };
    }

    /**
     * What viewers are told of a frame codec's video: the profile (always 0, the only one accepted), so a viewer is
     * answered on its payload type of that profile.
     */
    private static CodecParameters frameParameters(Codec codec) {
        return switch (codec) {
            case VP8 -> CodecParameters.vp8();
            case VP9 -> CodecParameters.of(Codec.VP9, 1, Map.of("profile-id", "0"));
            default -> CodecParameters.of(Codec.AV1, 1, Map.of("profile", "0"));
        };
    }

    @Override
    public String toString() {
        return rid == null ? "video" : "layer " + rid;
    }
}
