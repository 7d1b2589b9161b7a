package io.sightline.rtp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class RtpPacketizerTest {
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xe0, 0x1f, (byte) 0x8c, 0x68, 0x05, 0x00};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};

    private static byte[] nal(int header, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            b[i] = (byte) (i * 31 + size);
        }
        return b;
    }

    private static EncodedUnit unit(Codec codec, boolean key, byte[]... parts) {
        List<ByteBuffer> list = new ArrayList<>();
        for (byte[] p : parts) {
            list.add(ByteBuffer.wrap(p));
        }
        return new EncodedUnit(1, codec, 40_000, 0, key, list);
    }

    private record Packet(byte[] payload, boolean marker) {
    }

    private static List<Packet> packetize(RtpPacketizer p, EncodedUnit u) {
        List<Packet> out = new ArrayList<>();
        p.begin(u);
        byte[] buf = new byte[1500];
        while (p.hasNext()) {
            int n = p.next(buf, 10);
            assertTrue(n <= p.maxPayloadSize() || u.codec() == Codec.OPUS, "payload " + n);
            out.add(new Packet(Arrays.copyOfRange(buf, 10, 10 + n), p.marker()));
        }
        return out;
    }

    /** Reassembles H.264 payloads the way a depacketizer does: single NAL, STAP-A and FU-A. */
    private static List<byte[]> depacketize(List<Packet> packets) {
        List<byte[]> nals = new ArrayList<>();
        ByteArrayOutputStream fu = null;
        for (Packet pk : packets) {
            byte[] p = pk.payload();
            int type = p[0] & 0x1f;
            if (type == H264Packetizer.STAP_A) {
                for (int i = 1; i < p.length;) {
                    int n = ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
                    nals.add(Arrays.copyOfRange(p, i + 2, i + 2 + n));
                    i += 2 + n;
                }
            } else if (type == H264Packetizer.FU_A) {
                boolean start = (p[1] & 0x80) != 0;
                boolean end = (p[1] & 0x40) != 0;
                if (start) {
                    fu = new ByteArrayOutputStream();
                    fu.write((p[0] & 0xe0) | (p[1] & 0x1f));
                }
                fu.write(p, 2, p.length - 2);
                if (end) {
                    nals.add(fu.toByteArray());
                    fu = null;
                }
            } else {
                nals.add(p);
            }
        }
        return nals;
    }

    @Test
    void keyframeSendsSpsAndPpsInOneStapAThenFragmentsTheSlice() {
        byte[] idr = nal(0x65, 3000);
        RtpPacketizer p = RtpPacketizer.create(Codec.H264, 1000);
        List<Packet> packets = packetize(p, unit(Codec.H264, true, SPS, PPS, idr));

        byte[] stap = packets.get(0).payload();
        assertEquals(0x78, stap[0] & 0xff, "STAP-A with NRI 3 from the SPS");
        assertEquals(1 + 2 + SPS.length + 2 + PPS.length, stap.length);
        assertEquals(SPS.length, stap[2]);
        assertArrayEquals(SPS, Arrays.copyOfRange(stap, 3, 3 + SPS.length));

        List<Packet> fus = packets.subList(1, packets.size());
        assertEquals(4, fus.size()); // 2999 body bytes in 998-byte fragments
        for (int i = 0; i < fus.size(); i++) {
            byte[] f = fus.get(i).payload();
            assertEquals(0x60 | 28, f[0] & 0xff, "FU indicator keeps F and NRI");
            assertEquals(i == 0, (f[1] & 0x80) != 0, "S bit");
            assertEquals(i == fus.size() - 1, (f[1] & 0x40) != 0, "E bit");
            assertEquals(5, f[1] & 0x1f, "original NAL type");
            assertEquals(i == fus.size() - 1, fus.get(i).marker(), "marker only on the last packet");
        }
        assertFalse(packets.get(0).marker());
        List<byte[]> nals = depacketize(packets);
        assertEquals(3, nals.size());
        assertArrayEquals(SPS, nals.get(0));
        assertArrayEquals(PPS, nals.get(1));
        assertArrayEquals(idr, nals.get(2));
    }

    @Test
    void mediumNalsGoAloneAndReassembleExactly() {
        byte[] a = nal(0x41, 700);
        byte[] b = nal(0x01, 900);
        byte[] c = nal(0x41, 1000); // exactly the payload size: single NAL, not FU-A
        RtpPacketizer p = RtpPacketizer.create(Codec.H264, 1000);
        List<Packet> packets = packetize(p, unit(Codec.H264, false, a, b, c));
        assertEquals(3, packets.size());
        assertArrayEquals(a, packets.get(0).payload());
        assertArrayEquals(c, packets.get(2).payload());
        assertTrue(packets.get(2).marker());
        byte[] d = nal(0x41, 1001);
        List<Packet> two = packetize(p, unit(Codec.H264, false, d));
        assertEquals(2, two.size());
        assertArrayEquals(d, depacketize(two).get(0));
    }

    @Test
    void singleSmallNalIsNotWrappedAndEmptyNalsAreSkipped() {
        byte[] a = nal(0x41, 50);
        List<Packet> packets = packetize(RtpPacketizer.create(Codec.H264), unit(Codec.H264, false, new byte[0], a));
        assertEquals(1, packets.size());
        assertArrayEquals(a, packets.get(0).payload());
        assertTrue(packets.get(0).marker());
    }

    @Test
    void packetizerRefusesTooSmallBuffersAndOtherCodecs() {
        RtpPacketizer p = RtpPacketizer.create(Codec.H264, 1000);
        p.begin(unit(Codec.H264, false, nal(0x41, 500)));
        assertThrows(IndexOutOfBoundsException.class, () -> p.next(new byte[100], 0));
        assertThrows(IllegalArgumentException.class, () -> p.begin(unit(Codec.VP8, false, new byte[10])));
        assertThrows(IllegalArgumentException.class, () -> RtpPacketizer.create(Codec.H265, 1000));
        RtpPacketizer empty = RtpPacketizer.create(Codec.OPUS);
        assertThrows(NoSuchElementException.class, () -> empty.next(new byte[10], 0));
    }

    @Test
    void vp8DescriptorCarriesStartBitAndPictureId() {
        Vp8Packetizer p = new Vp8Packetizer(500, true, 0x7ffe);
        byte[] frame = nal(0x10, 1200);
        List<Packet> packets = packetize(p, unit(Codec.VP8, true, frame));
        assertEquals(3, packets.size()); // 496 + 496 + 208
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < packets.size(); i++) {
            byte[] d = packets.get(i).payload();
            assertEquals(i == 0 ? 0x90 : 0x80, d[0] & 0xff, "X and S bits, PID 0");
            assertEquals(0x80, d[1] & 0xff, "I bit");
            assertEquals(0xff, d[2] & 0xff, "M bit and high PictureID bits");
            assertEquals(0xfe, d[3] & 0xff);
            assertEquals(i == 2, packets.get(i).marker());
            joined.write(d, 4, d.length - 4);
        }
        assertArrayEquals(frame, joined.toByteArray());
        List<Packet> next = packetize(p, unit(Codec.VP8, false, nal(0x11, 10)));
        assertEquals(0xff, next.get(0).payload()[2] & 0xff, "PictureID 0x7fff");
        assertEquals(0xff, next.get(0).payload()[3] & 0xff);
        List<Packet> wrapped = packetize(p, unit(Codec.VP8, false, nal(0x11, 10)));
        assertEquals(0x80, wrapped.get(0).payload()[2] & 0xff, "PictureID wraps to 0");
        assertEquals(0x00, wrapped.get(0).payload()[3] & 0xff);
    }

    @Test
    void vp8WithoutPictureIdUsesOneByteDescriptor() {
        List<Packet> packets = packetize(new Vp8Packetizer(100, false), unit(Codec.VP8, true, nal(0x10, 150)));
        assertEquals(2, packets.size());
        assertEquals(0x10, packets.get(0).payload()[0]);
        assertEquals(0x00, packets.get(1).payload()[0]);
        assertEquals(100, packets.get(0).payload().length);
    }

    @Test
    void opusIsOnePacketPerUnit() {
        byte[] opus = nal(0xfc, 160);
        List<Packet> packets = packetize(RtpPacketizer.create(Codec.OPUS), unit(Codec.OPUS, true, opus));
        assertEquals(1, packets.size());
        assertArrayEquals(opus, packets.get(0).payload());
        assertFalse(packets.get(0).marker());
    }
}
