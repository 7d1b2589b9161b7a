package io.sightline.codec.ffmpeg.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an H.264 Annex B byte stream (ITU-T H.264 Annex B.1: NAL units behind {@code 00 00 01} or
 * {@code 00 00 00 01} start codes) into NAL units without start codes.
 */
final class AnnexB {
    /** NAL unit types of ITU-T H.264 Table 7-1 this package cares about. */
    static final int NAL_IDR = 5;
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;
    static final int NAL_AUD = 9;

    private AnnexB() {
    }

    /**
     * Returns the NAL units in {@code stream}, each copied into its own heap buffer, skipping access unit delimiters
     * (RTP carries the access unit boundary in the marker bit instead).
     */
    static List<ByteBuffer> nalUnits(ByteBuffer stream) {
        List<ByteBuffer> units = new ArrayList<>(4);
        int limit = stream.limit();
        int start = -1;
        int i = stream.position();
        while (i + 2 < limit) {
            if (stream.get(i) == 0 && stream.get(i + 1) == 0 && stream.get(i + 2) == 1) {
                if (start >= 0) {
                    add(units, stream, start, i);
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            add(units, stream, start, limit);
        }
        return units;
    }

    /** The NAL unit type (low five bits of the header byte). */
    static int type(ByteBuffer nal) {
        return nal.get(nal.position()) & 0x1f;
    }

    private static void add(List<ByteBuffer> units, ByteBuffer stream, int from, int to) {
        // Zero bytes before a start code belong to it (the leading zero of 00 00 00 01, trailing_zero_8bits).
        while (to > from && stream.get(to - 1) == 0) {
            to--;
        }
        if (to > from && (stream.get(from) & 0x1f) != NAL_AUD) {
            units.add(AvVideoEncoder.copy(stream.duplicate().limit(to).position(from)));
        }
    }
}
