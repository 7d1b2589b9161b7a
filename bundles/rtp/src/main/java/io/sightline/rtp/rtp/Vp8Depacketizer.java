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
public final class Vp8Depacketizer extends FrameAssembler {
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

    public Vp8Depacketizer(FrameListener listener) {
        super(listener);
    }

    /** A frame that began with no media yet is not cut short by the next timestamp (its start bit still counts). */
    @Override
    boolean unfinished() {
        return length > 0;
    }

    /** Section 4.2: X|R|N|S|R|PID, then the optional I/L/T/K byte and the fields it announces. */
    @Override
    void read(ByteBuffer p) {
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
            cutShort(); // a new frame began in the same timestamp without the old one's end
            started = true;
        } else if (!started) {
            damaged = true; // the frame's first packet was lost: nothing to append to
            return;
        }
        append(p);
    }

    @Override
    void handOut(boolean whole) {
        boolean key = length >= 3 && (buffer[0] & 0x01) == 0;
        int width = 0;
        int height = 0;
        // Section 9.1: a key frame's 3-byte tag is followed by the start code 9d 01 2a and the 14-bit sizes.
        if (key && length >= 10 && (buffer[3] & 0xff) == 0x9d && buffer[4] == 0x01 && buffer[5] == 0x2a) {
            width = ((buffer[6] & 0xff) | (buffer[7] & 0xff) << 8) & 0x3fff;
            height = ((buffer[8] & 0xff) | (buffer[9] & 0xff) << 8) & 0x3fff;
        }
        ByteBuffer frame = ByteBuffer.wrap(Arrays.copyOf(buffer, length));
        listener.frame(frame, timestamp, !whole, whole && key, width, height);
    }
}
