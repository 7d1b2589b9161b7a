package io.sightline.rtp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RtpHeaderTest {

    @Test
    void fixedHeaderRoundTrip() {
        RtpHeader h = new RtpHeader().payloadType(102).marker(true).sequenceNumber(0x1_fffe).timestamp(0x1_2345_6789L)
                .ssrc(0xdeadbeefL);
        byte[] buf = new byte[64];
        assertEquals(12, h.write(buf, 0));
        assertEquals("80e6fffe23456789deadbeef", HexFormat.of().formatHex(buf, 0, 12));

        RtpHeader r = new RtpHeader();
        assertEquals(12, r.read(buf, 0, 20));
        assertEquals(102, r.payloadType());
        assertTrue(r.marker());
        assertEquals(0xfffe, r.sequenceNumber());
        assertEquals(0x23456789L, r.timestamp());
        assertEquals(0xdeadbeefL, r.ssrc());
        assertFalse(r.hasExtension());
    }

    @Test
    void csrcsAndOneByteExtensionsRoundTrip() {
        RtpHeader h = new RtpHeader().payloadType(96).sequenceNumber(7).ssrc(1).addCsrc(0xaabbccddL).addCsrc(2)
                .setExtension(3, new byte[] {1, 2, 3}, 0, 3)     // abs-send-time
                .setExtension(5, new byte[] {0, 42}, 0, 2);      // transport-wide sequence number
        byte[] buf = new byte[100];
        int n = h.write(buf, 4);
        // 12 + 8 CSRC + 4 extension header + (1+3)+(1+2) padded to 8
        assertEquals(32, n);
        assertEquals("bede0002", HexFormat.of().formatHex(buf, 4 + 20, 4 + 24));
        assertEquals("3201020351002a00", HexFormat.of().formatHex(buf, 4 + 24, 4 + 32));

        RtpHeader r = new RtpHeader();
        assertEquals(32, r.read(buf, 4, 40));
        assertEquals(2, r.csrcCount());
        assertEquals(0xaabbccddL, r.csrc(0));
        assertEquals(2, r.extensionCount());
        assertEquals(0x010203L, r.extensionValue(3));
        assertEquals(42, r.extensionValue(5));
        assertEquals(-1, r.extensionLength(4));
        byte[] again = new byte[100];
        assertEquals(32, r.write(again, 4));
        assertArrayEquals(Arrays.copyOfRange(buf, 4, 36), Arrays.copyOfRange(again, 4, 36));
    }

    @Test
    void twoByteFormIsUsedWhenAnElementNeedsIt() {
        byte[] big = new byte[20];
        Arrays.fill(big, (byte) 9);
        RtpHeader h = new RtpHeader().setExtension(1, new byte[] {5}, 0, 1).setExtension(200, big, 0, 20);
        byte[] buf = new byte[100];
        int n = h.write(buf, 0);
        assertEquals(0x10, buf[12]);
        assertEquals(0x00, buf[13]);
        assertEquals(12 + 4 + 28, n); // (2+1)+(2+20)=25 -> 28
        RtpHeader r = new RtpHeader();
        assertEquals(n, r.read(buf, 0, n));
        assertEquals(20, r.extensionLength(200));
        assertEquals(5, r.extensionValue(1));
        assertEquals(0x1000, r.extensionProfile());
    }

    @Test
    void unknownExtensionProfileIsKeptOpaque() {
        byte[] buf = HexFormat.of().parseHex("900000010000000200000003" + "abcd0001" + "01020304" + "ffff");
        RtpHeader r = new RtpHeader();
        assertEquals(20, r.read(buf, 0, buf.length));
        assertEquals(0xabcd, r.extensionProfile());
        byte[] out = new byte[20];
        r.write(out, 0);
        assertArrayEquals(Arrays.copyOf(buf, 20), out);
    }

    @Test
    void malformedHeadersAreRefused() {
        RtpHeader r = new RtpHeader();
        assertEquals(-1, r.read(new byte[11], 0, 11));
        assertEquals(-1, r.read(HexFormat.of().parseHex("400000010000000200000003"), 0, 12), "version 1");
        assertEquals(-1, r.read(HexFormat.of().parseHex("830000010000000200000003" + "00000001"), 0, 16),
                "CSRC count beyond the packet");
        assertEquals(-1, r.read(HexFormat.of().parseHex("900000010000000200000003" + "bede0005" + "10ff"), 0, 18),
                "extension length beyond the packet");
        assertEquals(-1, r.read(HexFormat.of().parseHex("900000010000000200000003" + "bede0001" + "3f000000"), 0, 20),
                "element longer than the block");
        assertEquals(-1, r.read(new byte[12], 5, 12), "range outside the array");
    }

    @Test
    void byteBufferReadAndWrite() {
        RtpHeader h = new RtpHeader().payloadType(111).sequenceNumber(1).timestamp(960).ssrc(77)
                .setExtension(1, new byte[] {0x10}, 0, 1);
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        int n = h.write(direct);
        assertEquals(n, direct.position());
        direct.flip();
        RtpHeader r = new RtpHeader();
        assertEquals(n, r.read(direct));
        assertEquals(0, direct.position());
        assertEquals(111, r.payloadType());
        assertEquals(0x10, r.extensionValue(1));
    }
}
