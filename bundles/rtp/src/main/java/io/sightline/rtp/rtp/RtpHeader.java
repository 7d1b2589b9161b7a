package io.sightline.rtp.rtp;

import java.nio.ByteBuffer;

/**
 * A mutable, reusable RTP fixed header (RFC 3550 section 5.1) with CSRCs and RFC 8285 header extensions in the
 * one-byte ({@code 0xBEDE}) or two-byte ({@code 0x100x}) form.
 *
 * <p>Reuse one instance per thread: {@link #read} fills it from a packet and {@link #write} serialises it, neither
 * allocates. Extension elements are copied into an internal buffer (at most {@value #MAX_EXTENSIONS} elements,
 * {@value #MAX_EXTENSION_BYTES} bytes in all); an extension block with another profile is kept as raw bytes.
 */
public final class RtpHeader {
    /** Size of the fixed header without CSRCs or extension. */
    public static final int FIXED_SIZE = 12;
    /** The most extension elements one header holds. */
    public static final int MAX_EXTENSIONS = 16;
    /** The most extension payload bytes one header holds. */
    public static final int MAX_EXTENSION_BYTES = 1024;

    private static final int ONE_BYTE_PROFILE = 0xBEDE;
    private static final int TWO_BYTE_PROFILE = 0x1000;

    private boolean padding;
    private boolean marker;
    private int payloadType;
    private int sequenceNumber;
    private long timestamp;
    private long ssrc;
    private final long[] csrcs = new long[15];
    private int csrcCount;

    private boolean hasExtension;
    private int extensionProfile;
    private int extensionCount;
    private final int[] extIds = new int[MAX_EXTENSIONS];
    private final int[] extOffsets = new int[MAX_EXTENSIONS];
    private final int[] extLengths = new int[MAX_EXTENSIONS];
    private final byte[] extData = new byte[MAX_EXTENSION_BYTES];
    private int extDataLength;

    /** Resets every field to zero and removes CSRCs and extensions. */
    public RtpHeader clear() {
        padding = false;
        marker = false;
        payloadType = 0;
        sequenceNumber = 0;
        timestamp = 0;
        ssrc = 0;
        csrcCount = 0;
        clearExtensions();
        return this;
    }

    /** Removes all header extensions. */
    public RtpHeader clearExtensions() {
        hasExtension = false;
        extensionProfile = 0;
        extensionCount = 0;
        extDataLength = 0;
        return this;
    }

    /**
     * Reads a header from {@code buf[off, off+len)}.
     *
     * @return the header length in bytes (where the payload starts, relative to {@code off}), or -1 if the bytes are
     *         not a well-formed RTP version 2 header
     */
    public int read(byte[] buf, int off, int len) {
        if (off < 0 || len < FIXED_SIZE || off + len > buf.length || (buf[off] & 0xc0) != 0x80) {
            return -1;
        }
        int b0 = buf[off] & 0xff;
        int cc = b0 & 0x0f;
        int pos = FIXED_SIZE + 4 * cc;
        if (pos > len) {
            return -1;
        }
        padding = (b0 & 0x20) != 0;
        marker = (buf[off + 1] & 0x80) != 0;
        payloadType = buf[off + 1] & 0x7f;
        sequenceNumber = u16(buf, off + 2);
        timestamp = u32(buf, off + 4);
        ssrc = u32(buf, off + 8);
        csrcCount = cc;
        for (int i = 0; i < cc; i++) {
            csrcs[i] = u32(buf, off + FIXED_SIZE + 4 * i);
        }
        clearExtensions();
        if ((b0 & 0x10) != 0) {
            if (pos + 4 > len) {
                return -1;
            }
            int profile = u16(buf, off + pos);
            int words = u16(buf, off + pos + 2);
            int start = pos + 4;
            int end = start + 4 * words;
            if (end > len || !readExtensions(buf, off + start, off + end, profile)) {
                return -1;
            }
            pos = end;
        }
        return pos;
    }

    /** Reads a header at the buffer's position without moving it; see {@link #read(byte[], int, int)}. */
    public int read(ByteBuffer buf) {
        if (buf.hasArray()) {
            return read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
        }
        int n = Math.min(buf.remaining(), FIXED_SIZE + 60 + 4 + MAX_EXTENSION_BYTES);
        byte[] copy = new byte[n];
        buf.duplicate().get(copy);
        return read(copy, 0, n);
    }

    private boolean readExtensions(byte[] buf, int start, int end, int profile) {
        hasExtension = true;
        extensionProfile = profile;
        boolean oneByte = profile == ONE_BYTE_PROFILE;
        boolean twoByte = (profile & 0xfff0) == TWO_BYTE_PROFILE;
        if (!oneByte && !twoByte) {
            // Unknown profile: keep the block as opaque bytes so it can be written back unchanged.
            return copyRawExtension(buf, start, end);
        }
        int p = start;
        while (p < end) {
            int id;
            int length;
            if (oneByte) {
                int b = buf[p] & 0xff;
                if (b == 0) {
                    p++;
                    continue; // padding
                }
                id = b >> 4;
                length = (b & 0x0f) + 1;
                if (id == 15) {
                    return true; // reserved id: stop parsing (RFC 8285 section 4.2)
                }
                p++;
            } else {
                id = buf[p] & 0xff;
                if (id == 0) {
                    p++;
                    continue;
                }
                if (p + 1 >= end) {
                    return false;
                }
                length = buf[p + 1] & 0xff;
                p += 2;
            }
            if (p + length > end || extensionCount == MAX_EXTENSIONS || extDataLength + length > MAX_EXTENSION_BYTES) {
                return false;
            }
            putElement(id, buf, p, length);
            p += length;
        }
        return true;
    }

    private boolean copyRawExtension(byte[] buf, int start, int end) {
        int length = end - start;
        if (length > MAX_EXTENSION_BYTES) {
            return false;
        }
        System.arraycopy(buf, start, extData, 0, length);
        extDataLength = length;
        return true;
    }

    private void putElement(int id, byte[] src, int off, int length) {
        extIds[extensionCount] = id;
        extOffsets[extensionCount] = extDataLength;
        extLengths[extensionCount] = length;
        System.arraycopy(src, off, extData, extDataLength, length);
        extDataLength += length;
        extensionCount++;
    }

    /**
     * Adds (or replaces) a header extension element. Ids 1-14 with 1-16 bytes use the one-byte form; anything else
     * switches the whole block to the two-byte form (ids 1-255, 0-255 bytes), which the peer must have agreed to
     * ({@code a=extmap-allow-mixed}).
     */
    public RtpHeader setExtension(int id, byte[] data, int off, int length) {
        if (id < 1 || id > 255 || length < 0 || length > 255) {
            throw new IllegalArgumentException("extension id " + id + " length " + length);
        }
        removeExtension(id);
        if (extensionCount == MAX_EXTENSIONS || extDataLength + length > MAX_EXTENSION_BYTES) {
            throw new IllegalStateException("too many header extensions");
        }
        if (hasExtension && extensionProfile != ONE_BYTE_PROFILE && (extensionProfile & 0xfff0) != TWO_BYTE_PROFILE) {
            extDataLength = 0; // drop an opaque block of another profile
        }
        hasExtension = true;
        extensionProfile = ONE_BYTE_PROFILE;
        putElement(id, data, off, length);
        return this;
    }

    /** Removes the extension element with this id, if present. */
    public RtpHeader removeExtension(int id) {
        for (int i = 0; i < extensionCount; i++) {
            if (extIds[i] == id) {
                // Data stays in the buffer until clearExtensions(); only the index entry goes.
                System.arraycopy(extIds, i + 1, extIds, i, extensionCount - i - 1);
                System.arraycopy(extOffsets, i + 1, extOffsets, i, extensionCount - i - 1);
                System.arraycopy(extLengths, i + 1, extLengths, i, extensionCount - i - 1);
                extensionCount--;
                hasExtension = extensionCount > 0;
                return this;
            }
        }
        return this;
    }

    /** The number of parsed or added extension elements. */
    public int extensionCount() {
        return extensionCount;
    }

    /** The length of the element with this id, or -1 if absent. */
    public int extensionLength(int id) {
        int i = indexOf(id);
        return i < 0 ? -1 : extLengths[i];
    }

    /** Copies the element with this id into {@code dst}; returns its length, or -1 if absent. */
    public int extension(int id, byte[] dst, int off) {
        int i = indexOf(id);
        if (i < 0) {
            return -1;
        }
        System.arraycopy(extData, extOffsets[i], dst, off, extLengths[i]);
        return extLengths[i];
    }

    /** The element with this id as a big-endian unsigned number (for up to 8 bytes), or -1 if absent. */
    public long extensionValue(int id) {
        int i = indexOf(id);
        if (i < 0) {
            return -1;
        }
        long v = 0;
        for (int k = 0; k < Math.min(8, extLengths[i]); k++) {
            v = (v << 8) | (extData[extOffsets[i] + k] & 0xff);
        }
        return v;
    }

    private int indexOf(int id) {
        for (int i = 0; i < extensionCount; i++) {
            if (extIds[i] == id) {
                return i;
            }
        }
        return -1;
    }

    private boolean needsTwoByteForm() {
        for (int i = 0; i < extensionCount; i++) {
            if (extIds[i] > 14 || extLengths[i] < 1 || extLengths[i] > 16) {
                return true;
            }
        }
        return false;
    }

    private boolean opaqueExtension() {
        return hasExtension && extensionProfile != ONE_BYTE_PROFILE && (extensionProfile & 0xfff0) != TWO_BYTE_PROFILE;
    }

    /** The serialised size of this header. */
    public int size() {
        int n = FIXED_SIZE + 4 * csrcCount;
        if (opaqueExtension()) {
            return n + 4 + extDataLength;
        }
        if (extensionCount == 0) {
            return n;
        }
        boolean twoByte = needsTwoByteForm();
        int body = 0;
        for (int i = 0; i < extensionCount; i++) {
            body += (twoByte ? 2 : 1) + extLengths[i];
        }
        return n + 4 + ((body + 3) & ~3);
    }

    /**
     * Writes this header to {@code buf} at {@code off}.
     *
     * @return the number of bytes written ({@link #size()})
     * @throws IndexOutOfBoundsException if the header does not fit
     */
    public int write(byte[] buf, int off) {
        int size = size();
        if (off < 0 || off + size > buf.length) {
            throw new IndexOutOfBoundsException("RTP header of " + size + " bytes does not fit at " + off);
        }
        boolean ext = opaqueExtension() || extensionCount > 0;
        buf[off] = (byte) (0x80 | (padding ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcCount);
        buf[off + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        put16(buf, off + 2, sequenceNumber);
        put32(buf, off + 4, timestamp);
        put32(buf, off + 8, ssrc);
        int p = off + FIXED_SIZE;
        for (int i = 0; i < csrcCount; i++, p += 4) {
            put32(buf, p, csrcs[i]);
        }
        if (!ext) {
            return size;
        }
        int end = off + size;
        if (opaqueExtension()) {
            put16(buf, p, extensionProfile);
            put16(buf, p + 2, extDataLength / 4);
            System.arraycopy(extData, 0, buf, p + 4, extDataLength);
            return size;
        }
        boolean twoByte = needsTwoByteForm();
        put16(buf, p, twoByte ? TWO_BYTE_PROFILE : ONE_BYTE_PROFILE);
        put16(buf, p + 2, (end - p - 4) / 4);
        p += 4;
        for (int i = 0; i < extensionCount; i++) {
            if (twoByte) {
                buf[p++] = (byte) extIds[i];
                buf[p++] = (byte) extLengths[i];
            } else {
                buf[p++] = (byte) ((extIds[i] << 4) | (extLengths[i] - 1));
            }
            System.arraycopy(extData, extOffsets[i], buf, p, extLengths[i]);
            p += extLengths[i];
        }
        while (p < end) {
            buf[p++] = 0;
        }
        return size;
    }

    /** Writes this header at the buffer's position and advances it. */
    public int write(ByteBuffer buf) {
        int size = size();
        if (buf.hasArray()) {
            write(buf.array(), buf.arrayOffset() + buf.position());
        } else {
            byte[] tmp = new byte[size];
            write(tmp, 0);
            buf.duplicate().put(tmp);
        }
        buf.position(buf.position() + size);
        return size;
    }

    public boolean padding() {
        return padding;
    }

    public RtpHeader padding(boolean padding) {
        this.padding = padding;
        return this;
    }

    public boolean marker() {
        return marker;
    }

    public RtpHeader marker(boolean marker) {
        this.marker = marker;
        return this;
    }

    public int payloadType() {
        return payloadType;
    }

    public RtpHeader payloadType(int payloadType) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType);
        }
        this.payloadType = payloadType;
        return this;
    }

    /** The sequence number, 0-65535. */
    public int sequenceNumber() {
        return sequenceNumber;
    }

    /** Sets the sequence number; only the low 16 bits are kept. */
    public RtpHeader sequenceNumber(int sequenceNumber) {
        this.sequenceNumber = sequenceNumber & 0xffff;
        return this;
    }

    /** The timestamp as an unsigned 32-bit value. */
    public long timestamp() {
        return timestamp;
    }

    /** Sets the timestamp; only the low 32 bits are kept, so a media clock may be passed as is. */
    public RtpHeader timestamp(long timestamp) {
        this.timestamp = timestamp & 0xffffffffL;
        return this;
    }

    /** The SSRC as an unsigned 32-bit value. */
    public long ssrc() {
        return ssrc;
    }

    public RtpHeader ssrc(long ssrc) {
        this.ssrc = ssrc & 0xffffffffL;
        return this;
    }

    public int csrcCount() {
        return csrcCount;
    }

    public long csrc(int i) {
        if (i >= csrcCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return csrcs[i];
    }

    /** Appends a contributing source (at most 15). */
    public RtpHeader addCsrc(long csrc) {
        if (csrcCount == 15) {
            throw new IllegalStateException("at most 15 CSRCs");
        }
        csrcs[csrcCount++] = csrc & 0xffffffffL;
        return this;
    }

    /** Whether the header has an extension block (of any profile). */
    public boolean hasExtension() {
        return opaqueExtension() || extensionCount > 0;
    }

    /** The extension block's profile ({@code 0xBEDE}, {@code 0x100x} or another), 0 when there is none. */
    public int extensionProfile() {
        return hasExtension() ? extensionProfile : 0;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    @Override
    public String toString() {
        return "RTP[pt=" + payloadType + ", seq=" + sequenceNumber + ", ts=" + timestamp + ", ssrc=" + ssrc
                + (marker ? ", M" : "") + (csrcCount > 0 ? ", csrc=" + csrcCount : "")
                + (hasExtension() ? ", ext=" + extensionCount : "") + "]";
    }
}
