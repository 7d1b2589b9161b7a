package io.sightline.rtp.rtp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reassembles AV1 temporal units from RTP payloads (the AOM "RTP Payload Format For AV1", v1.0, section 4): reads each
 * packet's aggregation header (Z: the first OBU element continues one from the previous packet, Y: the last one
 * continues in the next, W: the element count, N: the first packet of a coded video sequence), joins OBU fragments,
 * and hands out each timestamp's OBUs as one temporal unit in the low-overhead bitstream format (AV1 specification
 * section 5.2: a temporal delimiter, then every OBU with {@code obu_has_size_field} set), which decoders take as it is.
 * Temporal delimiters, tile lists and padding in the packets are dropped, as the payload format says senders should.
 *
 * <p>A temporal unit is a key frame when its first packet has the N bit and it carries a sequence header OBU; the
 * picture size is the sequence header's maximum frame size (section 5.5). Loss (a sequence gap, a continuation whose
 * start was lost, a fragment whose end was lost) or a malformed element (a length past the packet's end, an OBU with
 * its forbidden bit set) makes the unit damaged and is counted; the caller drops damaged units and asks for a key
 * frame. Not thread-safe; one per track.
 */
public final class Av1Depacketizer extends FrameAssembler {
    static final int OBU_SEQUENCE_HEADER = 1;
    static final int OBU_TEMPORAL_DELIMITER = 2;
    static final int OBU_TILE_LIST = 8;
    static final int OBU_PADDING = 15;

    private byte[] obu = new byte[16 * 1024];
    private int obuLength;
    private boolean obuOpen;
    private boolean newSequence;
    private int width;
    private int height;
    private boolean sequenceHeader;

    /** {@code listener} receives each temporal unit in order, with the same meaning of its arguments as for VP8. */
    public Av1Depacketizer(Vp8Depacketizer.FrameListener listener) {
        super(listener);
    }

    /** A fragment's continuation may be among the lost packets. */
    @Override
    void gap() {
        dropObu();
    }

    /** Section 4.4: Z|Y|W|N|-|-|-, then OBU elements, each with a LEB128 length but (when W > 0) the W-th. */
    @Override
    void read(ByteBuffer p) {
        if (!p.hasRemaining()) {
            malformed();
            return;
        }
        int head = p.get() & 0xff;
        boolean continuation = (head & 0x80) != 0;
        boolean continues = (head & 0x40) != 0;
        int count = (head >>> 4) & 0x03;
        if (!started) {
            started = true;
            newSequence = (head & 0x08) != 0;
        }
        if (continuation != obuOpen) {
            damaged = true; // a fragment's start or end was lost
            dropObu();
        }
        int element = 1;
        for (; p.hasRemaining(); element++) {
            int size;
            if (count == 0 || element < count) {
                size = leb128(p);
                if (size < 0 || size > p.remaining()) {
                    malformed();
                    return;
                }
            } else {
                size = p.remaining();
            }
            boolean skipped = element == 1 && continuation && !obuOpen;
            if (!skipped) {
                if (obuLength + size > MAX_FRAME_BYTES) {
                    malformed();
                    return;
                }
                if (obuLength + size > obu.length) {
                    obu = Arrays.copyOf(obu, Math.max(obuLength + size, obu.length * 2));
                }
                p.get(obu, obuLength, size);
                obuLength += size;
            } else {
                p.position(p.position() + size);
            }
            if (!p.hasRemaining() && continues) {
                obuOpen = !skipped;
                return;
            }
            obuOpen = false;
            if (!skipped && !finishObu()) {
                return;
            }
            if (count != 0 && element == count) {
                return;
            }
        }
        if (count != 0 && element <= count) {
            malformed(); // fewer elements than W says
        }
    }

    /** Appends the OBU just assembled to the unit, with its size field; false (and damaged) if it is malformed. */
    private boolean finishObu() {
        int n = obuLength;
        obuLength = 0;
        if (n == 0) {
            return true; // an empty element: nothing to add
        }
        int header = obu[0] & 0xff;
        int headerBytes = (header & 0x04) != 0 ? 2 : 1;
        if ((header & 0x80) != 0 || n < headerBytes) {
            malformed();
            return false;
        }
        int type = (header >>> 3) & 0x0f;
        if (type == OBU_TEMPORAL_DELIMITER || type == OBU_TILE_LIST || type == OBU_PADDING) {
            return true;
        }
        int payloadStart = headerBytes;
        int payloadSize = n - headerBytes;
        if ((header & 0x02) != 0) { // the sender kept the size field: use it, and the bytes it covers
            ByteBuffer b = ByteBuffer.wrap(obu, headerBytes, n - headerBytes);
            int declared = leb128(b);
            if (declared < 0 || declared > b.remaining()) {
                malformed();
                return false;
            }
            payloadStart = b.position();
            payloadSize = declared;
        }
        if (type == OBU_SEQUENCE_HEADER) {
            sequenceHeader = true;
            int size = sequenceHeaderSize(obu, payloadStart, payloadSize);
            width = size >>> 16;
            height = size & 0xffff;
        }
        int needed = headerBytes + 8 + payloadSize;
        if (!reserve(needed)) {
            malformed();
            return false;
        }
        buffer[length++] = (byte) (header | 0x02);
        if (headerBytes == 2) {
            buffer[length++] = obu[1];
        }
        length = writeLeb128(buffer, length, payloadSize);
        System.arraycopy(obu, payloadStart, buffer, length, payloadSize);
        length += payloadSize;
        return true;
    }

    @Override
    void malformed() {
        super.malformed();
        dropObu();
    }

    private void dropObu() {
        obuOpen = false;
        obuLength = 0;
    }

    @Override
    void handOut(boolean whole) {
        boolean complete = whole && !obuOpen;
        boolean key = complete && newSequence && sequenceHeader;
        byte[] unit = new byte[length + 2];
        unit[0] = (byte) (OBU_TEMPORAL_DELIMITER << 3 | 0x02);
        unit[1] = 0;
        System.arraycopy(buffer, 0, unit, 2, length);
        listener.frame(ByteBuffer.wrap(unit), timestamp, !complete, key, key ? width : 0, key ? height : 0);
    }

    @Override
    void clear() {
        dropObu();
        newSequence = false;
        sequenceHeader = false;
        width = 0;
        height = 0;
    }

    /** An unsigned LEB128 value (AV1 section 4.10.5) of at most 4 bytes, or -1 when cut short or too large. */
    static int leb128(ByteBuffer p) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (!p.hasRemaining()) {
                return -1;
            }
            int b = p.get() & 0xff;
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    /** Writes {@code value} as LEB128 at {@code off}; returns the offset after it. */
    static int writeLeb128(byte[] buf, int off, int value) {
        int v = value;
        do {
            int b = v & 0x7f;
            v >>>= 7;
            buf[off++] = (byte) (v != 0 ? b | 0x80 : b);
        } while (v != 0);
        return off;
    }

    /** Bytes {@link #writeLeb128} writes for {@code value}. */
    static int leb128Size(int value) {
        int n = 1;
        for (int v = value >>> 7; v != 0; v >>>= 7) {
            n++;
        }
        return n;
    }

    /**
     * The maximum frame size in a sequence header OBU's payload (section 5.5.1), {@code width << 16 | height}, or 0
     * when unreadable: the fields before it (timing and decoder model information, operating points) are skipped.
     */
    static int sequenceHeaderSize(byte[] data, int offset, int size) {
        Vp9Depacketizer.Bits bits = new Vp9Depacketizer.Bits(Arrays.copyOfRange(data, offset, offset + size), size);
        bits.read(3); // seq_profile
        bits.read(1); // still_picture
        if (bits.read(1) == 1) { // reduced_still_picture_header
            bits.read(5);
        } else {
            boolean decoderModel = false;
            int bufferDelayBits = 0;
            if (bits.read(1) == 1) { // timing_info_present_flag
                bits.read(32);
                bits.read(32);
                if (bits.read(1) == 1) { // equal_picture_interval: uvlc num_ticks_per_picture_minus_1
                    int zeros = 0;
                    while (bits.read(1) == 0 && zeros < 32 && !bits.overrun()) {
                        zeros++;
                    }
                    bits.read(zeros);
                }
                decoderModel = bits.read(1) == 1;
                if (decoderModel) {
                    bufferDelayBits = bits.read(5) + 1;
                    bits.read(32);
                    bits.read(5);
                    bits.read(5);
                }
            }
            boolean displayDelay = bits.read(1) == 1;
            int points = bits.read(5) + 1;
            for (int i = 0; i < points; i++) {
                bits.read(12); // operating_point_idc
                if (bits.read(5) > 7) { // seq_level_idx
                    bits.read(1); // seq_tier
                }
                if (decoderModel && bits.read(1) == 1) {
                    bits.read(bufferDelayBits);
                    bits.read(bufferDelayBits);
                    bits.read(1);
                }
                if (displayDelay && bits.read(1) == 1) {
                    bits.read(4);
                }
            }
        }
        int widthBits = bits.read(4) + 1;
        int heightBits = bits.read(4) + 1;
        int w = bits.read(widthBits) + 1;
        int h = bits.read(heightBits) + 1;
        return bits.overrun() || w > 0xffff || h > 0xffff ? 0 : w << 16 | h;
    }
}
