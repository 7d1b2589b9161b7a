package io.sightline.rtp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * AV1 temporal units (the sequence header as SVT-AV1 of JavaCV's FFmpeg 8.1.2 wrote it for a 320x180 test picture,
 * frame OBUs with filler payloads) cut by the server's packetizer, and packets built by hand per the AV1 RTP payload
 * format's section 4 (W elements, Z/Y fragments, OBUs without size fields), come back as low-overhead temporal units
 * with key frame and size; loss and malformed elements make units damaged.
 */
class Av1DepacketizerTest {
    /** SVT-AV1's sequence header OBU payload (11 bytes): profile 0, one operating point, 320x180 maximum. */
    private static final byte[] SEQUENCE_HEADER = HexFormat.of().parseHex("0200000561e7f66357cc02");
    private static final byte[] TD = {0x12, 0x00};

    private record Unit(byte[] bytes, long ts, boolean damaged, boolean key, int width, int height) {
    }

    private final List<Unit> units = new ArrayList<>();
    private final Av1Depacketizer depacketizer = new Av1Depacketizer((frame, ts, damaged, key, w, h) -> {
        byte[] b = new byte[frame.remaining()];
        frame.get(b);
        units.add(new Unit(b, ts, damaged, key, w, h));
    });
    private int seq = 65533;

    /** An OBU with its size field (low-overhead format). */
    private static byte[] obu(int type, byte[] payload) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(type << 3 | 0x02);
        byte[] size = new byte[5];
        o.write(size, 0, Av1Depacketizer.writeLeb128(size, 0, payload.length));
        o.writeBytes(payload);
        return o.toByteArray();
    }

    private static byte[] filler(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static List<byte[]> packetize(Av1Packetizer p, byte[] unit, boolean key, List<Boolean> markers) {
        p.begin(new EncodedUnit(Track.VIDEO, Codec.AV1, 0, 0, key, List.of(ByteBuffer.wrap(unit))));
        List<byte[]> packets = new ArrayList<>();
        byte[] buf = new byte[400];
        while (p.hasNext()) {
            int len = p.next(buf, 0);
            packets.add(Arrays.copyOf(buf, len));
            markers.add(p.marker());
        }
        return packets;
    }

    private void send(List<byte[]> packets, List<Boolean> markers, long ts, int skip) {
        for (int i = 0; i < packets.size(); i++) {
            int s = seq++ & 0xffff;
            if (i != skip) {
                depacketizer.packet(ByteBuffer.wrap(packets.get(i)), s, ts, markers.get(i));
            }
        }
    }

    @Test
    void unitsCutByThePacketizerComeBackWithKeyframeAndSize() {
        Av1Packetizer p = new Av1Packetizer(300);
        byte[] key = concat(TD, obu(1, SEQUENCE_HEADER), obu(6, filler(2746)));
        byte[] inter = concat(TD, obu(6, filler(700)), obu(6, filler(40)));
        List<Boolean> markers = new ArrayList<>();
        List<byte[]> keyPackets = packetize(p, key, true, markers);
        assertEquals(0x08 | 0x40, keyPackets.get(0)[0] & 0xff, "N on a key frame's first packet, Y: continues");
        assertEquals(0x80, keyPackets.get(1)[0] & 0x80, "Z: the frame OBU goes on");
        assertEquals(0x08, keyPackets.get(0)[2] & 0xff, "the sequence header without its size field");
        assertTrue(keyPackets.stream().allMatch(k -> k.length <= 300));
        send(keyPackets, markers, 3000, -1);
        markers.clear();
        List<byte[]> interPackets = packetize(p, inter, false, markers);
        assertEquals(0, interPackets.get(0)[0] & 0x08, "no N on an inter frame");
        send(interPackets, markers, 6000, -1);

        assertEquals(2, units.size());
        assertArrayEquals(key, units.get(0).bytes(), "the same low-overhead temporal unit");
        assertTrue(units.get(0).key() && !units.get(0).damaged());
        assertEquals(320, units.get(0).width());
        assertEquals(180, units.get(0).height());
        assertArrayEquals(inter, units.get(1).bytes());
        assertFalse(units.get(1).key() || units.get(1).damaged());
        assertEquals(0, depacketizer.malformedPackets());
    }

    @Test
    void anObuEndingWhereAPacketEndsIsContinuedSoOnlyTheLastPacketLacksY() {
        Av1Packetizer p = new Av1Packetizer(300);
        // 1 (aggregation header) + 2 (length) + 1 (OBU header) + 296 = 300: the first OBU would fill the packet
        byte[] unit = concat(TD, obu(6, filler(296)), obu(6, filler(50)));
        List<Boolean> markers = new ArrayList<>();
        List<byte[]> packets = packetize(p, unit, false, markers);
        for (int i = 0; i < packets.size() - 1; i++) {
            assertEquals(0x40, packets.get(i)[0] & 0x40, "Y on packet " + i);
        }
        assertEquals(0, packets.get(packets.size() - 1)[0] & 0x40);
        send(packets, markers, 90, -1);
        assertArrayEquals(unit, units.get(0).bytes());
    }

    @Test
    void handBuiltPacketsWithCountedElementsAndFragmentsAreJoined() {
        byte[] framePayload = filler(150);
        byte[] frameObu = concat(new byte[] {0x30}, framePayload); // OBU_FRAME without size field
        // packet 1: W = 2, N, Y; element 1 the sequence header with a length, element 2 (no length) part of the frame
        ByteBuffer p1 = ByteBuffer.allocate(300);
        p1.put((byte) (0x40 | 0x20 | 0x08));
        p1.put((byte) (1 + SEQUENCE_HEADER.length)).put((byte) 0x08).put(SEQUENCE_HEADER);
        p1.put(frameObu, 0, 60).flip();
        // packet 2: Z, W = 1: the rest of the frame OBU
        ByteBuffer p2 = ByteBuffer.allocate(300);
        p2.put((byte) (0x80 | 0x10)).put(frameObu, 60, frameObu.length - 60).flip();
        depacketizer.packet(p1, 1, 90, false);
        depacketizer.packet(p2, 2, 90, true);

        assertEquals(1, units.size());
        byte[] expected = concat(TD, obu(1, SEQUENCE_HEADER), obu(6, framePayload));
        assertArrayEquals(expected, units.get(0).bytes());
        assertTrue(units.get(0).key());
        assertEquals(320, units.get(0).width());
    }

    @Test
    void withoutTheNBitOrASequenceHeaderItIsNoKeyframe() {
        ByteBuffer noN = ByteBuffer.allocate(100);
        noN.put((byte) 0x00).put((byte) (1 + SEQUENCE_HEADER.length)).put((byte) 0x08).put(SEQUENCE_HEADER)
                .put((byte) 3).put(new byte[] {0x30, 1, 2}).flip();
        depacketizer.packet(noN, 1, 90, true);
        ByteBuffer noHeader = ByteBuffer.allocate(100);
        noHeader.put((byte) 0x08).put((byte) 3).put(new byte[] {0x30, 1, 2}).flip();
        depacketizer.packet(noHeader, 2, 180, true);
        assertEquals(2, units.size());
        assertFalse(units.get(0).key() || units.get(0).damaged());
        assertFalse(units.get(1).key() || units.get(1).damaged());
    }

    @Test
    void aLostFragmentDamagesItsUnitAndTheNextKeyframeIsWholeAgain() {
        Av1Packetizer p = new Av1Packetizer(300);
        List<Boolean> markers = new ArrayList<>();
        send(packetize(p, concat(TD, obu(1, SEQUENCE_HEADER), obu(6, filler(1000))), true, markers), markers,
                3000, 2);
        markers.clear();
        send(packetize(p, concat(TD, obu(6, filler(900))), false, markers), markers, 6000, 0);
        markers.clear();
        send(packetize(p, concat(TD, obu(1, SEQUENCE_HEADER), obu(6, filler(800))), true, markers), markers,
                9000, -1);
        assertEquals(3, units.size(), units.toString());
        assertTrue(units.get(0).damaged() && !units.get(0).key());
        assertTrue(units.get(1).damaged(), "its first packet lost: the continuation has no start");
        assertTrue(units.get(2).key() && !units.get(2).damaged());
        assertEquals(2, depacketizer.lostPackets());
    }

    @Test
    void malformedElementsAreCountedAndDamageTheirUnit() {
        byte[][] bad = {
            {},                                       // no aggregation header
            {0x00, 0x05, 0x30, 0x01},                 // an element length past the packet's end
            {0x00, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}, // a LEB128 length over four bytes
            {0x10, (byte) 0xb0, 0x01},                // W = 1: an OBU with its forbidden bit set
            {0x20, 0x01, 0x30},                       // W = 2, but only one element
            {0x10, 0x32, 0x05, 0x01},                 // an OBU whose own size field runs past its element
        };
        long ts = 100;
        for (byte[] packet : bad) {
            depacketizer.packet(ByteBuffer.wrap(packet), seq++ & 0xffff, ts, true);
            ts += 100;
        }
        assertEquals(bad.length, units.size(), units.toString());
        assertTrue(units.stream().allMatch(Unit::damaged), units.toString());
        assertEquals(bad.length, depacketizer.malformedPackets());

        Av1Packetizer p = new Av1Packetizer(300);
        List<Boolean> markers = new ArrayList<>();
        send(packetize(p, concat(TD, obu(1, SEQUENCE_HEADER), obu(6, filler(500))), true, markers), markers, ts, -1);
        Unit last = units.get(units.size() - 1);
        assertTrue(last.key() && !last.damaged(), "the next key frame is taken as before");
    }

    @Test
    void leb128RoundTrips() {
        byte[] buf = new byte[8];
        for (int v : new int[] {0, 1, 127, 128, 2746, 16383, 16384, 1 << 27}) {
            int end = Av1Depacketizer.writeLeb128(buf, 0, v);
            assertEquals(Av1Depacketizer.leb128Size(v), end);
            assertEquals(v, Av1Depacketizer.leb128(ByteBuffer.wrap(buf, 0, end)));
        }
    }
}
