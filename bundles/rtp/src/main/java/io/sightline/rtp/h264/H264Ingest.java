package io.sightline.rtp.h264;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a publisher's H.264 access units (from rtp's {@code H264Depacketizer}) into the units a stream carries: a
 * keyframe carries SPS and PPS as its first parts (browsers send them in-band before each IDR, but a unit must stand
 * alone for viewers joining at it), access unit delimiters are removed, and nothing is handed on before the first
 * keyframe or after a damaged unit until the next keyframe (a decoder fed a broken reference chain shows garbage).
 * Not thread-safe: one per publisher, under its receive lock. Shared by every receiver of H.264 over RTP (WHIP
 * publishers, the WHEP pull source).
 */
public final class H264Ingest {
    /** What the ingest asks of its session. */
    public interface Output {
        /** The video track changed (first SPS, or a new one): announce it. */
        void track(Track track);

        void unit(EncodedUnit unit);

        /** A keyframe is needed to go on (start, or after a damaged unit). */
        void keyframeNeeded();
    }

    private final Output output;
    private byte[] sps;
    private byte[] pps;
    private Track track;
    private boolean waitingForKeyframe = true;
    private long dropped;

    public H264Ingest(Output output) {
        this.output = output;
    }

    /** One access unit, with its presentation and capture time. */
    public void accessUnit(List<ByteBuffer> nals, boolean damaged, long ptsMicros, long captureMillis, long arrivalNanos) {
        boolean idr = false;
        boolean slice = false;
        List<ByteBuffer> parts = new ArrayList<>(nals.size() + 2);
        for (ByteBuffer nal : nals) {
            if (!nal.hasRemaining()) {
                continue;
            }
            int type = NalUnits.type(nal);
            switch (type) {
                case NalUnits.AUD -> {
                    continue;
                }
                case NalUnits.SPS -> spsSeen(bytes(nal));
                case NalUnits.PPS -> pps = bytes(nal);
                case NalUnits.IDR -> idr = true;
                default -> slice |= type >= 1 && type <= 5;
            }
            parts.add(nal);
        }
        slice |= idr;
        if (!slice) {
            return; // parameter sets or SEI alone: kept, nothing to show
        }
        if (damaged) {
            dropped++;
            waitingForKeyframe = true;
            output.keyframeNeeded();
            return;
        }
        if (idr) {
            if (sps == null || pps == null) {
                output.keyframeNeeded();
                return;
            }
            if (parts.stream().noneMatch(p -> NalUnits.type(p) == NalUnits.SPS)) {
                parts.add(0, ByteBuffer.wrap(pps));
                parts.add(0, ByteBuffer.wrap(sps));
            }
            waitingForKeyframe = false;
        } else if (waitingForKeyframe) {
            dropped++;
            output.keyframeNeeded();
            return;
        }
        output.unit(new EncodedUnit(Track.VIDEO, Codec.H264, ptsMicros, captureMillis, idr, parts, arrivalNanos));
    }

    /** Forgets the stream state (a new publisher); the next unit used is a keyframe. */
    public void reset() {
        waitingForKeyframe = true;
    }

    /** Units not handed on (before a keyframe, or damaged). */
    public long dropped() {
        return dropped;
    }

    private void spsSeen(byte[] fresh) {
        if (sps != null && Arrays.equals(sps, fresh)) {
            return;
        }
        sps = fresh;
        if (fresh.length >= 4) {
            H264Sps parsed = readable(fresh);
            track = Track.video(CodecParameters.h264FromSps(fresh), parsed == null ? 0 : parsed.width(),
                    parsed == null ? 0 : parsed.height(), 0);
            output.track(track);
        }
    }

    /** The SPS's fields (the picture size tells a publisher's layers apart), or null when they cannot be read. */
    private static H264Sps readable(byte[] sps) {
        try {
            return H264Sps.parse(ByteBuffer.wrap(sps));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
