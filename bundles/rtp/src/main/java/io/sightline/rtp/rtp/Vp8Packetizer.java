package io.sightline.rtp.rtp;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import java.nio.ByteBuffer;
import java.util.NoSuchElementException;

/**
 * VP8 payloads (RFC 7741): each packet starts with the payload descriptor (section 4.2), the S bit on the first
 * packet of a frame, partition index 0, and optionally a 15-bit PictureID that increases per frame (browsers use it
 * to detect lost frames; it costs 3 bytes per packet).
 */
final class Vp8Packetizer implements RtpPacketizer {
    private final int maxPayload;
    private final boolean pictureIds;
    private int pictureId;
    private ByteBuffer frame;
    private int offset;
    private boolean marker;

    Vp8Packetizer(int maxPayload, boolean pictureIds) {
        this(maxPayload, pictureIds, 0);
    }

    Vp8Packetizer(int maxPayload, boolean pictureIds, int firstPictureId) {
        if (maxPayload < 8) {
            throw new IllegalArgumentException("payload size too small for VP8: " + maxPayload);
        }
        this.maxPayload = maxPayload;
        this.pictureIds = pictureIds;
        this.pictureId = (firstPictureId - 1) & 0x7fff;
    }

    @Override
    public Codec codec() {
        return Codec.VP8;
    }

    @Override
    public int maxPayloadSize() {
        return maxPayload;
    }

    /** The PictureID of the current frame. */
    int pictureId() {
        return pictureId;
    }

    @Override
    public void begin(EncodedUnit unit) {
        if (unit.codec() != Codec.VP8) {
            throw new IllegalArgumentException("not VP8: " + unit);
        }
        frame = unit.parts().isEmpty() || !unit.parts().get(0).hasRemaining() ? null : unit.parts().get(0);
        offset = 0;
        marker = false;
        pictureId = (pictureId + 1) & 0x7fff;
    }

    @Override
    public boolean hasNext() {
        return frame != null;
    }

    @Override
    public int next(byte[] buf, int off) {
        if (frame == null) {
            throw new NoSuchElementException("no VP8 payload left");
        }
        int descriptor = pictureIds ? 4 : 1;
        int chunk = Math.min(frame.remaining() - offset, maxPayload - descriptor);
        H264Packetizer.checkRoom(buf, off, descriptor + chunk);
        boolean start = offset == 0;
        if (pictureIds) {
            buf[off] = (byte) (0x80 | (start ? 0x10 : 0)); // X, S, PID 0
            buf[off + 1] = (byte) 0x80; // I: PictureID present
            buf[off + 2] = (byte) (0x80 | (pictureId >>> 8)); // M: 15-bit PictureID
            buf[off + 3] = (byte) pictureId;
        } else {
            buf[off] = (byte) (start ? 0x10 : 0);
        }
        frame.get(frame.position() + offset, buf, off + descriptor, chunk);
        offset += chunk;
        marker = offset == frame.remaining();
        if (marker) {
            frame = null;
        }
        return descriptor + chunk;
    }

    @Override
    public boolean marker() {
        return marker;
    }
}
