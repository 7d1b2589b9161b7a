package io.sightline.source.ffmpeg.internal;

import io.sightline.rtp.h264.H264Sps;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns demuxed H.264 packets into the stream's {@link EncodedUnit}s without decoding: NAL units without start codes
 * or length prefixes, access unit delimiters dropped, the latest SPS and PPS in front of every keyframe (cameras
 * often send them once, out of band, but a viewer may join at any keyframe).
 *
 * <p>Watches the parameter sets: a new SPS (a resolution change) yields a new {@link Track}; an SPS that allows
 * reordering, or a B slice actually seen, makes {@link #accept} answer {@link Verdict#NEEDS_DECODING} so the source
 * falls back to decoding (WebRTC carries no B-frames). Not thread-safe; one per source run.
 */
final class H264Passthrough {
    /** What became of a packet. */
    enum Verdict {
        /** A unit is ready ({@link #unit()}). */
        UNIT,
        /** Nothing to push yet (no keyframe or parameter sets seen, or only parameter sets in the packet). */
        WAITING,
        /** The stream cannot be passed through; decode it instead. */
        NEEDS_DECODING
    }

    private final int lengthSize;
    private final double containerFps;
    private ByteBuffer sps;
    private ByteBuffer pps;
    private H264Sps spsInfo;
    private Track track;
    private boolean trackChanged;
    private boolean sawKeyframe;
    private EncodedUnit unit;

    /**
     * @param extradata    the stream's codec extradata (Annex B parameter sets or an AVCDecoderConfigurationRecord),
     *                     possibly empty
     * @param containerFps the frame rate the container states, 0 if unknown (the SPS timing info is used then)
     */
    H264Passthrough(ByteBuffer extradata, double containerFps) {
        this.containerFps = containerFps;
        List<ByteBuffer> sets;
        if (NalUnits.isAvcc(extradata)) {
            lengthSize = NalUnits.avccLengthSize(extradata);
            sets = NalUnits.avccParameterSets(extradata);
        } else {
            lengthSize = 0;
            sets = NalUnits.splitAnnexB(extradata);
        }
        for (ByteBuffer nal : sets) {
            remember(nal);
        }
    }

    /** The parameters known so far; {@code null} before the first SPS. */
    H264Sps sps() {
        return spsInfo;
    }

    /** Whether the parameter sets known so far allow passthrough (unknown counts as allowed). */
    boolean passable() {
        return spsInfo == null || (spsInfo.webRtcDecodable() && !spsInfo.reordersFrames());
    }

    /** The video track, once an SPS is known; a new one after the SPS changed. */
    Track track() {
        return track;
    }

    /** Whether {@link #track()} changed since the last call (and clears the flag). */
    boolean takeTrackChange() {
        boolean c = trackChanged;
        trackChanged = false;
        return c;
    }

    /** The unit produced by the last {@link Verdict#UNIT}. */
    EncodedUnit unit() {
        return unit;
    }

    /** Processes one packet's payload. */
    Verdict accept(ByteBuffer payload, boolean keyFlag, long ptsMicros, long captureMillis) {
        return accept(payload, keyFlag, ptsMicros, captureMillis, 0);
    }

    /** As above, from a reader that knows when the packet was read ({@link System#nanoTime()}, 0 if not). */
    Verdict accept(ByteBuffer payload, boolean keyFlag, long ptsMicros, long captureMillis, long arrivalNanos) {
        List<ByteBuffer> nals = lengthSize > 0 ? NalUnits.splitLengthPrefixed(payload, lengthSize)
                : NalUnits.splitAnnexB(payload);
        return accept(nals, keyFlag, ptsMicros, captureMillis, arrivalNanos);
    }

    /**
     * Processes one access unit already split into NAL units (an RTP depacketizer's output).
     *
     * @param arrivalNanos when the unit's last packet came off the socket ({@link System#nanoTime()}), 0 if unknown
     */
    Verdict accept(List<ByteBuffer> nals, boolean keyFlag, long ptsMicros, long captureMillis, long arrivalNanos) {
        List<ByteBuffer> parts = new ArrayList<>(nals.size() + 2);
        boolean idr = false;
        for (ByteBuffer nal : nals) {
            int type = NalUnits.type(nal);
            if (type == NalUnits.SPS || type == NalUnits.PPS) {
                remember(nal);
                continue; // re-inserted in front of the keyframe below, once
            }
            if (type == NalUnits.AUD) {
                continue;
            }
            if (type == NalUnits.IDR) {
                idr = true;
            } else if (type == NalUnits.SLICE && SliceHeader.isBSlice(nal)) {
                return Verdict.NEEDS_DECODING;
            }
            parts.add(nal);
        }
        if (!passable()) {
            return Verdict.NEEDS_DECODING;
        }
        boolean keyframe = idr || (keyFlag && hasSlice(parts));
        if (parts.isEmpty() || sps == null || pps == null || (!sawKeyframe && !keyframe)) {
            return Verdict.WAITING; // a decoder cannot start before a keyframe with its parameter sets
        }
        if (keyframe) {
            sawKeyframe = true;
            parts.add(0, pps.duplicate());
            parts.add(0, sps.duplicate());
        }
        unit = new EncodedUnit(Track.VIDEO, Codec.H264, ptsMicros, captureMillis, keyframe, parts, arrivalNanos);
        return Verdict.UNIT;
    }

    private static boolean hasSlice(List<ByteBuffer> parts) {
        for (ByteBuffer p : parts) {
            int t = NalUnits.type(p);
            if (t == NalUnits.SLICE || t == NalUnits.IDR) {
                return true;
            }
        }
        return false;
    }

    private void remember(ByteBuffer nal) {
        int type = NalUnits.type(nal);
        if (type == NalUnits.PPS) {
            pps = nal;
        } else if (type == NalUnits.SPS && !nal.equals(sps)) {
            H264Sps parsed;
            try {
                parsed = H264Sps.parse(nal);
            } catch (IllegalArgumentException e) {
                return; // a damaged SPS: keep the previous one
            }
            sps = nal;
            spsInfo = parsed;
            double fps = containerFps > 0 ? containerFps : parsed.fps();
            Track t = Track.video(CodecParameters.h264FromSps(toArray(nal)), parsed.width(), parsed.height(), fps);
            // The in-band SPS often differs in bytes from the SDP's (VUI, padding) but not in what viewers see.
            if (!t.equals(track)) {
                track = t;
                trackChanged = true;
            }
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
