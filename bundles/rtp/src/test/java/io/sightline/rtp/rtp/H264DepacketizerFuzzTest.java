package io.sightline.rtp.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the RTP H.264 depacketizer (single NAL, STAP-A, FU-A, gaps, late packets), which reads
 * what an RTSP camera or a WebRTC publisher sends. The input is a sequence of records
 * {@code [length u16][sequence u16][timestamp u32][marker u8][payload]} so that the fuzzer controls loss and
 * reordering as well as payloads.
 */
class H264DepacketizerFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void packets(byte[] data) {
        long[] nalBytes = {0};
        H264Depacketizer depacketizer = new H264Depacketizer((nals, timestamp, damaged) -> {
            for (ByteBuffer nal : nals) {
                if (!nal.hasRemaining()) {
                    throw new AssertionError("empty NAL unit handed out");
                }
                nalBytes[0] += nal.remaining();
            }
        });
        ByteBuffer in = ByteBuffer.wrap(data);
        while (in.remaining() >= 9) {
            int length = in.getShort() & 0xffff;
            int sequence = in.getShort() & 0xffff;
            long timestamp = in.getInt() & 0xffffffffL;
            boolean marker = (in.get() & 1) != 0;
            int n = Math.min(length, in.remaining());
            ByteBuffer payload = in.slice().limit(n);
            in.position(in.position() + n);
            depacketizer.packet(payload, sequence, timestamp, marker);
        }
        if (nalBytes[0] > 2L * data.length + 16) {
            throw new AssertionError(nalBytes[0] + " NAL bytes out of " + data.length + " input bytes");
        }
    }
}
