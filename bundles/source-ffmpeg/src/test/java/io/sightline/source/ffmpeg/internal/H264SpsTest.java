package io.sightline.source.ffmpeg.internal;

import io.sightline.rtp.h264.H264Sps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPS parsing against parameter sets written by x264 (through ffmpeg) at test time. */
class H264SpsTest {
    @TempDir
    Path dir;

    @Test
    void baseline720pHasNoReorderingAndItsFrameRate() throws Exception {
        H264Sps sps = spsOf("-s", "1280x720", "-r", "30", "-pix_fmt", "yuv420p", "-profile:v", "baseline");
        assertEquals(1280, sps.width());
        assertEquals(720, sps.height());
        assertEquals(66, sps.profileIdc());
        assertEquals(30.0, sps.fps(), 0.01);
        assertFalse(sps.reordersFrames());
        assertTrue(sps.webRtcDecodable());
    }

    @Test
    void high1080pIsCroppedFrom1088AndAnnouncesBFrames() throws Exception {
        H264Sps sps = spsOf("-s", "1920x1080", "-r", "25", "-pix_fmt", "yuv420p", "-profile:v", "high", "-bf", "2");
        assertEquals(1920, sps.width());
        assertEquals(1080, sps.height(), "frame_cropping removes the 8 padding rows of 1088");
        assertEquals(100, sps.profileIdc());
        assertEquals(25.0, sps.fps(), 0.01);
        assertTrue(sps.reordersFrames());
    }

    @Test
    void oddSizeAndHigh422AreRecognised() throws Exception {
        H264Sps sps = spsOf("-s", "642x362", "-r", "30", "-pix_fmt", "yuv422p", "-profile:v", "high422", "-bf", "0");
        assertEquals(642, sps.width());
        assertEquals(362, sps.height());
        assertEquals(2, sps.chromaFormatIdc());
        assertFalse(sps.webRtcDecodable(), "browsers do not decode 4:2:2");
    }

    @Test
    void rejectsWhatIsNotAnSps() {
        assertThrows(IllegalArgumentException.class, () -> H264Sps.parse(ByteBuffer.wrap(new byte[] {0x68, 1, 2})));
        assertThrows(IllegalArgumentException.class, () -> H264Sps.parse(ByteBuffer.wrap(new byte[] {0x67, 66})));
    }

    @Test
    void emulationPreventionBytesAreRemoved() {
        byte[] out = H264Sps.unescape(ByteBuffer.wrap(new byte[] {0x67, 0, 0, 3, 1, 0, 0, 3, 0, 5}));
        assertEquals("[103, 0, 0, 1, 0, 0, 0, 5]", java.util.Arrays.toString(out));
    }

    private H264Sps spsOf(String... encoderArgs) throws Exception {
        Path out = dir.resolve("sps.h264");
        String[] args = new String[encoderArgs.length + 10];
        int i = 0;
        for (String a : new String[] {"-f", "lavfi", "-i", "testsrc=duration=0.2", "-c:v", "libx264"}) {
            args[i++] = a;
        }
        for (String a : encoderArgs) {
            args[i++] = a;
        }
        args[i++] = "-f";
        args[i++] = "h264";
        args[i++] = "-frames:v";
        args[i] = "1";
        String[] full = java.util.Arrays.copyOf(args, args.length + 1);
        full[full.length - 1] = out.toString();
        Producer.ffmpegNow(full);
        for (ByteBuffer nal : NalUnits.splitAnnexB(ByteBuffer.wrap(Files.readAllBytes(out)))) {
            if (NalUnits.type(nal) == NalUnits.SPS) {
                return H264Sps.parse(nal);
            }
        }
        throw new AssertionError("no SPS in the encoder output");
    }
}
