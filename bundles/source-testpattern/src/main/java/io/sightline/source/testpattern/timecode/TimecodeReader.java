package io.sightline.source.testpattern.timecode;

import io.sightline.api.media.RawVideoFrame;
import java.util.OptionalLong;

/**
 * Reads the timecode strip ({@link TimecodeFormat}) back from a decoded picture of any size.
 *
 * <p>The rule, shared with {@code web/js/timecode.js}: for each of the 64 cells, average the luma over the middle
 * half of the cell in both directions (the box {@code [(4i+1)W/256, (4i+3)W/256) x [H/80, 3H/80)} in integer
 * division, at least one pixel each way), read 1 when the average is at least {@link TimecodeFormat#THRESHOLD}
 * (mid-grey), and accept the value only when both markers and the CRC match. Averaging the middle of each cell keeps
 * the reading away from edges that scaling and compression blur.
 */
public final class TimecodeReader {
    private TimecodeReader() {
    }

    /** Reads the timecode of a raw picture (its luma plane). */
    public static OptionalLong read(RawVideoFrame frame) {
        return read(frame.data(), 0, frame.width(), frame.height(), frame.width());
    }

    /**
     * Reads the timecode from a luma plane.
     *
     * @param luma   the plane's bytes (unsigned luma, video range as written; full range reads the same way)
     * @param offset index of the top-left pixel
     * @param width  picture width in pixels
     * @param height picture height in pixels
     * @param stride bytes from one row to the next
     * @return the value (epoch milliseconds modulo 2^48), or empty when no valid strip is found
     */
    public static OptionalLong read(byte[] luma, int offset, int width, int height, int stride) {
        if (width < TimecodeFormat.CELLS || height < 1) {
            return OptionalLong.empty();
        }
        int y0 = height / 80;
        int y1 = Math.max(y0 + 1, 3 * height / 80);
        long value = 0;
        int crc = 0;
        for (int cell = 0; cell < TimecodeFormat.CELLS; cell++) {
            int x0 = (int) ((4L * cell + 1) * width / 256);
            int x1 = Math.max(x0 + 1, (int) ((4L * cell + 3) * width / 256));
            int bit = average(luma, offset, stride, x0, x1, y0, y1) >= TimecodeFormat.THRESHOLD ? 1 : 0;
            if (cell < TimecodeFormat.VALUE_CELL) {
                if (bit != TimecodeFormat.START[cell]) {
                    return OptionalLong.empty();
                }
            } else if (cell < TimecodeFormat.CRC_CELL) {
                value = (value << 1) | bit;
            } else if (cell < TimecodeFormat.STOP_CELL) {
                crc = (crc << 1) | bit;
            } else if (bit != TimecodeFormat.STOP[cell - TimecodeFormat.STOP_CELL]) {
                return OptionalLong.empty();
            }
        }
        return crc == TimecodeFormat.crc8(value) ? OptionalLong.of(value) : OptionalLong.empty();
    }

    private static int average(byte[] luma, int offset, int stride, int x0, int x1, int y0, int y1) {
        long sum = 0;
        for (int y = y0; y < y1; y++) {
            int row = offset + y * stride;
            for (int x = x0; x < x1; x++) {
                sum += luma[row + x] & 0xFF;
            }
        }
        // Rounded to the nearest integer, as the JavaScript reader does with Math.round.
        int n = (x1 - x0) * (y1 - y0);
        return (int) ((2 * sum + n) / (2L * n));
    }
}
