package io.sightline.rtp.rtp;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * H.264 payloads in packetization mode 1 (RFC 6184): a NAL unit that fits goes alone (section 5.6); consecutive
 * small NAL units, such as the SPS and PPS in front of a keyframe, share a STAP-A (section 5.7.1); a NAL unit larger
 * than the payload size is split into FU-A fragments (section 5.8). The marker goes on the last packet of the access
 * unit.
 */
final class H264Packetizer implements RtpPacketizer {
    static final int STAP_A = 24;
    static final int FU_A = 28;

    private final int maxPayload;
    private ByteBuffer[] nals = new ByteBuffer[16];
    private int count;
    private int index;
    /** Position inside nals[index] of the next FU-A fragment; 0 when not fragmenting. */
    private int fuOffset;
    private boolean marker;

    H264Packetizer(int maxPayload) {
        if (maxPayload < 16) {
            throw new IllegalArgumentException("payload size too small for H.264: " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    @Override
    public Codec codec() {
        return Codec.H264;
    }

    @Override
    public int maxPayloadSize() {
        return maxPayload;
    }

    @Override
    public void begin(EncodedUnit unit) {
        if (unit.codec() != Codec.H264) {
            throw new IllegalArgumentException("not H.264: " + unit);
        }
        List<ByteBuffer> parts = unit.parts();
        if (nals.length < parts.size()) {
            nals = new ByteBuffer[Math.max(parts.size(), nals.length * 2)];
        }
        Arrays.fill(nals, null);
        count = 0;
        for (ByteBuffer part : parts) {
            if (part.hasRemaining()) { // an empty NAL unit cannot be sent
                nals[count++] = part;
            }
        }
        index = 0;
        fuOffset = 0;
        marker = false;
    }

    @Override
    public boolean hasNext() {
        return index < count;
    }

    @Override
    public int next(byte[] buf, int off) {
        if (!hasNext()) {
            throw new NoSuchElementException("no H.264 payload left");
        }
        ByteBuffer nal = nals[index];
        int n;
        if (fuOffset > 0 || nal.remaining() > maxPayload) {
            n = fragment(nal, buf, off);
        } else {
            int run = aggregatable();
            n = run > 1 ? aggregate(run, buf, off) : single(nal, buf, off);
        }
        marker = !hasNext();
        if (marker) {
            Arrays.fill(nals, 0, count, null); // do not keep the unit alive
        }
        return n;
    }

    @Override
    public boolean marker() {
        return marker;
    }

    private int single(ByteBuffer nal, byte[] buf, int off) {
        int n = nal.remaining();
        checkRoom(buf, off, n);
        nal.get(nal.position(), buf, off, n);
        index++;
        return n;
    }

    /** How many NAL units from {@link #index} on fit into one STAP-A. */
    private int aggregatable() {
        int size = 1;
        int run = 0;
        for (int i = index; i < count; i++) {
            int add = 2 + nals[i].remaining();
            if (size + add > maxPayload) {
                break;
            }
            size += add;
            run++;
        }
        return run;
    }

    private int aggregate(int run, byte[] buf, int off) {
        int size = 1;
        for (int i = index; i < index + run; i++) {
            size += 2 + nals[i].remaining();
        }
        checkRoom(buf, off, size);
        int f = 0;
        int nri = 0;
        int p = off + 1;
        for (int i = index; i < index + run; i++) {
            ByteBuffer nal = nals[i];
            int header = nal.get(nal.position()) & 0xff;
            f |= header & 0x80;
            nri = Math.max(nri, header & 0x60);
            int n = nal.remaining();
            buf[p++] = (byte) (n >>> 8);
            buf[p++] = (byte) n;
            nal.get(nal.position(), buf, p, n);
            p += n;
        }
        // F is the OR of the aggregated F bits, NRI their maximum (RFC 6184 section 5.7).
        buf[off] = (byte) (f | nri | STAP_A);
        index += run;
        return size;
    }

    private int fragment(ByteBuffer nal, byte[] buf, int off) {
        int header = nal.get(nal.position()) & 0xff;
        boolean start = fuOffset == 0;
        if (start) {
            fuOffset = 1; // the NAL header byte is carried in the FU indicator and FU header, not repeated
        }
        int left = nal.remaining() - fuOffset;
        int chunk = Math.min(left, maxPayload - 2);
        boolean end = chunk == left;
        checkRoom(buf, off, chunk + 2);
        buf[off] = (byte) ((header & 0xe0) | FU_A);
        buf[off + 1] = (byte) ((start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1f));
        nal.get(nal.position() + fuOffset, buf, off + 2, chunk);
        if (end) {
            fuOffset = 0;
            index++;
        } else {
            fuOffset += chunk;
        }
        return chunk + 2;
    }

    static void checkRoom(byte[] buf, int off, int n) {
        if (off < 0 || off + n > buf.length) {
            throw new IndexOutOfBoundsException("payload of " + n + " bytes does not fit at " + off + " into "
                    + buf.length);
        }
    }
}
