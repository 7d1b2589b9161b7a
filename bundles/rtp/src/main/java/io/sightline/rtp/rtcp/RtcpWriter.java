package io.sightline.rtp.rtcp;

import java.nio.charset.StandardCharsets;

/**
 * Writes RTCP packets: what a media sender emits (sender reports, SDES CNAME, BYE; RFC 3550 section 6) and what a
 * media receiver sends back (receiver reports, generic NACK and PLI of RFC 4585, REMB). Each method writes one packet
 * into a caller-provided array and returns its length; concatenate them into a compound packet (a report first, as
 * RFC 3550 section 6.1 asks).
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

    /** Size of a receiver report with one report block. */
    public static final int RECEIVER_REPORT_SIZE = 32;
    /** Size of a picture loss indication. */
    public static final int PLI_SIZE = 12;

    /**
     * A receiver report with one report block (RFC 3550 section 6.4.2) about {@code mediaSsrc}.
     *
     * @param fractionLost       lost fraction since the last report, 0..255 (fixed point /256)
     * @param cumulativeLost     packets lost since the start (24 bits kept, clamped)
     * @param highestSequence    extended highest sequence number received (cycles in the upper 16 bits)
     * @param jitter             interarrival jitter in RTP timestamp units
     * @param lastSenderReport   middle 32 bits of the NTP time of the last sender report received, or 0
     * @param delaySinceLastSr   delay since that report in 1/65536 s, or 0
     */
    public static int writeReceiverReport(byte[] buf, int off, long senderSsrc, long mediaSsrc, int fractionLost,
            long cumulativeLost, long highestSequence, long jitter, long lastSenderReport, long delaySinceLastSr) {
        check(buf, off, RECEIVER_REPORT_SIZE);
        buf[off] = (byte) 0x81;
        buf[off + 1] = (byte) RtcpParser.RR;
        put16(buf, off + 2, RECEIVER_REPORT_SIZE / 4 - 1);
        put32(buf, off + 4, senderSsrc);
        put32(buf, off + 8, mediaSsrc);
        long lost = Math.max(-0x800000L, Math.min(0x7fffffL, cumulativeLost));
        put32(buf, off + 12, ((long) (fractionLost & 0xff) << 24) | (lost & 0xffffff));
        put32(buf, off + 16, highestSequence);
        put32(buf, off + 20, jitter);
        put32(buf, off + 24, lastSenderReport);
        put32(buf, off + 28, delaySinceLastSr);
        return RECEIVER_REPORT_SIZE;
    }

    /** A picture loss indication (RFC 4585 section 6.3.1): asks the sender of {@code mediaSsrc} for a keyframe. */
    public static int writePli(byte[] buf, int off, long senderSsrc, long mediaSsrc) {
        check(buf, off, PLI_SIZE);
        buf[off] = (byte) 0x81; // FMT 1
        buf[off + 1] = (byte) RtcpParser.PSFB;
        put16(buf, off + 2, PLI_SIZE / 4 - 1);
        put32(buf, off + 4, senderSsrc);
        put32(buf, off + 8, mediaSsrc);
        return PLI_SIZE;
    }

    /**
     * A generic NACK (RFC 4585 section 6.2.1) for {@code count} sequence numbers of {@code mediaSsrc}, in the order
     * given (ascending, modulo 2^16): each run of up to 17 numbers within 16 of its first becomes one PID/BLP entry.
     *
     * @return the packet length, 0 when {@code count} is 0
     */
    public static int writeNack(byte[] buf, int off, long senderSsrc, long mediaSsrc, int[] sequences, int count) {
        if (count == 0) {
            return 0;
        }
        check(buf, off, 12 + 4 * count);
        int entries = 0;
        int pid = -1;
        int blp = 0;
        for (int i = 0; i < count; i++) {
            int seq = sequences[i] & 0xffff;
            int delta = pid < 0 ? 0 : (seq - pid) & 0xffff;
            if (pid >= 0 && delta >= 1 && delta <= 16) {
                blp |= 1 << (delta - 1);
                continue;
            }
            if (pid >= 0) {
                put16(buf, off + 12 + 4 * entries, pid);
                put16(buf, off + 14 + 4 * entries, blp);
                entries++;
            }
            pid = seq;
            blp = 0;
        }
        put16(buf, off + 12 + 4 * entries, pid);
        put16(buf, off + 14 + 4 * entries, blp);
        entries++;
        int size = 12 + 4 * entries;
        buf[off] = (byte) 0x81; // FMT 1
        buf[off + 1] = (byte) RtcpParser.RTPFB;
        put16(buf, off + 2, size / 4 - 1);
        put32(buf, off + 4, senderSsrc);
        put32(buf, off + 8, mediaSsrc);
        return size;
    }

    /**
     * A receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03) for the listed media SSRCs: tells a
     * sender without other congestion feedback how much it may send.
     */
    public static int writeRemb(byte[] buf, int off, long senderSsrc, long bitrateBps, long... mediaSsrcs) {
        int size = 20 + 4 * mediaSsrcs.length;
        check(buf, off, size);
        int exp = 0;
        long mantissa = Math.max(0, bitrateBps);
        while (mantissa > 0x3ffff) {
            mantissa >>= 1;
            exp++;
        }
        buf[off] = (byte) 0x8f; // FMT 15: application layer feedback
        buf[off + 1] = (byte) RtcpParser.PSFB;
        put16(buf, off + 2, size / 4 - 1);
        put32(buf, off + 4, senderSsrc);
        put32(buf, off + 8, 0);
        buf[off + 12] = 'R';
        buf[off + 13] = 'E';
        buf[off + 14] = 'M';
        buf[off + 15] = 'B';
        buf[off + 16] = (byte) mediaSsrcs.length;
        buf[off + 17] = (byte) ((exp << 2) | (mantissa >>> 16));
        put16(buf, off + 18, (int) (mantissa & 0xffff));
        for (int i = 0; i < mediaSsrcs.length; i++) {
            put32(buf, off + 20 + 4 * i, mediaSsrcs[i]);
        }
        return size;
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
