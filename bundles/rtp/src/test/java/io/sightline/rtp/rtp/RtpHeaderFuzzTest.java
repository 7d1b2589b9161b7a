package io.sightline.rtp.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the RTP header reader (CSRCs, one- and two-byte header extensions, RFC 8285): whatever
 * it accepts must write back to the same header.
 */
class RtpHeaderFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void header(byte[] data) {
        RtpHeader h = new RtpHeader();
        int n = h.read(data, 0, data.length);
        if (n < 0) {
            return;
        }
        if (n > data.length) {
            throw new AssertionError("header length " + n + " beyond " + data.length + " bytes");
        }
        byte[] value = new byte[256];
        for (int id = 0; id < 256; id++) {
            if (h.extensionLength(id) >= 0) {
                h.extension(id, value, 0);
                h.extensionValue(id);
            }
        }
        byte[] out = new byte[h.size()];
        h.write(out, 0);
        RtpHeader again = new RtpHeader();
        if (again.read(out, 0, out.length) != out.length || again.sequenceNumber() != h.sequenceNumber()
                || again.ssrc() != h.ssrc() || again.extensionCount() != h.extensionCount()) {
            throw new AssertionError("does not write back: " + h + " vs " + again);
        }
        ByteBuffer buffer = ByteBuffer.wrap(Arrays.copyOf(data, data.length));
        if (new RtpHeader().read(buffer) != n || buffer.position() != 0) {
            throw new AssertionError("ByteBuffer read differs");
        }
    }
}
