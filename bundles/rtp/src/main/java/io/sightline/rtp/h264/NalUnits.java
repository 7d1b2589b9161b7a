package io.sightline.rtp.h264;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits H.264 payloads into NAL units without start codes or length prefixes. H.264 arrives in one of two framings:
 * Annex B (ITU-T H.264 B.1, start codes {@code 00 00 01} or {@code 00 00 00 01}: encoders, RTSP, MPEG-TS, raw files)
 * or the ISO/IEC 14496-15 "AVCC" framing with a big-endian length before each NAL unit (FLV/RTMP, MP4), whose
 * extradata is an AVCDecoderConfigurationRecord carrying the SPS and PPS.
 *
 * <p>Every NAL unit returned is a copy in its own heap buffer: callers hand them on to other threads.
 */
public final class NalUnits {
    /** NAL unit types of ITU-T H.264 Table 7-1. */
    public static final int SLICE = 1;
    public static final int IDR = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;

    private NalUnits() {
    }

    /** The NAL unit type (low five bits of the header byte at the buffer's position). */
    public static int type(ByteBuffer nal) {
        return nal.get(nal.position()) & 0x1f;
    }

    /** Whether extradata is an AVCDecoderConfigurationRecord (configurationVersion 1) rather than Annex B. */
    public static boolean isAvcc(ByteBuffer extradata) {
        return extradata.remaining() >= 7 && extradata.get(extradata.position()) == 1;
    }

    /** The NAL length field size (1, 2 or 4) announced in an AVCDecoderConfigurationRecord. */
    public static int avccLengthSize(ByteBuffer record) {
        return (record.get(record.position() + 4) & 3) + 1;
    }

    /** The SPS and PPS NAL units of an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1). */
    public static List<ByteBuffer> avccParameterSets(ByteBuffer record) {
        List<ByteBuffer> sets = new ArrayList<>(2);
        int p = record.position() + 5;
        int limit = record.limit();
        for (int kind = 0; kind < 2 && p < limit; kind++) {
            int count = record.get(p++) & (kind == 0 ? 0x1f : 0xff);
            for (int i = 0; i < count && p + 2 <= limit; i++) {
                int len = ((record.get(p) & 0xff) << 8) | (record.get(p + 1) & 0xff);
                p += 2;
                if (len == 0 || p + len > limit) {
                    return sets;
                }
                sets.add(copy(record, p, p + len));
                p += len;
            }
        }
        return sets;
    }

    /** The NAL units of an Annex B byte stream, in order, access unit delimiters included. */
    public static List<ByteBuffer> splitAnnexB(ByteBuffer stream) {
        List<ByteBuffer> units = new ArrayList<>(4);
        int limit = stream.limit();
        int start = -1;
        int i = stream.position();
        while (i + 2 < limit) {
            if ((stream.get(i + 2) & 0xff) > 1) {
                i += 3; // no start code can begin at i, i+1 or i+2
            } else if (stream.get(i) == 0 && stream.get(i + 1) == 0 && stream.get(i + 2) == 1) {
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

    /** The NAL units of a length-prefixed payload, in order; a truncated or zero length ends the list. */
    public static List<ByteBuffer> splitLengthPrefixed(ByteBuffer payload, int lengthSize) {
        List<ByteBuffer> units = new ArrayList<>(4);
        int p = payload.position();
        int limit = payload.limit();
        while (p + lengthSize <= limit) {
            int len = 0;
            for (int k = 0; k < lengthSize; k++) {
                len = (len << 8) | (payload.get(p + k) & 0xff);
            }
            p += lengthSize;
            if (len <= 0 || len > limit - p) { // not p + len > limit: a length near 2^31 overflows it (fuzzing, OOM)
                break;
            }
            units.add(copy(payload, p, p + len));
            p += len;
        }
        return units;
    }

    private static void add(List<ByteBuffer> units, ByteBuffer stream, int from, int to) {
        // Zero bytes before a start code belong to it (the leading zero of 00 00 00 01, trailing_zero_8bits).
        while (to > from && stream.get(to - 1) == 0) {
            to--;
        }
        if (to > from) {
            units.add(copy(stream, from, to));
        }
    }

    private static ByteBuffer copy(ByteBuffer src, int from, int to) {
        byte[] b = new byte[to - from];
        src.duplicate().position(from).get(b);
        return ByteBuffer.wrap(b);
    }
}
