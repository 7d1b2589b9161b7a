package io.sightline.source.testpattern.timecode;

import java.util.Arrays;

/** Draws the timecode strip ({@link TimecodeFormat}) into a picture. Allocates only the 64 cell values. */
public final class TimecodeWriter {
    private TimecodeWriter() {
    }

    /**
     * Draws the strip into packed I420 planes laid out as in {@link io.sightline.api.media.RawVideoFrame}: luma
     * black/white cells and neutral chroma under the strip.
     */
    public static void writeI420(byte[] i420, int width, int height, long millis) {
        writeLuma(i420, 0, width, height, width, millis);
        int chromaWidth = (width + 1) / 2;
        int chromaRows = Math.min((height + 1) / 2, (TimecodeFormat.stripRows(height) + 1) / 2);
        int uOffset = width * height;
        int vOffset = uOffset + chromaWidth * ((height + 1) / 2);
        for (int row = 0; row < chromaRows; row++) {
            Arrays.fill(i420, uOffset + row * chromaWidth, uOffset + (row + 1) * chromaWidth, (byte) 128);
            Arrays.fill(i420, vOffset + row * chromaWidth, vOffset + (row + 1) * chromaWidth, (byte) 128);
        }
    }

    /** Draws the strip's cells into a luma plane only (the caller keeps chroma neutral under it). */
    public static void writeLuma(byte[] luma, int offset, int width, int height, int stride, long millis) {
        int[] cells = TimecodeFormat.cells(millis);
        int rows = Math.min(height, TimecodeFormat.stripRows(height));
        for (int cell = 0; cell < TimecodeFormat.CELLS; cell++) {
            byte y = (byte) (cells[cell] == 1 ? TimecodeFormat.WHITE : TimecodeFormat.BLACK);
            Arrays.fill(luma, offset + TimecodeFormat.cellLeft(cell, width),
                    offset + TimecodeFormat.cellLeft(cell + 1, width), y);
        }
        // The other rows repeat the first one.
        for (int row = 1; row < rows; row++) {
            System.arraycopy(luma, offset, luma, offset + row * stride, width);
        }
    }
}
