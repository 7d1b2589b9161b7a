package io.sightline.rtp.rtp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reassembles VP8 frames from RTP payloads (RFC 7741): strips each packet's payload descriptor (section 4.2) and
 * joins the packets of one timestamp. A frame is handed out when its marker packet arrives (or, if that was lost,
 * with the first packet of the next timestamp), as {@link H264Depacketizer} does, so no picture waits for the next.
 *
 * <p>A frame starts with the packet whose S bit is set for partition 0; its first payload byte says whether it is a
 * key frame (RFC 6386 section 9.1, P bit 0), and a key frame carries the picture size (section 9.2). Loss: a sequence
 * gap, or a frame whose start never came, is handed out {@linkplain FrameListener#frame damaged} (a VP8 decoder given
 * part of a frame shows garbage until the next key frame; the caller decides). Packets older than the last are
 * dropped as late (a reorder window in front puts them back in order). Not thread-safe; one per track.
 */
public final class Vp8Depacketizer {
    /** Receives each frame, in order. */
    @FunctionalInterface
    public interface FrameListener {
        /**
         * @param frame        the frame's bytes, a buffer the listener may keep
         * @param rtpTimestamp the frame's RTP timestamp (90 kHz)
         * @param damaged      whether packets of this frame were lost (or its start)
         * @param keyframe     whether it is a key frame (only meaningful when not damaged)
         * @param width        the picture width from a key frame's header, 0 otherwise
         * @param height       the picture height from a key frame's header, 0 otherwise
         */
        void frame(ByteBuffer frame, long rtpTimestamp, boolean damaged, boolean keyframe, int width, int height);
    }

    private static final int MAX_FRAME_BYTES = 8 << 20;

    private final FrameListener listener;
    private byte[] buffer = new byte[64 * 1024];
    private int length;
    private boolean started;
    private boolean damaged;
    private long timestamp = -1;
    private int lastSequence = -1;
    private long lostPackets;
    private long latePackets;
    private long malformedPackets;

    public Vp8Depacketizer(FrameListener listener) {
        this.listener = listener;
    }

    /**
     * Takes one RTP packet's payload (from position to limit; read, never kept).
     *
     * @param sequenceNumber the packet's 16-bit sequence number
     * @param rtpTimestamp   the packet's 32-bit timestamp
     * @param marker         the packet's marker bit (last packet of a frame)
     */
    public void packet(ByteBuffer payload, int sequenceNumber, long rtpTimestamp, boolean marker) {
        if (!inSequence(sequenceNumber)) {
            return;
        }
        if (rtpTimestamp != timestamp) {
            if (length > 0) {
                damaged = true; // the marker packet was lost
                emit();
            } // else a gap stays with the new frame: it depends on whatever was lost before it
            timestamp = rtpTimestamp;
        }
        read(payload.duplicate());
        if (marker) {
            emit();
        }
    }

    /** Packets missing from the sequence so far. */
    public long lostPackets() {
        return lostPackets;
    }

    /** Packets that arrived after a later one and were dropped. */
    public long latePackets() {
        return latePackets;
    }

    /** Packets whose payload descriptor was cut short. */
    public long malformedPackets() {
        return malformedPackets;
    }

    private boolean inSequence(int sequenceNumber) {
        if (lastSequence >= 0) {
            int delta = (short) (sequenceNumber - lastSequence - 1);
            if (delta < 0) {
                latePackets++;
                return false;
            }
            if (delta > 0) {
                lostPackets += delta;
                damaged = true;
            }
        }
        lastSequence = sequenceNumber & 0xffff;
        return true;
    }

    /** Section 4.2: X|R|N|S|R|PID, then the optional I/L/T/K byte and the fields it announces. */
    private void read(ByteBuffer p) {
        if (!p.hasRemaining()) {
            return;
        }
        int first = p.get() & 0xff;
        if ((first & 0x80) != 0) {
            if (!p.hasRemaining()) {
                malformed();
                return;
            }
            int ext = p.get() & 0xff;
            int skip = 0;
            if ((ext & 0x80) != 0) { // I: PictureID, 7 or 15 bits
                if (!p.hasRemaining()) {
                    malformed();
                    return;
                }
                skip += (p.get(p.position()) & 0x80) != 0 ? 2 : 1;
            }
            if ((ext & 0x40) != 0) { // L: TL0PICIDX
                skip++;
            }
            if ((ext & 0x30) != 0) { // T or K: TID|Y|KEYIDX
                skip++;
            }
            if (p.remaining() < skip) {
                malformed();
                return;
            }
            p.position(p.position() + skip);
        }
        boolean startOfFrame = (first & 0x10) != 0 && (first & 0x07) == 0;
        if (startOfFrame) {
            if (length > 0) {
                damaged = true; // a new frame began in the same timestamp without the old one's end
                emit();
            }
            started = true;
        } else if (!started) {
            damaged = true; // the frame's first packet was lost: nothing to append to
            return;
        }
        int n = p.remaining();
        if (length + n > MAX_FRAME_BYTES) {
            damaged = true;
            return;
        }
        if (length + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(length + n, buffer.length * 2));
        }
        p.get(buffer, length, n);
        length += n;
    }

    private void malformed() {
        malformedPackets++;
        damaged = true;
    }

    private void emit() {
        if (length > 0 || damaged) {
            boolean key = length >= 3 && (buffer[0] & 0x01) == 0;
            int width = 0;
            int height = 0;
            // Section 9.1: a key frame's 3-byte tag is followed by the start code 9d 01 2a and the 14-bit sizes.
            if (key && length >= 10 && (buffer[3] & 0xff) == 0x9d && buffer[4] == 0x01 && buffer[5] == 0x2a) {
                width = ((buffer[6] & 0xff) | (buffer[7] & 0xff) << 8) & 0x3fff;
                height = ((buffer[8] & 0xff) | (buffer[9] & 0xff) << 8) & 0x3fff;
            }
            boolean whole = !damaged && started && length > 0;
            ByteBuffer frame = ByteBuffer.wrap(Arrays.copyOf(buffer, length));
            listener.frame(frame, timestamp, !whole, whole && key, width, height);
        }
        length = 0;
        started = false;
        damaged = false;
    }
}
