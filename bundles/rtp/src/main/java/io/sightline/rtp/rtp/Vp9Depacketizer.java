package io.sightline.rtp.rtp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reassembles VP9 frames from RTP payloads (RFC 9628): strips each packet's payload descriptor (section 4.2) and
 * joins the packets of one timestamp. A frame is handed out when its marker packet arrives (or, if that was lost, with
 * the first packet of the next timestamp), as {@link Vp8Depacketizer} does.
 *
 * <p>Key frames are told from the descriptor, not the bitstream: the packet with the B bit (start of a frame) whose P
 * bit is clear (not inter-picture predicted) starts one, on spatial layer 0 when the L bit gives layer indices. The
 * picture size comes from the scalability structure (V bit) that senders put on a key frame's first packet, or,
 * without one, from the key frame's uncompressed header (VP9 bitstream specification section 6.2). Only one spatial
 * layer is supported: the packets of one timestamp are joined as one frame. A descriptor cut short (a field its flags
 * announce is missing) makes the packet and its frame damaged and is counted in {@link #malformedPackets()}; the caller
 * drops damaged frames and asks for a key frame. Not thread-safe; one per track.
 */
public final class Vp9Depacketizer extends FrameAssembler {
    private boolean keyframe;
    private int width;
    private int height;

    /** {@code listener} receives each frame in order, with the same meaning of its arguments as for VP8. */
    public Vp9Depacketizer(Vp8Depacketizer.FrameListener listener) {
        super(listener);
    }

    /** Section 4.2: I|P|L|F|B|E|V|Z, then picture ID, layer indices, reference indices and scalability structure. */
    @Override
    void read(ByteBuffer p) {
        if (!p.hasRemaining()) {
            malformed();
            return;
        }
        int flags = p.get() & 0xff;
        boolean interPredicted = (flags & 0x40) != 0;
        boolean layerIndices = (flags & 0x20) != 0;
        boolean flexible = (flags & 0x10) != 0;
        boolean begin = (flags & 0x08) != 0;
        boolean scalability = (flags & 0x02) != 0;
        int spatialId = 0;
        if ((flags & 0x80) != 0 && !skip(p, p.hasRemaining() && (p.get(p.position()) & 0x80) != 0 ? 2 : 1)) {
            return;
        }
        if (layerIndices) {
            if (!p.hasRemaining()) {
                malformed();
                return;
            }
            spatialId = (p.get() >> 1) & 0x07;
            if (!flexible && !skip(p, 1)) { // TL0PICIDX
                return;
            }
        }
        if (flexible && interPredicted) {
            for (int i = 0; ; i++) { // P_DIFF|N, at most three references
                if (!p.hasRemaining() || i == 3) {
                    malformed();
                    return;
                }
                if ((p.get() & 0x01) == 0) {
                    break;
                }
            }
        }
        int ssWidth = 0;
        int ssHeight = 0;
        if (scalability) {
            long size = scalabilityStructure(p);
            if (size < 0) {
                malformed();
                return;
            }
            ssWidth = (int) (size >>> 16);
            ssHeight = (int) (size & 0xffff);
        }
        if (begin && spatialId == 0) {
            cutShort(); // a new picture began in the same timestamp without the old one's end
            started = true;
            keyframe = !interPredicted;
            width = ssWidth;
            height = ssHeight;
        } else if (!started) {
            damaged = true; // the frame's first packet was lost: nothing to append to
            return;
        }
        append(p);
    }

    /**
     * Section 4.2.1: N_S|Y|G|-, sizes of N_S + 1 spatial layers when Y, the picture group when G. Returns the first
     * layer's width and height as {@code width << 16 | height} (0 without Y), or -1 when the structure is cut short.
     */
    private static long scalabilityStructure(ByteBuffer p) {
        if (!p.hasRemaining()) {
            return -1;
        }
        int head = p.get() & 0xff;
        int layers = (head >>> 5) + 1;
        long size = 0;
        if ((head & 0x10) != 0) {
            if (p.remaining() < 4 * layers) {
                return -1;
            }
            size = (long) (p.getShort() & 0xffff) << 16 | (p.getShort() & 0xffff);
            p.position(p.position() + 4 * (layers - 1));
        }
        if ((head & 0x08) != 0) {
            if (!p.hasRemaining()) {
                return -1;
            }
            int pictures = p.get() & 0xff;
            for (int i = 0; i < pictures; i++) {
                if (!p.hasRemaining()) {
                    return -1;
                }
                int references = (p.get() >>> 2) & 0x03;
                if (p.remaining() < references) {
                    return -1;
                }
                p.position(p.position() + references);
            }
        }
        return size;
    }

    private boolean skip(ByteBuffer p, int n) {
        if (p.remaining() < n) {
            malformed();
            return false;
        }
        p.position(p.position() + n);
        return true;
    }

    @Override
    void handOut(boolean whole) {
        boolean key = whole && keyframe;
        if (key && (width == 0 || height == 0)) {
            int size = keyframeSize(buffer, length);
            width = size >>> 16;
            height = size & 0xffff;
        }
        ByteBuffer frame = ByteBuffer.wrap(Arrays.copyOf(buffer, length));
        listener.frame(frame, timestamp, !whole, key, key ? width : 0, key ? height : 0);
    }

    @Override
    void clear() {
        keyframe = false;
        width = 0;
        height = 0;
    }

    /**
     * The size in a key frame's uncompressed header (section 6.2): frame marker, profile, show_existing_frame,
     * frame_type, show_frame, error_resilient_mode, the sync code 49 83 42, the colour configuration, then
     * frame_width_minus_1 and frame_height_minus_1 (16 bits each). {@code width << 16 | height}, or 0 if unreadable.
     */
    static int keyframeSize(byte[] frame, int length) {
        Bits bits = new Bits(frame, length);
        if (bits.read(2) != 2) {
            return 0;
        }
        int profile = bits.read(1) | bits.read(1) << 1;
        if (profile == 3) {
            bits.read(1);
        }
        if (bits.read(1) == 1 || bits.read(1) != 0) { // show_existing_frame, frame_type KEY_FRAME
            return 0;
        }
        bits.read(2); // show_frame, error_resilient_mode
        if (bits.read(8) != 0x49 || bits.read(8) != 0x83 || bits.read(8) != 0x42) {
            return 0;
        }
        if (profile >= 2) {
            bits.read(1); // ten_or_twelve_bit
        }
        int colorSpace = bits.read(3);
        if (colorSpace != 7) { // CS_RGB
            bits.read(1); // color_range
            if (profile == 1 || profile == 3) {
                bits.read(3); // subsampling_x, subsampling_y, reserved_zero
            }
        } else if (profile == 1 || profile == 3) {
            bits.read(1);
        }
        int w = bits.read(16) + 1;
        int h = bits.read(16) + 1;
        return bits.overrun() ? 0 : w << 16 | h;
    }

    /** Most significant bit first over the first {@code length} bytes; reads past the end give 0 and are noted. */
    static final class Bits {
        private final byte[] data;
        private final int length;
        private int bit;

        Bits(byte[] data, int length) {
            this.data = data;
            this.length = length;
        }

        int read(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                int index = bit >>> 3;
                int b = index < length ? (data[index] >>> (7 - (bit & 7))) & 1 : 0;
                v = v << 1 | b;
                bit++;
            }
            return v;
        }

        boolean overrun() {
            return bit > length * 8;
        }

        int position() {
            return bit;
        }
    }
}
