package io.sightline.source.ffmpeg.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SliceHeaderTest {
    @Test
    void recognisesBSlices() {
        // first_mb_in_slice = 0 (bit 1), slice_type = 1 (010) -> B; slice_type = 0 (1) -> P; 6 (00111) -> B
        assertTrue(SliceHeader.isBSlice(ByteBuffer.wrap(new byte[] {0x01, (byte) 0b1010_0000})));
        assertFalse(SliceHeader.isBSlice(ByteBuffer.wrap(new byte[] {0x01, (byte) 0b1100_0000})));
        assertTrue(SliceHeader.isBSlice(ByteBuffer.wrap(new byte[] {0x21, (byte) 0b1001_1100})));
        assertFalse(SliceHeader.isBSlice(ByteBuffer.wrap(new byte[] {0x67, (byte) 0b1010_0000})), "not a slice");
    }
}
