package io.sightline.source.ffmpeg.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the MPEG-TS demuxer with what an SRT or HTTP feed can send: the fuzzer's bytes are the
 * stream, cut into reads of varying size (the first byte of every 256 chooses the cut), and every PES handed out goes
 * on to the H.264 passthrough as the reader would send it. Nothing may throw, and a PES may never be longer than
 * the demuxer's bound.
 */
class MpegTsDemuxerFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void stream(byte[] data) {
        H264Passthrough passthrough = new H264Passthrough(ByteBuffer.allocate(0), 0);
        MpegTsDemuxer demuxer = new MpegTsDemuxer(new MpegTsDemuxer.Listener() {
            @Override
            public void program(int videoType, int audioType, boolean opus) {
            }

            @Override
            public void pes(boolean video, byte[] pes, int length, long pts90k, long arrivalNanos,
                    MpegTsDemuxer.End end) {
                if (length <= 0 || length > MpegTsDemuxer.MAX_PES_BYTES || length > pes.length) {
                    throw new AssertionError("PES length " + length);
                }
                if (video) {
                    passthrough.accept(NalUnits.splitAnnexB(ByteBuffer.wrap(pes, 0, length)), false, 0, 0, 1);
                }
            }
        });
        int p = 0;
        while (p < data.length) {
            int n = Math.min(data.length - p, 1 + (data[p] & 0xFF) * 3);
            demuxer.feed(data, p, n, p);
            p += n;
        }
    }
}
