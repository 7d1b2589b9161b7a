package io.sightline.rtp.rtp;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import java.nio.ByteBuffer;
import java.util.NoSuchElementException;

/**
 * VP9 payloads (RFC 9628) in flexible mode: every packet's descriptor carries a 15-bit picture ID (I), the B bit on
 * a frame's first packet and the E bit on its last; an inter frame is marked inter-picture predicted (P) with one
 * reference, the picture before it (P_DIFF 1), and a key frame's first packet carries the scalability structure (V)
 * with its size when its uncompressed header gives one. Flexible mode is used because it needs no picture-group
 * description: the frames of a forwarded stream keep their order, so "depends on the one before" is always true
 * for what the receiver decodes (a receiver that lost a frame asks for a key frame anyway). One spatial layer.
 */
final class Vp9Packetizer implements RtpPacketizer {
    private final int maxPayload;
    private int pictureId = 0x7fff;
    private ByteBuffer frame;
    private int offset;
    private boolean keyframe;
    private int size;
    private boolean marker;

    Vp9Packetizer(int maxPayload) {
        if (maxPayload < 16) {
            throw new IllegalArgumentException("payload size too small for VP9: " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    @Override
    public Codec codec() {
        return Codec.VP9;
    }

    @Override
    public int maxPayloadSize() {
        return maxPayload;
    }

    @Override
    public void begin(EncodedUnit unit) {
        if (unit.codec() != Codec.VP9) {
            throw new IllegalArgumentException("not VP9: " + unit);
        }
        frame = unit.parts().isEmpty() || !unit.parts().get(0).hasRemaining() ? null : unit.parts().get(0);
        offset = 0;
        marker = false;
        keyframe = unit.keyframe();
        size = 0;
        if (frame != null && keyframe) {
            byte[] head = new byte[Math.min(16, frame.remaining())];
            frame.get(frame.position(), head);
            size = Vp9Depacketizer.keyframeSize(head, head.length);
        }
        pictureId = (pictureId + 1) & 0x7fff;
    }

    @Override
    public boolean hasNext() {
        return frame != null;
    }

    @Override
    public int next(byte[] buf, int off) {
        if (frame == null) {
            throw new NoSuchElementException("no VP9 payload left");
        }
        boolean start = offset == 0;
        boolean structure = start && keyframe && size != 0;
        int descriptor = 3 + (keyframe ? 0 : 1) + (structure ? 5 : 0);
        int chunk = Math.min(frame.remaining() - offset, maxPayload - descriptor);
        H264Packetizer.checkRoom(buf, off, descriptor + chunk);
        boolean end = offset + chunk == frame.remaining();
        int i = off;
        buf[i++] = (byte) (0x80 | (keyframe ? 0 : 0x40) | 0x10 | (start ? 0x08 : 0) | (end ? 0x04 : 0)
                | (structure ? 0x02 : 0)); // I, P, F, B, E, V
        buf[i++] = (byte) (0x80 | (pictureId >>> 8)); // M: 15-bit picture ID
        buf[i++] = (byte) pictureId;
        if (!keyframe) {
            buf[i++] = (byte) (1 << 1); // P_DIFF 1, N 0: the previous picture
        }
        if (structure) {
            buf[i++] = (byte) 0x10; // N_S 0 (one spatial layer), Y: sizes follow, G 0
            buf[i++] = (byte) (size >>> 24);
            buf[i++] = (byte) (size >>> 16);
            buf[i++] = (byte) (size >>> 8);
            buf[i++] = (byte) size;
        }
        frame.get(frame.position() + offset, buf, i, chunk);
        offset += chunk;
        marker = end;
        if (end) {
            frame = null;
        }
        return descriptor + chunk;
    }

    @Override
    public boolean marker() {
        return marker;
    }
}
