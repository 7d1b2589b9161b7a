package io.sightline.source.ffmpeg.internal;

/**
 * CRC-32/MPEG-2 (polynomial 0x04C11DB7, initial value all ones, not reflected, no final xor), the checksum of MPEG-TS
 * PSI sections (ISO/IEC 13818-1 annex A): run over a whole section including its CRC field it gives 0.
 */
final class Crc32Mpeg {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc32Mpeg() {
    }

    static int of(byte[] data, int offset, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xFF];
        }
        return crc;
    }
}
