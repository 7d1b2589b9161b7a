package io.sightline.source.ffmpeg.internal;

import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the demuxer's H.264 or H.265 packets into the NAL units a decoder's {@code EncodedUnit} carries, whatever
 * the container's framing: Annex B start codes (RTSP, MPEG-TS, raw files) or length prefixes with the parameter sets
 * out of band (MP4, Matroska, FLV: an AVCDecoderConfigurationRecord or an HEVCDecoderConfigurationRecord as
 * extradata). The out-of-band parameter sets go in front of the first keyframe, where a decoder needs them.
 */
final class NalFraming {
    private final int lengthSize;
    private final List<ByteBuffer> parameterSets;
    private boolean setsSent;

    private NalFraming(int lengthSize, List<ByteBuffer> parameterSets) {
        this.lengthSize = lengthSize;
        this.parameterSets = parameterSets;
    }

    static NalFraming h264(ByteBuffer extradata) {
        if (NalUnits.isAvcc(extradata)) {
            return new NalFraming(NalUnits.avccLengthSize(extradata), NalUnits.avccParameterSets(extradata));
        }
        return new NalFraming(0, NalUnits.splitAnnexB(extradata));
    }

    static NalFraming h265(ByteBuffer extradata) {
        if (isHvcc(extradata)) {
            return new NalFraming((extradata.get(extradata.position() + 21) & 3) + 1, hvccParameterSets(extradata));
        }
        return new NalFraming(0, NalUnits.splitAnnexB(extradata));
    }

    /** The NAL units of one packet; for the first keyframe, the out-of-band parameter sets first. */
    List<ByteBuffer> units(ByteBuffer payload, boolean keyframe) {
        List<ByteBuffer> nals = lengthSize > 0 ? NalUnits.splitLengthPrefixed(payload, lengthSize)
                : NalUnits.splitAnnexB(payload);
        if (!keyframe || setsSent || parameterSets.isEmpty()) {
            return nals;
        }
        setsSent = true;
        List<ByteBuffer> withSets = new ArrayList<>(parameterSets.size() + nals.size());
        for (ByteBuffer set : parameterSets) {
            withSets.add(set.duplicate());
        }
        withSets.addAll(nals);
        return withSets;
    }

    /** An HEVCDecoderConfigurationRecord starts with configurationVersion 1; Annex B starts with a zero byte. */
    static boolean isHvcc(ByteBuffer extradata) {
        return extradata.remaining() >= 23 && extradata.get(extradata.position()) == 1;
    }

    /** The VPS, SPS, PPS (and SEI) NAL units of an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1). */
    static List<ByteBuffer> hvccParameterSets(ByteBuffer record) {
        List<ByteBuffer> sets = new ArrayList<>(3);
        int p = record.position() + 22;
        int limit = record.limit();
        int arrays = record.get(p++) & 0xff;
        for (int a = 0; a < arrays && p + 3 <= limit; a++) {
            p++; // array_completeness, reserved, NAL_unit_type
            int count = ((record.get(p) & 0xff) << 8) | (record.get(p + 1) & 0xff);
            p += 2;
            for (int i = 0; i < count && p + 2 <= limit; i++) {
                int len = ((record.get(p) & 0xff) << 8) | (record.get(p + 1) & 0xff);
                p += 2;
                if (len == 0 || len > limit - p) {
                    return sets;
                }
                byte[] nal = new byte[len];
                record.duplicate().position(p).get(nal);
                sets.add(ByteBuffer.wrap(nal));
                p += len;
            }
        }
        return sets;
    }
}
