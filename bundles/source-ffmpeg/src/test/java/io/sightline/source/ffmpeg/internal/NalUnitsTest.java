package io.sightline.source.ffmpeg.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class NalUnitsTest {
    @Test
    void splitsAnnexBWithThreeAndFourByteStartCodes() {
        byte[] stream = {0, 0, 0, 1, 0x09, (byte) 0xf0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3, 0, 0, 1, 0x65, 0, 0, 3,
            1, 9};
        List<ByteBuffer> nals = NalUnits.splitAnnexB(ByteBuffer.wrap(stream));
        assertEquals(4, nals.size());
        assertEquals(NalUnits.AUD, NalUnits.type(nals.get(0)));
        assertEquals(ByteBuffer.wrap(new byte[] {0x67, 1, 2}), nals.get(1), "the zero of 00 00 00 01 is not payload");
        assertEquals(ByteBuffer.wrap(new byte[] {0x68, 3}), nals.get(2));
        assertEquals(ByteBuffer.wrap(new byte[] {0x65, 0, 0, 3, 1, 9}), nals.get(3), "escaped bytes stay as sent");
    }

    @Test
    void splitsLengthPrefixedAndReadsTheAvcConfigurationRecord() {
        byte[] record = {1, 0x42, (byte) 0xc0, 0x1e, (byte) 0xff, (byte) 0xe1, 0, 3, 0x67, 0x42, 0x1e, 1, 0, 2, 0x68,
            (byte) 0xce};
        ByteBuffer r = ByteBuffer.wrap(record);
        assertTrue(NalUnits.isAvcc(r));
        assertEquals(4, NalUnits.avccLengthSize(r));
        List<ByteBuffer> sets = NalUnits.avccParameterSets(r);
        assertEquals(List.of(ByteBuffer.wrap(new byte[] {0x67, 0x42, 0x1e}), ByteBuffer.wrap(new byte[] {0x68,
            (byte) 0xce})), sets);
        byte[] payload = {0, 0, 0, 2, 0x65, 7, 0, 0, 0, 1, 0x06};
        List<ByteBuffer> nals = NalUnits.splitLengthPrefixed(ByteBuffer.wrap(payload), 4);
        assertEquals(List.of(ByteBuffer.wrap(new byte[] {0x65, 7}), ByteBuffer.wrap(new byte[] {0x06})), nals);
    }

    @Test
    void recognisesBSlices() {
        // first_mb_in_slice = 0 (bit 1), slice_type = 1 (010) -> B; slice_type = 0 (1) -> P; 6 (00111) -> B
        assertTrue(NalUnits.isBSlice(ByteBuffer.wrap(new byte[] {0x01, (byte) 0b1010_0000})));
        assertFalse(NalUnits.isBSlice(ByteBuffer.wrap(new byte[] {0x01, (byte) 0b1100_0000})));
        assertTrue(NalUnits.isBSlice(ByteBuffer.wrap(new byte[] {0x21, (byte) 0b1001_1100})));
        assertFalse(NalUnits.isBSlice(ByteBuffer.wrap(new byte[] {0x67, (byte) 0b1010_0000})), "not a slice");
    }
}
