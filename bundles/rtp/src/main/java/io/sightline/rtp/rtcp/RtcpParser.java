package io.sightline.rtp.rtcp;

/**
 * Parses compound (or reduced-size, RFC 5506) RTCP packets from a viewer and reports their content to an
 * {@link RtcpHandler}. Stateless and allocation-free except for the items handed to the handler.
 */
public final class RtcpParser {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int RTPFB = 205;
    public static final int PSFB = 206;

    private static final int NACK = 1;
    private static final int TRANSPORT_CC = 15;
    private static final int PLI = 1;
    private static final int FIR = 4;
    private static final int AFB = 15;
    private static final int REMB_ID = ('R' << 24) | ('E' << 16) | ('M' << 8) | 'B';

    private RtcpParser() {
    }

    /**
     * Parses every packet in {@code buf[off, off+len)}, calling the handler as items are found.
     *
     * @return {@code true} if the whole buffer was well-formed; {@code false} if parsing stopped at a malformed
     *         packet (the items before it were already reported)
     */
    public static boolean parse(byte[] buf, int off, int len, RtcpHandler handler) {
        if (off < 0 || len < 0 || off + len > buf.length) {
            return false;
        }
        int end = off + len;
        int p = off;
        if (p == end) {
            return false;
        }
        while (p < end) {
            if (end - p < 4 || (buf[p] & 0xc0) != 0x80) {
                return false;
            }
            int count = buf[p] & 0x1f;
            int type = buf[p + 1] & 0xff;
            int size = (u16(buf, p + 2) + 1) * 4;
            if (size > end - p) {
                return false;
            }
            int body = size;
            if ((buf[p] & 0x20) != 0) {
                int pad = buf[p + size - 1] & 0xff;
                if (pad == 0 || pad > size - 4) {
                    return false;
                }
                body -= pad;
            }
            if (!parseOne(buf, p, body, type, count, handler)) {
                return false;
            }
            p += size;
        }
        return true;
    }

    private static boolean parseOne(byte[] b, int p, int size, int type, int count, RtcpHandler h) {
        switch (type) {
            case SR:
                return senderReport(b, p, size, count, h);
            case RR:
                return receiverReport(b, p, size, count, h);
            case BYE:
                return bye(b, p, size, count, h);
            case RTPFB:
                return transportFeedback(b, p, size, count, h);
            case PSFB:
                return payloadFeedback(b, p, size, count, h);
            default:
                return true; // SDES, APP, XR and others: not needed by a sender, skipped
        }
    }

    private static boolean senderReport(byte[] b, int p, int size, int count, RtcpHandler h) {
        if (size < 28 + 24 * count) {
            return false;
        }
        long ssrc = u32(b, p + 4);
        long ntp = (u32(b, p + 8) << 32) | u32(b, p + 12);
        h.onSenderReport(ssrc, ntp, u32(b, p + 16), u32(b, p + 20), u32(b, p + 24));
        reportBlocks(b, p + 28, count, ssrc, h);
        return true;
    }

    private static boolean receiverReport(byte[] b, int p, int size, int count, RtcpHandler h) {
        if (size < 8 + 24 * count) {
            return false;
        }
        reportBlocks(b, p + 8, count, u32(b, p + 4), h);
        return true;
    }

    private static void reportBlocks(byte[] b, int p, int count, long sender, RtcpHandler h) {
        for (int i = 0; i < count; i++, p += 24) {
            int lost = (int) (u32(b, p + 4) & 0xffffff);
            if ((lost & 0x800000) != 0) {
                lost |= 0xff000000; // sign-extend the 24-bit cumulative loss
            }
            h.onReportBlock(sender, new ReportBlock(u32(b, p), b[p + 4] & 0xff, lost, u32(b, p + 8),
                    u32(b, p + 12), u32(b, p + 16), u32(b, p + 20)));
        }
    }

    private static boolean bye(byte[] b, int p, int size, int count, RtcpHandler h) {
        if (size < 4 + 4 * count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            h.onBye(u32(b, p + 4 + 4 * i));
        }
        return true;
    }

    private static boolean transportFeedback(byte[] b, int p, int size, int fmt, RtcpHandler h) {
        if (size < 12) {
            return false;
        }
        long sender = u32(b, p + 4);
        long media = u32(b, p + 8);
        if (fmt == NACK) {
            for (int q = p + 12; q + 4 <= p + size; q += 4) {
                int pid = u16(b, q);
                int blp = u16(b, q + 2);
                h.onNack(sender, media, pid);
                for (int bit = 0; bit < 16; bit++) {
                    if ((blp & (1 << bit)) != 0) {
                        h.onNack(sender, media, (pid + bit + 1) & 0xffff);
                    }
                }
            }
            return true;
        }
        if (fmt == TRANSPORT_CC) {
            TransportCcFeedback f = transportCc(b, p, size, sender, media);
            if (f == null) {
                return false;
            }
            h.onTransportCc(f);
            transportCcStatuses(b, p, f, h);
        }
        return true;
    }

    /** Walks the status chunks and receive deltas; null if they do not fit the packet. */
    private static TransportCcFeedback transportCc(byte[] b, int p, int size, long sender, long media) {
        if (size < 20) {
            return null;
        }
        int base = u16(b, p + 12);
        int statusCount = u16(b, p + 14);
        int reference = (int) (u32(b, p + 16) >>> 8);
        if ((reference & 0x800000) != 0) {
            reference |= 0xff000000;
        }
        int feedbackCount = b[p + 19] & 0xff;
        int end = p + size;
        int q = p + 20;
        int seen = 0;
        int received = 0;
        int deltaBytes = 0;
        while (seen < statusCount) {
            if (q + 2 > end) {
                return null;
            }
            int chunk = u16(b, q);
            q += 2;
            if ((chunk & 0x8000) == 0) { // run length chunk
                int symbol = (chunk >> 13) & 0x3;
                int run = Math.min(chunk & 0x1fff, statusCount - seen);
                if (symbol != 0) {
                    received += run;
                    deltaBytes += run * symbol; // small delta 1 byte, large 2
                }
                seen += run;
            } else {
                boolean twoBit = (chunk & 0x4000) != 0;
                int symbols = twoBit ? 7 : 14;
                for (int i = 0; i < symbols && seen < statusCount; i++, seen++) {
                    int symbol = twoBit ? (chunk >> (12 - 2 * i)) & 0x3 : (chunk >> (13 - i)) & 0x1;
                    if (symbol != 0) {
                        received++;
                        deltaBytes += symbol;
                    }
                }
            }
        }
        if (q + deltaBytes > end) {
            return null;
        }
        return new TransportCcFeedback(sender, media, base, statusCount, reference, feedbackCount, received,
                statusCount - received);
    }

    /**
     * Reports each packet's status of a transport-wide feedback packet that {@link #transportCc} accepted, and the
     * arrival time of each received one: the reference time plus the receive deltas up to it (section 3.1.5).
     */
    private static void transportCcStatuses(byte[] b, int p, TransportCcFeedback f, RtcpHandler h) {
        int base = f.baseSequence();
        int count = f.statusCount();
        int d = chunksEnd(b, p + 20, count); // the receive deltas follow the last status chunk
        long arrival = f.referenceTimeMicros();
        int q = p + 20;
        int seen = 0;
        while (seen < count) {
            int chunk = u16(b, q);
            q += 2;
            if ((chunk & 0x8000) == 0) {
                int symbol = (chunk >> 13) & 0x3;
                int run = Math.min(chunk & 0x1fff, count - seen);
                for (int i = 0; i < run; i++, seen++) {
                    int seq = (base + seen) & 0xffff;
                    h.onTransportCcStatus(seq, symbol != 0);
                    if (symbol != 0) {
                        arrival += delta(b, d, symbol);
                        d += symbol;
                        h.onTransportCcArrival(seq, arrival);
                    }
                }
            } else {
                boolean twoBit = (chunk & 0x4000) != 0;
                int symbols = twoBit ? 7 : 14;
                for (int i = 0; i < symbols && seen < count; i++, seen++) {
                    int symbol = twoBit ? (chunk >> (12 - 2 * i)) & 0x3 : (chunk >> (13 - i)) & 0x1;
                    int seq = (base + seen) & 0xffff;
                    h.onTransportCcStatus(seq, symbol != 0);
                    if (symbol != 0) {
                        arrival += delta(b, d, symbol);
                        d += symbol;
                        h.onTransportCcArrival(seq, arrival);
                    }
                }
            }
        }
    }

    /** Where the status chunks covering {@code count} packets end (they were checked to fit). */
    private static int chunksEnd(byte[] b, int q, int count) {
        int seen = 0;
        while (seen < count) {
            int chunk = u16(b, q);
            q += 2;
            if ((chunk & 0x8000) == 0) {
                seen += Math.min(chunk & 0x1fff, count - seen);
            } else {
                seen += (chunk & 0x4000) != 0 ? 7 : 14;
            }
        }
        return q;
    }

    /** One receive delta in microseconds: symbol 1 is an unsigned byte, 2 a signed 16-bit value, of 250 us each. */
    private static long delta(byte[] b, int d, int symbol) {
        return symbol == 1 ? (b[d] & 0xff) * 250L : (short) u16(b, d) * 250L;
    }

    private static boolean payloadFeedback(byte[] b, int p, int size, int fmt, RtcpHandler h) {
        if (size < 12) {
            return false;
        }
        long sender = u32(b, p + 4);
        long media = u32(b, p + 8);
        switch (fmt) {
            case PLI:
                h.onPli(sender, media);
                return true;
            case FIR:
                for (int q = p + 12; q + 8 <= p + size; q += 8) {
                    h.onFir(sender, u32(b, q), b[q + 4] & 0xff);
                }
                return true;
            case AFB:
                return remb(b, p, size, sender, h);
            default:
                return true;
        }
    }

    private static boolean remb(byte[] b, int p, int size, long sender, RtcpHandler h) {
        if (size < 20 || (int) u32(b, p + 12) != REMB_ID) {
            return true; // another application layer feedback: not ours to judge
        }
        int count = b[p + 16] & 0xff;
        if (size < 20 + 4 * count) {
            return false;
        }
        int exponent = (b[p + 17] & 0xff) >> 2;
        long mantissa = ((b[p + 17] & 0x03L) << 16) | u16(b, p + 18);
        long bitrate = exponent > 45 ? Long.MAX_VALUE : mantissa << exponent;
        long[] ssrcs = new long[count];
        for (int i = 0; i < count; i++) {
            ssrcs[i] = u32(b, p + 20 + 4 * i);
        }
        h.onRemb(sender, bitrate, ssrcs);
        return true;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }
}
