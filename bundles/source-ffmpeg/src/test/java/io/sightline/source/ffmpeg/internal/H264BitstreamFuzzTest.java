package io.sightline.source.ffmpeg.internal;

import io.sightline.rtp.h264.H264Sps;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the H.264 byte-stream code that reads what a camera or a file sends: Annex B and
 * length-prefixed NAL splitting, avcC records, the B-slice test and the SPS parser (the only exception it may throw
 * is {@link IllegalArgumentException}, which the passthrough catches to keep the previous SPS).
 */
class H264BitstreamFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void sps(byte[] data) {
        if (data.length == 0) {
            return;
        }
        try {
            H264Sps sps = H264Sps.parse(ByteBuffer.wrap(data));
            if (sps.width() < 0 || sps.height() < 0) {
                throw new AssertionError("negative size " + sps);
            }
            sps.reordersFrames();
            sps.webRtcDecodable();
        } catch (IllegalArgumentException expected) {
            // a damaged SPS: the passthrough keeps the previous one
        }
    }

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void nalUnits(byte[] data) {
        ByteBuffer stream = ByteBuffer.wrap(data);
        List<ByteBuffer> all = new ArrayList<>(NalUnits.splitAnnexB(stream));
        if (NalUnits.isAvcc(stream)) {
            NalUnits.avccLengthSize(stream);
            all.addAll(NalUnits.avccParameterSets(stream));
        }
        for (int lengthSize : new int[] {1, 2, 4}) {
            all.addAll(NalUnits.splitLengthPrefixed(stream, lengthSize));
        }
        for (ByteBuffer nal : all) {
            if (!nal.hasRemaining()) {
                continue; // the passthrough skips empty units before looking at their type
            }
            NalUnits.type(nal);
            SliceHeader.isBSlice(nal);
        }
    }
}
