package io.sightline.rtp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264DepacketizerTest {
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xe0, 0x1f, (byte) 0x8c, 0x68, 0x05, 0x00};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};

    private record Unit(List<byte[]> nals, long timestamp, boolean damaged) {
    }

    private record Packet(byte[] payload, boolean marker) {
    }

    private final List<Unit> out = new ArrayList<>();
    private final H264Depacketizer depacketizer = new H264Depacketizer((nals, ts, damaged) -> {
        List<byte[]> copies = new ArrayList<>();
        for (ByteBuffer n : nals) {
            byte[] b = new byte[n.remaining()];
            n.duplicate().get(b);
            copies.add(b);
        }
        out.add(new Unit(copies, ts, damaged));
    });

    private static byte[] nal(int header, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            b[i] = (byte) (i * 31 + size);
        }
        return b;
    }

    /** Packets of our own packetizer: SPS+PPS in a STAP-A, FU-A for large NAL units, single NAL packets. */
    private static List<Packet> packetize(byte[]... nals) {
        List<ByteBuffer> parts = new ArrayList<>();
        for (byte[] n : nals) {
            parts.add(ByteBuffer.wrap(n));
        }
        RtpPacketizer p = RtpPacketizer.create(Codec.H264, 1000);
        p.begin(new EncodedUnit(1, Codec.H264, 0, 0, true, parts));
        List<Packet> packets = new ArrayList<>();
        byte[] buf = new byte[1500];
        while (p.hasNext()) {
            int n = p.next(buf, 0);
            packets.add(new Packet(java.util.Arrays.copyOf(buf, n), p.marker()));
        }
        return packets;
    }

    private int feed(List<Packet> packets, int seq, long ts, int skip) {
        for (int i = 0; i < packets.size(); i++) {
            if (i != skip) {
                depacketizer.packet(ByteBuffer.wrap(packets.get(i).payload()), seq & 0xffff, ts,
                        packets.get(i).marker());
            }
            seq++;
        }
        return seq;
    }

    @Test
    void reassemblesStapAFuAAndSingleNalUnitsAtTheMarkerWithoutWaitingForTheNextUnit() {
        byte[] idr = nal(0x65, 5000);
        byte[] sei = nal(0x06, 20);
        List<Packet> packets = packetize(SPS, PPS, sei, idr);
        assertTrue(packets.size() >= 7, "STAP-A and several FU-A fragments");
        feed(packets, 100, 9000, -1);
        assertEquals(1, out.size(), "handed out at the marker, before any packet of the next access unit");
        Unit u = out.get(0);
        assertEquals(9000, u.timestamp());
        assertFalse(u.damaged());
        assertEquals(4, u.nals().size());
        assertArrayEquals(SPS, u.nals().get(0));
        assertArrayEquals(PPS, u.nals().get(1));
        assertArrayEquals(sei, u.nals().get(2));
        assertArrayEquals(idr, u.nals().get(3));
    }

    @Test
    void aLostFragmentDropsOnlyItsNalUnitAndMarksTheUnitDamaged() {
        byte[] slice1 = nal(0x41, 3000);
        byte[] slice2 = nal(0x41, 200);
        List<Packet> packets = packetize(slice1, slice2);
        feed(packets, 65530, 1234, 1); // lose the second FU-A fragment of slice1; sequence wraps through 0
        assertEquals(1, out.size());
        assertTrue(out.get(0).damaged());
        assertEquals(1, out.get(0).nals().size());
        assertArrayEquals(slice2, out.get(0).nals().get(0));
        assertEquals(1, depacketizer.lostPackets());
    }

    @Test
    void withoutAMarkerTheNextTimestampEndsTheUnit() {
        byte[] a = nal(0x41, 100);
        byte[] b = nal(0x41, 120);
        depacketizer.packet(ByteBuffer.wrap(a), 1, 3000, false);
        assertEquals(0, out.size());
        depacketizer.packet(ByteBuffer.wrap(b), 2, 6000, true);
        assertEquals(2, out.size());
        assertArrayEquals(a, out.get(0).nals().get(0));
        assertEquals(3000, out.get(0).timestamp());
        assertArrayEquals(b, out.get(1).nals().get(0));
    }

    @Test
    void latePacketsAndUnsupportedTypesAreDroppedAndCounted() {
        depacketizer.packet(ByteBuffer.wrap(nal(0x41, 50)), 10, 100, true);
        depacketizer.packet(ByteBuffer.wrap(nal(0x41, 50)), 9, 100, true); // late
        depacketizer.packet(ByteBuffer.wrap(nal(0x59, 50)), 11, 200, true); // STAP-B (type 25)
        assertEquals(1, out.size());
        assertEquals(1, depacketizer.latePackets());
        assertEquals(1, depacketizer.unsupportedPackets());
    }

    @Test
    void malformedStapAKeepsTheWholeNalUnitsAndDropsTheRest() {
        byte[] stap = {0x18, 0x00, 0x02, 0x09, 0x10, 0x00, 0x50, 0x41}; // second size runs past the end
        depacketizer.packet(ByteBuffer.wrap(stap), 1, 100, true);
        assertEquals(1, out.size());
        assertTrue(out.get(0).damaged());
        assertArrayEquals(new byte[] {0x09, 0x10}, out.get(0).nals().get(0));
    }

    @Test
    void fragmentsWithoutTheirStartAreIgnored() {
        depacketizer.packet(ByteBuffer.wrap(new byte[] {0x7c, 0x05, 1, 2, 3}), 1, 100, false); // FU-A middle
        depacketizer.packet(ByteBuffer.wrap(new byte[] {0x7c, 0x45, 4, 5}), 2, 100, true); // FU-A end
        assertTrue(out.isEmpty());
    }
}
