package io.sightline.source.ffmpeg.internal;

import io.sightline.rtp.h264.H264Sps;
import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;

/**
 * The one slice header field passthrough needs: whether a slice is a B slice, which a browser's decoder would show
 * out of order. Kept beside {@link H264Sps} (same bit reader), not in the shared splitter, which knows framing only.
 */
final class SliceHeader {
    private SliceHeader() {
    }

    /** Whether a slice NAL unit is a B slice: slice_type (H.264 7.3.3) follows first_mb_in_slice; 1 and 6 are B. */
    static boolean isBSlice(ByteBuffer nal) {
        int t = NalUnits.type(nal);
        if (t != NalUnits.SLICE && t != NalUnits.IDR) {
            return false;
        }
        ByteBuffer head = nal.duplicate();
        head.limit(Math.min(head.limit(), head.position() + 16));
        H264Sps.BitReader r = new H264Sps.BitReader(H264Sps.unescape(head));
        try {
            r.bits(8);
            r.ue();
            return r.ue() % 5 == 1;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
