package io.sightline.source.testpattern.timecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.RawVideoFrame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimecodeFormatTest {
    @Test
    void crcIsCrc8I4321() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xA1, TimecodeFormat.crc8(check, 0, check.length));
    }

    @Test
    void cellsAreMarkersValueMsbFirstCrcAndStop() {
        long value = 0x8000_0000_0001L;
        int[] cells = TimecodeFormat.cells(value);
        assertArrayEquals(new int[] {1, 0, 1, 0}, Arrays.copyOfRange(cells, 0, 4));
        assertEquals(1, cells[4]);
        assertEquals(0, cells[5]);
        assertEquals(1, cells[51]);
        int crc = 0;
        for (int i = 52; i < 60; i++) {
            crc = crc << 1 | cells[i];
        }
        assertEquals(TimecodeFormat.crc8(value), crc);
        assertArrayEquals(new int[] {0, 1, 0, 1}, Arrays.copyOfRange(cells, 60, 64));
    }

    @Test
    void valueIsTakenModulo2To48() {
        long millis = (5L << 48) | 1234;
        assertArrayEquals(TimecodeFormat.cells(1234), TimecodeFormat.cells(millis));
    }

    @Test
    void writtenValuesReadBackAtManySizes() {
        Random random = new Random(7);
        int[][] sizes = {{1280, 720}, {1920, 1080}, {640, 360}, {320, 180}, {64, 20}, {1000, 562}, {176, 144}};
        for (int[] size : sizes) {
            for (int i = 0; i < 50; i++) {
                long value = random.nextLong() & TimecodeFormat.VALUE_MASK;
                byte[] i420 = new byte[RawVideoFrame.i420Size(size[0], size[1])];
                Arrays.fill(i420, (byte) 128);
                TimecodeWriter.writeI420(i420, size[0], size[1], value);
                OptionalLong read = TimecodeReader.read(new RawVideoFrame(size[0], size[1], i420, 0, 0));
                assertEquals(OptionalLong.of(value), read, size[0] + "x" + size[1]);
            }
        }
    }

    @Test
    void readsFromAStridedPlane() {
        int width = 320;
        int height = 180;
        int stride = 352;
        byte[] plane = new byte[16 + stride * height];
        TimecodeWriter.writeLuma(plane, 16, width, height, stride, 1_764_000_000_123L);
        assertEquals(OptionalLong.of(1_764_000_000_123L), TimecodeReader.read(plane, 16, width, height, stride));
    }

    @Test
    void everySingleCellErrorIsRejected() {
        int width = 640;
        int height = 360;
        long value = 1_764_072_000_987L;
        for (int cell = 0; cell < TimecodeFormat.CELLS; cell++) {
            byte[] luma = new byte[width * height];
            TimecodeWriter.writeLuma(luma, 0, width, height, width, value);
            invertCell(luma, width, height, cell);
            assertTrue(TimecodeReader.read(luma, 0, width, height, width).isEmpty(), "cell " + cell);
        }
    }

    @Test
    void pictureWithoutStripReadsNothing() {
        byte[] grey = new byte[RawVideoFrame.i420Size(640, 360)];
        Arrays.fill(grey, (byte) 200);
        assertTrue(TimecodeReader.read(new RawVideoFrame(640, 360, grey, 0, 0)).isEmpty());
        Arrays.fill(grey, (byte) 16);
        assertTrue(TimecodeReader.read(new RawVideoFrame(640, 360, grey, 0, 0)).isEmpty());
        assertTrue(TimecodeReader.read(new byte[32 * 32], 0, 32, 32, 32).isEmpty(), "too narrow for 64 cells");
    }

    /** Flips a whole cell between black and white, as a transmission error would. */
    static void invertCell(byte[] luma, int width, int height, int cell) {
        int rows = TimecodeFormat.stripRows(height);
        for (int y = 0; y < rows; y++) {
            for (int x = TimecodeFormat.cellLeft(cell, width); x < TimecodeFormat.cellLeft(cell + 1, width); x++) {
                int v = luma[y * width + x] & 0xFF;
                luma[y * width + x] = (byte) (v >= TimecodeFormat.THRESHOLD ? TimecodeFormat.BLACK : TimecodeFormat.WHITE);
            }
        }
    }
}
