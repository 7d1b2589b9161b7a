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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Frames cut by the server's own VP8 packetizer (and by hand) come back whole, or marked damaged when cut short. */
class Vp8DepacketizerTest {
    private record Frame(byte[] bytes, long ts, boolean damaged, boolean key, int width, int height) {
    }

    private final List<Frame> frames = new ArrayList<>();
    private final Vp8Depacketizer depacketizer = new Vp8Depacketizer((frame, ts, damaged, key, w, h) -> {
        byte[] b = new byte[frame.remaining()];
        frame.get(b);
        frames.add(new Frame(b, ts, damaged, key, w, h));
    });
    private int seq = 65530; // wraps during the test

    /** A key frame: frame tag with P = 0, start code, 640x360, then filler. */
    private static byte[] keyframe(int size) {
        byte[] f = new byte[size];
        new Random(size).nextBytes(f);
        f[0] = (byte) (f[0] & 0xfe);
        f[3] = (byte) 0x9d;
        f[4] = 0x01;
        f[5] = 0x2a;
        f[6] = (byte) 0x80;
        f[7] = 0x02; // 640
        f[8] = 0x68;
        f[9] = 0x01; // 360
        return f;
    }

    private static byte[] interframe(int size) {
        byte[] f = new byte[size];
        new Random(-size).nextBytes(f);
        f[0] = (byte) (f[0] | 0x01);
        return f;
    }

    private static List<byte[]> packetize(byte[] frame, boolean pictureIds, List<Boolean> markers) {
        Vp8Packetizer p = new Vp8Packetizer(300, pictureIds);
        p.begin(new EncodedUnit(Track.VIDEO, Codec.VP8, 0, 0, false, List.of(ByteBuffer.wrap(frame))));
        List<byte[]> packets = new ArrayList<>();
        byte[] buf = new byte[400];
        while (p.hasNext()) {
            int len = p.next(buf, 0);
            packets.add(java.util.Arrays.copyOf(buf, len));
            markers.add(p.marker());
        }
        return packets;
    }

    private void send(byte[] frame, long ts, boolean pictureIds, int skip) {
        List<Boolean> markers = new ArrayList<>();
        List<byte[]> packets = packetize(frame, pictureIds, markers);
        for (int i = 0; i < packets.size(); i++) {
            int s = seq++ & 0xffff;
            if (i != skip) {
                depacketizer.packet(ByteBuffer.wrap(packets.get(i)), s, ts, markers.get(i));
            }
        }
    }

    @Test
    void framesComeBackWholeWithKeyframeAndSize() {
        byte[] key = keyframe(1000);
        byte[] delta = interframe(700);
        send(key, 3000, true, -1);
        send(delta, 6000, false, -1);
        assertEquals(2, frames.size());
        assertArrayEquals(key, frames.get(0).bytes());
        assertTrue(frames.get(0).key());
        assertFalse(frames.get(0).damaged());
        assertEquals(640, frames.get(0).width());
        assertEquals(360, frames.get(0).height());
        assertArrayEquals(delta, frames.get(1).bytes());
        assertFalse(frames.get(1).key());
        assertEquals(0, frames.get(1).width());
        assertEquals(6000, frames.get(1).ts());
    }

    @Test
    void aLostMiddlePacketOrALostStartMarksTheFrameDamaged() {
        send(keyframe(1000), 3000, true, 2);
        assertEquals(1, frames.size());
        assertTrue(frames.get(0).damaged());
        assertFalse(frames.get(0).key(), "a damaged frame is never reported as a usable key frame");
        send(interframe(900), 6000, true, 0);
        assertEquals(2, frames.size());
        assertTrue(frames.get(1).damaged(), "its start never came");
        send(interframe(200), 9000, true, -1);
        assertFalse(frames.get(2).damaged());
        assertEquals(2, depacketizer.lostPackets());
    }

    @Test
    void aLostMarkerPacketEndsTheFrameAtTheNextTimestamp() {
        send(keyframe(1000), 3000, false, 3); // the last of 4 packets carries the marker
        assertTrue(frames.isEmpty(), "waits for the marker or the next timestamp");
        send(interframe(100), 6000, false, -1);
        assertEquals(2, frames.size());
        assertTrue(frames.get(0).damaged());
        assertFalse(frames.get(1).damaged());
    }

    @Test
    void truncatedDescriptorsAndLatePacketsAreDroppedAndCounted() {
        depacketizer.packet(ByteBuffer.wrap(new byte[] {(byte) 0x90}), 10, 3000, false); // X set, nothing after
        depacketizer.packet(ByteBuffer.wrap(new byte[] {(byte) 0x90, (byte) 0x80}), 11, 3000, true); // I, no id
        assertEquals(2, depacketizer.malformedPackets());
        assertTrue(frames.get(0).damaged());
        depacketizer.packet(ByteBuffer.wrap(new byte[] {0x10, 1, 2, 3}), 9, 6000, true);
        assertEquals(1, depacketizer.latePackets());
        assertEquals(1, frames.size());
    }
}
