package io.sightline.rtp.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void findsStartCodesThatTheSkipAheadCouldStepOver() {
        // The scan jumps three bytes when the third is > 1; a start code right after such a byte must still be found.
        byte[] stream = {0, 0, 1, 0x41, 7, 0, 0, 1, 0x41, 8, 9, 2, 0, 0, 1, 0x09};
        List<ByteBuffer> nals = NalUnits.splitAnnexB(ByteBuffer.wrap(stream));
        assertEquals(List.of(ByteBuffer.wrap(new byte[] {0x41, 7}), ByteBuffer.wrap(new byte[] {0x41, 8, 9, 2}),
            ByteBuffer.wrap(new byte[] {0x09})), nals);
    }
}
