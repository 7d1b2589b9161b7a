package io.sightline.source.testpattern.timecode;

/**
 * The layout of the timecode strip, in coordinates relative to the picture so that it can be read from a picture
 * scaled to any size (specified in {@code docs/timecode.md}; {@code web/js/timecode.js} implements the same rule).
 *
 * <p>The strip spans the full width and the top {@value #STRIP_HEIGHT_DIVISOR}th of the height. It is divided into
 * {@value #CELLS} equal cells, each one bit: white (luma 235) is 1, black (luma 16) is 0, chroma neutral. Cells, left
 * to right: the start marker {@code 1010}, the 48-bit value most significant bit first, its CRC-8 most significant
 * bit first, the stop marker {@code 0101}. The value is the capture time in epoch milliseconds modulo 2<sup>48</sup>
 * (exact until the year 10889). The CRC is CRC-8/I-432-1 (polynomial 0x07, initial value 0, no reflection, final
 * XOR 0x55) over the value's six bytes, big-endian.
 */
public final class TimecodeFormat {
    /** Number of cells (bits) across the strip. */
    public static final int CELLS = 64;
    /** The strip is this many times shorter than the picture. */
    public static final int STRIP_HEIGHT_DIVISOR = 20;
    /** Bits of the value. */
    public static final int VALUE_BITS = 48;
    /** Mask of the value's bits. */
    public static final long VALUE_MASK = (1L << VALUE_BITS) - 1;
    /** Luma of a 0 cell (video range black). */
    public static final int BLACK = 16;
    /** Luma of a 1 cell (video range white). */
    public static final int WHITE = 235;
    /** A sampled luma at or above this reads as 1: mid-way between black and white, rounded up. */
    public static final int THRESHOLD = 126;

    static final int[] START = {1, 0, 1, 0};
    static final int[] STOP = {0, 1, 0, 1};
    static final int VALUE_CELL = START.length;
    static final int CRC_CELL = VALUE_CELL + VALUE_BITS;
    static final int STOP_CELL = CRC_CELL + 8;

    private TimecodeFormat() {
    }

    /** Rows the strip covers at the top of a picture of this height (at least one). */
    public static int stripRows(int height) {
        return Math.max(1, (height + STRIP_HEIGHT_DIVISOR - 1) / STRIP_HEIGHT_DIVISOR);
    }

    /** First column of a cell in a picture of this width; cell {@code i} ends where cell {@code i + 1} begins. */
    public static int cellLeft(int cell, int width) {
        return (int) ((long) cell * width / CELLS);
    }

    /** The 64 cell values (0 or 1), left to right, that encode {@code millis} (taken modulo 2^48). */
    public static int[] cells(long millis) {
        long value = millis & VALUE_MASK;
        int crc = crc8(value);
        int[] cells = new int[CELLS];
        System.arraycopy(START, 0, cells, 0, START.length);
        for (int b = 0; b < VALUE_BITS; b++) {
            cells[VALUE_CELL + b] = (int) (value >>> (VALUE_BITS - 1 - b)) & 1;
        }
        for (int b = 0; b < 8; b++) {
            cells[CRC_CELL + b] = (crc >>> (7 - b)) & 1;
        }
        System.arraycopy(STOP, 0, cells, STOP_CELL, STOP.length);
        return cells;
    }

    /** CRC-8/I-432-1 of a 48-bit value's six bytes, big-endian. */
    public static int crc8(long value) {
        byte[] bytes = new byte[VALUE_BITS / 8];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (value >>> (8 * (bytes.length - 1 - i)));
        }
        return crc8(bytes, 0, bytes.length);
    }

    /** CRC-8/I-432-1 (poly 0x07, init 0x00, not reflected, xorout 0x55; check value of "123456789" is 0xA1). */
    public static int crc8(byte[] data, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
            }
        }
        return crc ^ 0x55;
    }
}
