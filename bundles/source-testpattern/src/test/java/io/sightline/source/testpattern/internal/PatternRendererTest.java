package io.sightline.source.testpattern.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.source.testpattern.timecode.TimecodeFormat;
import io.sightline.source.testpattern.timecode.TimecodeReader;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PatternRendererTest {
    private static final int W = 1280;
    private static final int H = 720;
    private static final long MILLIS = 1_764_079_261_337L;

    private final PatternRenderer renderer = new PatternRenderer(W, H, 30, "demo");

    @Test
    void timecodeReadsBackFromTheRawPicture() {
        byte[] picture = renderer.render(42, MILLIS);
        assertEquals(OptionalLong.of(MILLIS), TimecodeReader.read(picture, 0, W, H, W));
    }

    @Test
    void timecodeSurvivesDownscaling() {
        byte[] luma = Pictures.luma(renderer.render(1, MILLIS), W, H);
        assertEquals(OptionalLong.of(MILLIS), TimecodeReader.read(Pictures.downscaleBox(luma, W, H, 2), 0, 640, 360, 640));
        assertEquals(OptionalLong.of(MILLIS), TimecodeReader.read(Pictures.downscaleBox(luma, W, H, 4), 0, 320, 180, 320));
        assertEquals(OptionalLong.of(MILLIS),
                TimecodeReader.read(Pictures.resizeNearest(luma, W, H, 640, 360), 0, 640, 360, 640));
        assertEquals(OptionalLong.of(MILLIS),
                TimecodeReader.read(Pictures.resizeNearest(luma, W, H, 427, 241), 0, 427, 241, 427), "odd size");
    }

    @Test
    void timecodeSurvivesNoise() {
        byte[] luma = Pictures.luma(renderer.render(1, MILLIS), W, H);
        for (long seed = 0; seed < 5; seed++) {
            byte[] noisy = Pictures.addNoise(luma, 20, seed);
            assertEquals(OptionalLong.of(MILLIS), TimecodeReader.read(noisy, 0, W, H, W));
            byte[] small = Pictures.addNoise(Pictures.downscaleBox(luma, W, H, 4), 20, seed);
            assertEquals(OptionalLong.of(MILLIS), TimecodeReader.read(small, 0, 320, 180, 320));
        }
    }

    @Test
    void timecodeSurvivesHeavyJpegCompression() {
        // JPEG at quality 0.05 has harsher blocking than a video encoder at a sane bitrate; the strip must survive.
        byte[] luma = Pictures.luma(renderer.render(7, MILLIS), W, H);
        assertEquals(OptionalLong.of(MILLIS), TimecodeReader.read(Pictures.jpegRoundTrip(luma, W, H, 0.05f), 0, W, H, W));
        byte[] small = Pictures.downscaleBox(luma, W, H, 4);
        assertEquals(OptionalLong.of(MILLIS),
                TimecodeReader.read(Pictures.jpegRoundTrip(small, 320, 180, 0.05f), 0, 320, 180, 320));
    }

    @Test
    void corruptedStripIsRejected() {
        byte[] luma = Pictures.luma(renderer.render(1, MILLIS), W, H);
        byte[] data = luma.clone();
        invertCell(data, 20); // a value bit
        assertTrue(TimecodeReader.read(data, 0, W, H, W).isEmpty());
        byte[] crc = luma.clone();
        invertCell(crc, 55); // a CRC bit
        assertTrue(TimecodeReader.read(crc, 0, W, H, W).isEmpty());
    }

    @Test
    void pictureMovesAndShowsColour() {
        byte[] first = renderer.render(0, MILLIS);
        byte[] later = renderer.render(15, MILLIS);
        int barsFrom = W * (H / 10);
        int barsTo = W * (H / 2);
        assertFalse(Arrays.equals(first, barsFrom, barsTo, later, barsFrom, barsTo), "the box and sweep move");
        int uOffset = W * H;
        // Chroma under the strip is neutral; the bars are coloured.
        assertEquals(128, first[uOffset] & 0xFF);
        int barsRow = H / 4 / 2;
        int yellowU = first[uOffset + barsRow * (W / 2) + (W / 7 + W / 14) / 2] & 0xFF;
        assertTrue(yellowU < 100, "yellow has low Cb: " + yellowU);
    }

    @Test
    void clockAndCounterChangeThePicture() {
        byte[] a = renderer.render(100, MILLIS);
        byte[] b = renderer.render(100, MILLIS + 1000);
        int bandFrom = W * (H * 3 / 5);
        assertNotEquals(-1, Arrays.mismatch(Arrays.copyOfRange(a, bandFrom, W * H), Arrays.copyOfRange(b, bandFrom, W * H)));
        byte[] c = renderer.render(101, MILLIS);
        assertNotEquals(-1, Arrays.mismatch(Arrays.copyOfRange(a, bandFrom, W * H), Arrays.copyOfRange(c, bandFrom, W * H)));
    }

    @Test
    void extremeSizesRender() {
        assertEquals(16 * 16 * 3 / 2, new PatternRenderer(16, 16, 1, "a-very-long-stream-name").render(5, MILLIS).length);
        byte[] uhd = new PatternRenderer(3840, 2160, 60, "uhd").render(5, MILLIS);
        assertEquals(OptionalLong.of(MILLIS), TimecodeReader.read(uhd, 0, 3840, 2160, 3840));
    }

    @Test
    void renderCostAt720p() {
        long checksum = 0;
        for (int i = 0; i < 1000; i++) { // JIT warm-up
            checksum += renderer.render(i, MILLIS + i)[W * 40];
        }
        int batch = 200;
        double best = Double.MAX_VALUE;
        double total = 0;
        for (int b = 0; b < 5; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                checksum += renderer.render(i, MILLIS + i * 33L)[W * 40];
            }
            double ms = (System.nanoTime() - start) / 1e6 / batch;
            best = Math.min(best, ms);
            total += ms;
        }
        System.out.printf("Test pattern render cost at 1280x720 (new buffer, copy and paint): mean %.3f ms, best batch"
                + " %.3f ms per frame [%d]%n", total / 5, best, checksum & 1);
    }

    private static void invertCell(byte[] luma, int cell) {
        int rows = TimecodeFormat.stripRows(H);
        for (int y = 0; y < rows; y++) {
            for (int x = TimecodeFormat.cellLeft(cell, W); x < TimecodeFormat.cellLeft(cell + 1, W); x++) {
                luma[y * W + x] = (byte) ((luma[y * W + x] & 0xFF) > 128 ? 16 : 235);
            }
        }
    }
}
