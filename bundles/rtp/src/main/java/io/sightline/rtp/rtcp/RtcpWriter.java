package io.sightline.rtp.rtcp;

import java.nio.charset.StandardCharsets;

/**
 * Writes the RTCP packets a media sender emits: sender reports, SDES CNAME and BYE (RFC 3550 section 6). Each
 * method writes one packet into a caller-provided array and returns its length; concatenate them into a compound
 * packet (SR first, then SDES, as RFC 3550 section 6.1 asks).
 */
public final class RtcpWriter {
    /** Size of a sender report without report blocks. */
    public static final int SENDER_REPORT_SIZE = 28;

    private RtcpWriter() {
    }

    /**
     * A sender report without report blocks (we receive no media, so there is nothing to report on).
     *
     * @param ntpTimestamp 64-bit NTP time of this report ({@link NtpTime#fromEpochMillis(long)})
     * @param rtpTimestamp the RTP timestamp corresponding to the same instant, on the stream's media clock
     * @param packetCount  RTP packets sent since the start (low 32 bits kept)
     * @param octetCount   payload octets sent since the start (low 32 bits kept)
     */
    public static int writeSenderReport(byte[] buf, int off, long ssrc, long ntpTimestamp, long rtpTimestamp,
            long packetCount, long octetCount) {
        check(buf, off, SENDER_REPORT_SIZE);
        buf[off] = (byte) 0x80;
        buf[off + 1] = (byte) RtcpParser.SR;
        put16(buf, off + 2, SENDER_REPORT_SIZE / 4 - 1);
        put32(buf, off + 4, ssrc);
        put32(buf, off + 8, ntpTimestamp >>> 32);
        put32(buf, off + 12, ntpTimestamp);
        put32(buf, off + 16, rtpTimestamp);
        put32(buf, off + 20, packetCount);
        put32(buf, off + 24, octetCount);
        return SENDER_REPORT_SIZE;
    }

    /** An SDES packet with one chunk holding the CNAME item (at most 255 UTF-8 bytes). */
    public static int writeSdesCname(byte[] buf, int off, long ssrc, String cname) {
        byte[] text = cname.getBytes(StandardCharsets.UTF_8);
        if (text.length > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes");
        }
        // chunk: SSRC, item type and length, text, then 1-4 zero octets ending the item list on a word boundary
        int chunk = 4 + 2 + text.length;
        chunk += 4 - (chunk % 4);
        int size = 4 + chunk;
        check(buf, off, size);
        buf[off] = (byte) 0x81;
        buf[off + 1] = (byte) RtcpParser.SDES;
        put16(buf, off + 2, size / 4 - 1);
        put32(buf, off + 4, ssrc);
        buf[off + 8] = 1; // CNAME
        buf[off + 9] = (byte) text.length;
        System.arraycopy(text, 0, buf, off + 10, text.length);
        for (int i = off + 10 + text.length; i < off + size; i++) {
            buf[i] = 0;
        }
        return size;
    }

    /** A BYE for one SSRC. */
    public static int writeBye(byte[] buf, int off, long ssrc) {
        check(buf, off, 8);
        buf[off] = (byte) 0x81;
        buf[off + 1] = (byte) RtcpParser.BYE;
        put16(buf, off + 2, 1);
        put32(buf, off + 4, ssrc);
        return 8;
    }

    private static void check(byte[] buf, int off, int size) {
        if (off < 0 || off + size > buf.length) {
            throw new IndexOutOfBoundsException("RTCP packet of " + size + " bytes does not fit at " + off);
        }
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
