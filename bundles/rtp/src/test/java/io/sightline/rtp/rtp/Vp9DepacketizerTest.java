package io.sightline.rtp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * VP9 frames (their first bytes as libvpx-vp9 of JavaCV's FFmpeg 8.1.2 encoded a 320x180 test picture, the rest
 * filler) cut by the server's packetizer, and packets built by hand per RFC 9628 section 4.2 in the non-flexible mode
 * with a picture group that libwebrtc senders use, come back whole with key frame and size; loss and cut-short
 * descriptors make frames damaged.
 */
class Vp9DepacketizerTest {
    /** libvpx-vp9's key frame header: frame marker, profile 0, KEY_FRAME, sync code, 320x180. */
    private static final byte[] KEY_HEAD = HexFormat.of().parseHex("824983420013f00b360438241c184a00");
    /** libvpx-vp9's next (inter) frame's header. */
    private static final byte[] INTER_HEAD = HexFormat.of().parseHex("86004092f0e1400000546b5d82fc35cf");

    private record Frame(byte[] bytes, long ts, boolean damaged, boolean key, int width, int height) {
    }

    private final List<Frame> frames = new ArrayList<>();
    private final Vp9Depacketizer depacketizer = new Vp9Depacketizer((frame, ts, damaged, key, w, h) -> {
        byte[] b = new byte[frame.remaining()];
        frame.get(b);
        frames.add(new Frame(b, ts, damaged, key, w, h));
    });
    private int seq = 65531; // wraps during the tests

    private static byte[] frame(byte[] head, int size) {
        byte[] f = new byte[size];
        new Random(size).nextBytes(f);
        System.arraycopy(head, 0, f, 0, head.length);
        return f;
    }

    private static List<byte[]> packetize(Vp9Packetizer p, byte[] frame, boolean key, List<Boolean> markers) {
        p.begin(new EncodedUnit(Track.VIDEO, Codec.VP9, 0, 0, key, List.of(ByteBuffer.wrap(frame))));
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
    void framesCutByThePacketizerComeBackWholeWithKeyframeAndSize() {
        Vp9Packetizer p = new Vp9Packetizer(300);
        byte[] key = frame(KEY_HEAD, 1000);
        byte[] inter = frame(INTER_HEAD, 700);
        List<Boolean> markers = new ArrayList<>();
        List<byte[]> keyPackets = packetize(p, key, true, markers);
        assertEquals(0x80 | 0x10 | 0x08 | 0x02, keyPackets.get(0)[0] & 0xff, "I, F, B and V on the first packet");
        assertEquals(0x10, keyPackets.get(0)[3], "one spatial layer with its size");
        assertEquals(0x04, keyPackets.get(keyPackets.size() - 1)[0] & 0x04, "E on the last");
        send(keyPackets, markers, 3000, -1);
        markers.clear();
        List<byte[]> interPackets = packetize(p, inter, false, markers);
        assertEquals(0x40, interPackets.get(0)[0] & 0x40, "P: inter-picture predicted");
        assertEquals(2, interPackets.get(0)[3], "P_DIFF 1: the picture before");
        send(interPackets, markers, 6000, -1);

        assertEquals(2, frames.size());
        assertArrayEquals(key, frames.get(0).bytes());
        assertTrue(frames.get(0).key() && !frames.get(0).damaged());
        assertEquals(320, frames.get(0).width());
        assertEquals(180, frames.get(0).height());
        assertArrayEquals(inter, frames.get(1).bytes());
        assertFalse(frames.get(1).key() || frames.get(1).damaged());
        assertEquals(0, depacketizer.malformedPackets());
    }

    @Test
    void aKeyframeWithoutScalabilityStructureTakesItsSizeFromTheFrameHeader() {
        // B|E, no I, no V: the smallest descriptor a sender may use
        byte[] key = frame(KEY_HEAD, 200);
        byte[] packet = new byte[key.length + 1];
        packet[0] = 0x08 | 0x04;
        System.arraycopy(key, 0, packet, 1, key.length);
        depacketizer.packet(ByteBuffer.wrap(packet), 1, 90, true);
        assertEquals(1, frames.size());
        assertTrue(frames.get(0).key());
        assertEquals(320, frames.get(0).width());
        assertEquals(180, frames.get(0).height());
    }

    @Test
    void nonFlexibleModeWithLayerIndicesAndAPictureGroupIsRead() {
        byte[] payload = frame(KEY_HEAD, 120);
        ByteBuffer b = ByteBuffer.allocate(200);
        b.put((byte) (0x80 | 0x20 | 0x08 | 0x04 | 0x02)); // I, L, B, E, V (F = 0: non-flexible)
        b.put((byte) 0x81).put((byte) 0x23); // 15-bit picture ID 0x0123
        b.put((byte) 0x00); // TID 0, U 0, SID 0, D 0
        b.put((byte) 0x07); // TL0PICIDX
        b.put((byte) 0x18); // N_S 0, Y, G
        b.putShort((short) 640).putShort((short) 360);
        b.put((byte) 1); // N_G: one picture in the group
        b.put((byte) 0x04).put((byte) 1); // T 0, U 0, R 1: one reference, P_DIFF 1
        b.put(payload).flip();
        depacketizer.packet(b, 7, 900, true);
        assertEquals(1, frames.size());
        assertArrayEquals(payload, frames.get(0).bytes());
        assertTrue(frames.get(0).key());
        assertEquals(640, frames.get(0).width(), "the scalability structure's size wins");
        assertEquals(360, frames.get(0).height());
    }

    @Test
    void aLostPacketDamagesItsFrameAndTheNextKeyframeIsWholeAgain() {
        Vp9Packetizer p = new Vp9Packetizer(300);
        List<Boolean> markers = new ArrayList<>();
        List<byte[]> packets = packetize(p, frame(KEY_HEAD, 1000), true, markers);
        send(packets, markers, 3000, 1);
        markers.clear();
        packets = packetize(p, frame(INTER_HEAD, 800), false, markers);
        send(packets, markers, 6000, 0); // its first packet lost
        markers.clear();
        packets = packetize(p, frame(KEY_HEAD, 900), true, markers);
        send(packets, markers, 9000, -1);

        assertEquals(3, frames.size(), frames.toString());
        assertTrue(frames.get(0).damaged());
        assertFalse(frames.get(0).key());
        assertTrue(frames.get(1).damaged(), "a frame whose start was lost");
        assertTrue(frames.get(2).key() && !frames.get(2).damaged());
        assertEquals(2, depacketizer.lostPackets());
    }

    @Test
    void descriptorsCutShortAreCountedAndDamageTheirFrame() {
        byte[][] bad = {
            {},                                     // no descriptor at all
            {(byte) 0x88},                          // I and B, no picture ID
            {(byte) 0x88, (byte) 0x81},             // a 15-bit picture ID cut after its first byte
            {(byte) 0x28},                          // L and B, no layer byte
            {(byte) 0x28, 0x00},                    // non-flexible: no TL0PICIDX
            {(byte) 0x58, 0x03, 0x03, 0x03, 0x03},  // F and P: a fourth reference announced (N set three times)
            {(byte) 0x58, 0x03},                    // F and P: the announced next P_DIFF missing
            {(byte) 0x0a, 0x10, 0x01, 0x40},        // V: Y announces a size, two of four bytes there
            {(byte) 0x0a, 0x08, 0x02, 0x04},        // V: G announces two pictures, the first one reference short
        };
        long ts = 100;
        for (byte[] packet : bad) {
            depacketizer.packet(ByteBuffer.wrap(packet), seq++ & 0xffff, ts, true);
            ts += 100;
        }
        assertEquals(bad.length, depacketizer.malformedPackets());
        assertEquals(bad.length, frames.size());
        assertTrue(frames.stream().allMatch(Frame::damaged), frames.toString());
        assertTrue(frames.stream().noneMatch(Frame::key));

        Vp9Packetizer p = new Vp9Packetizer(300);
        List<Boolean> markers = new ArrayList<>();
        send(packetize(p, frame(KEY_HEAD, 600), true, markers), markers, ts, -1);
        Frame last = frames.get(frames.size() - 1);
        assertTrue(last.key() && !last.damaged(), "the next key frame is taken as before");
    }

    @Test
    void packetsOlderThanTheLastAreDroppedAsLate() {
        byte[] packet = {0x0c, 1, 2, 3};
        depacketizer.packet(ByteBuffer.wrap(packet), 10, 90, true);
        depacketizer.packet(ByteBuffer.wrap(packet), 9, 0, true);
        assertEquals(1, depacketizer.latePackets());
        assertEquals(1, frames.size());
    }
}
