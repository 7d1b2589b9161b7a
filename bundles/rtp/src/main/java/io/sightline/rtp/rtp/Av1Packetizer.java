package io.sightline.rtp.rtp;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * AV1 payloads (AOM "RTP Payload Format For AV1", section 4): a temporal unit in the low-overhead bitstream format
 * (what {@link Av1Depacketizer} hands out) is cut into packets of OBU elements, each element with a LEB128 length
 * (W = 0), an OBU too large for the rest of a packet continued in the next (Y, then Z). OBUs are sent without their
 * size field, as the payload format recommends; temporal delimiters, tile lists and padding are left out. The N bit
 * marks the first packet of a key frame (a new coded video sequence). Every packet but the last has Y set
 * (receivers such as libwebrtc take a packet without it for the end of the frame). The unit's OBU boundaries are
 * read in {@link #begin}; a unit whose OBU sizes run past its end is sent up to the last whole OBU.
 */
final class Av1Packetizer implements RtpPacketizer {
    private final int maxPayload;
    private ByteBuffer unit;
    private boolean keyframe;
    /** Per OBU to send: where its header starts, its header length and where and how long its payload is. */
    private int[] headerAt = new int[16];
    private int[] headerBytes = new int[16];
    private int[] payloadAt = new int[16];
    private int[] payloadSize = new int[16];
    private int obus;
    private int current;
    private int done;
    private boolean first;
    private boolean marker;

    Av1Packetizer(int maxPayload) {
        if (maxPayload < 16) {
            throw new IllegalArgumentException("payload size too small for AV1: " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    @Override
    public Codec codec() {
        return Codec.AV1;
    }

    @Override
    public int maxPayloadSize() {
        return maxPayload;
    }

    @Override
    public void begin(EncodedUnit u) {
        if (u.codec() != Codec.AV1) {
            throw new IllegalArgumentException("not AV1: " + u);
        }
        unit = u.parts().isEmpty() ? null : u.parts().get(0);
        keyframe = u.keyframe();
        obus = 0;
        current = 0;
        done = 0;
        first = true;
        marker = false;
        if (unit != null) {
            index(unit);
        }
        if (obus == 0) {
            unit = null;
        }
    }

    /** Finds the OBUs of the unit (section 5.3: header, optional extension, LEB128 size, payload). */
    private void index(ByteBuffer u) {
        ByteBuffer p = u.duplicate();
        int base = u.position();
        while (p.hasRemaining()) {
            int start = p.position();
            int header = p.get() & 0xff;
            int hb = (header & 0x04) != 0 ? 2 : 1;
            if (hb == 2) {
                if (!p.hasRemaining()) {
                    return;
                }
                p.get();
            }
            int size = (header & 0x02) != 0 ? Av1Depacketizer.leb128(p) : p.remaining();
            if (size < 0 || size > p.remaining()) {
                return;
            }
            int type = (header >>> 3) & 0x0f;
            if (type != Av1Depacketizer.OBU_TEMPORAL_DELIMITER && type != Av1Depacketizer.OBU_TILE_LIST
                    && type != Av1Depacketizer.OBU_PADDING) {
                if (obus == headerAt.length) {
                    headerAt = Arrays.copyOf(headerAt, obus * 2);
                    headerBytes = Arrays.copyOf(headerBytes, obus * 2);
                    payloadAt = Arrays.copyOf(payloadAt, obus * 2);
                    payloadSize = Arrays.copyOf(payloadSize, obus * 2);
                }
                headerAt[obus] = start - base;
                headerBytes[obus] = hb;
                payloadAt[obus] = p.position() - base;
                payloadSize[obus] = size;
                obus++;
            }
            p.position(p.position() + size);
        }
    }

    @Override
    public boolean hasNext() {
        return unit != null;
    }

    @Override
    public int next(byte[] buf, int off) {
        if (unit == null) {
            throw new NoSuchElementException("no AV1 payload left");
        }
        boolean continuation = done > 0;
        int pos = off + 1;
        int end = off + maxPayload;
        boolean continues = false;
        while (current < obus) {
            int whole = headerBytes[current] + payloadSize[current];
            int remaining = whole - done;
            int room = end - pos;
            int element = Math.min(remaining, room - Av1Depacketizer.leb128Size(Math.min(remaining, room)));
            if (element == remaining && element > 1 && current + 1 < obus
                    && room - Av1Depacketizer.leb128Size(element) - element < 3) {
                // The OBU would end exactly where the packet ends with more to come: libwebrtc takes a packet
                // without Y for the end of the frame, so keep its last byte for the next packet (Y, then Z).
                element--;
            }
            if (element <= 0) {
                continues = done > 0;
                break;
            }
            H264Packetizer.checkRoom(buf, pos, Av1Depacketizer.leb128Size(element) + element);
            pos = Av1Depacketizer.writeLeb128(buf, pos, element);
            copy(current, done, element, buf, pos);
            pos += element;
            done += element;
            if (done < whole) {
                continues = true;
                break;
            }
            current++;
            done = 0;
        }
        buf[off] = (byte) ((continuation ? 0x80 : 0) | (continues ? 0x40 : 0) | (first && keyframe ? 0x08 : 0));
        first = false;
        marker = current == obus;
        if (marker) {
            unit = null;
        }
        return pos - off;
    }

    /** Bytes {@code from}..{@code from + n} of OBU {@code i} as sent: its header without the size flag, its payload. */
    private void copy(int i, int from, int n, byte[] buf, int pos) {
        int base = unit.position();
        int k = 0;
        for (; k < n && from + k < headerBytes[i]; k++) {
            byte b = unit.get(base + headerAt[i] + from + k);
            buf[pos + k] = from + k == 0 ? (byte) (b & ~0x02) : b;
        }
        if (k < n) {
            unit.get(base + payloadAt[i] + from + k - headerBytes[i], buf, pos + k, n - k);
        }
    }

    @Override
    public boolean marker() {
        return marker;
    }
}
