package io.sightline.source.ffmpeg.internal;

/**
 * An MPEG-TS demuxer (ISO/IEC 13818-1) for live feeds, fed with bytes as they come off the transport: finds the
 * first program through the PAT and PMT, follows its first video and first audio elementary stream and hands out
 * each PES packet's payload the moment it is known to be complete. No threads, no FFmpeg: what bytes and arrival
 * times go in fully determines what comes out.
 *
 * <p>When a PES is complete (section 2.4.3.7): with a {@code PES_packet_length}, when that many bytes arrived.
 * Video PES packets have no length (0: "unbounded", what FFmpeg's and GStreamer's muxers write for video), and the
 * standard only ends them at the next {@code payload_unit_start_indicator} of the PID, one frame interval later.
 * But a PES must start in a new TS packet, so a muxer fills the last TS packet of a PES that does not end on a
 * 184-byte boundary with adaptation-field stuffing (0xFF bytes after the adaptation field's flagged fields): such a
 * packet ends its PES here, at once ({@link End#STUFFING}). A last packet that the PES fills exactly carries no
 * stuffing; that PES ends at the next start ({@link End#NEXT_START}), as with FFmpeg's demuxer. Should a stream ever
 * continue a PES after a stuffed packet (a muxer that stuffs mid-PES), the unit handed out was cut short: the rest is
 * dropped, counted ({@link #stuffingMisses()}) and the PID goes back to ending at the next start for good.
 *
 * <p>Damage: a TS packet without the sync byte makes the demuxer search for sync again; a continuity-counter gap on
 * a followed PID drops the PES in progress ({@link #damagedUnits()}); PSI sections with a bad CRC are ignored. A PES
 * longer than {@link #MAX_PES_BYTES} is dropped. Not thread-safe.
 */
final class MpegTsDemuxer {
    static final int PACKET = 188;
    static final int MAX_PES_BYTES = 8 << 20;
    /** Stream types (ISO/IEC 13818-1 table 2-34) this class names; the listener decides what it can carry. */
    static final int STREAM_H264 = 0x1B;
    static final int STREAM_AAC_ADTS = 0x0F;
    static final int STREAM_PRIVATE = 0x06;
    private static final int NULL_PID = 0x1FFF;

    /** Why a PES was handed out when it was. */
    enum End {
        /** Its {@code PES_packet_length} was reached. */
        LENGTH,
        /** The TS packet carrying its last bytes was padded with adaptation-field stuffing. */
        STUFFING,
        /** The next PES of the PID started (the unit waited for it). */
        NEXT_START
    }

    /** What the demuxer hands out. Called on the feeding thread. */
    interface Listener {
        /**
         * The program's elementary streams, at the first PMT and whenever they change.
         *
         * @param videoType stream type of the first video stream, or -1
         * @param audioType stream type of the first audio stream, or -1; {@code Opus} registration is reported as
         *                  {@link MpegTsDemuxer#STREAM_PRIVATE} with {@code opus} true
         */
        void program(int videoType, int audioType, boolean opus);

        /**
         * One complete PES payload. The array is the demuxer's and valid only during the call.
         *
         * @param pts90k       the PES's presentation time (33 bits, 90 kHz) or -1 when it has none
         * @param arrivalNanos when the bytes holding the PES's last TS packet were fed
         */
        void pes(boolean video, byte[] data, int length, long pts90k, long arrivalNanos, End end);
    }

    private final Listener listener;
    private final byte[] partial = new byte[PACKET];
    private int partialLength;
    private final Section pat = new Section();
    private final Section pmt = new Section();
    private int pmtPid = -1;
    private int pcrPid = -1;
    private final Pes video = new Pes(true);
    private final Pes audio = new Pes(false);
    private int videoType = -1;
    private int audioType = -1;
    private boolean audioOpus;
    private boolean announced;
    private long syncLosses;
    private long damagedUnits;
    private long stuffingMisses;
    private final long[] ends = new long[End.values().length];

    MpegTsDemuxer(Listener listener) {
        this.listener = listener;
    }

    /** Feeds bytes as read; a TS packet split across reads is completed by the next. */
    void feed(byte[] data, int offset, int length, long arrivalNanos) {
        int p = offset;
        int end = offset + length;
        if (partialLength > 0) {
            int take = Math.min(PACKET - partialLength, end - p);
            System.arraycopy(data, p, partial, partialLength, take);
            partialLength += take;
            p += take;
            if (partialLength < PACKET) {
                return;
            }
            partialLength = 0;
            if (partial[0] == 0x47) {
                packet(partial, 0, arrivalNanos);
            } else {
                syncLosses++;
            }
        }
        while (p < end) {
            if (data[p] != 0x47) {
                // Lost sync: the next sync byte that is followed by another one a packet later (or ends the data).
                syncLosses++;
                p = resync(data, p + 1, end);
                continue;
            }
            if (end - p < PACKET) {
                System.arraycopy(data, p, partial, 0, end - p);
                partialLength = end - p;
                return;
            }
            packet(data, p, arrivalNanos);
            p += PACKET;
        }
    }

    private static int resync(byte[] data, int from, int end) {
        for (int i = from; i < end; i++) {
            if (data[i] == 0x47 && (i + PACKET >= end || data[i + PACKET] == 0x47)) {
                return i;
            }
        }
        return end;
    }

    private void packet(byte[] b, int p, long arrivalNanos) {
        boolean error = (b[p + 1] & 0x80) != 0;
        boolean start = (b[p + 1] & 0x40) != 0;
        int pid = ((b[p + 1] & 0x1F) << 8) | (b[p + 2] & 0xFF);
        int control = (b[p + 3] >> 4) & 0x3;
        int cc = b[p + 3] & 0xF;
        if (pid == NULL_PID || control == 0) {
            return;
        }
        int payload = p + 4;
        boolean stuffed = false;
        if ((control & 0x2) != 0) {
            int afLength = b[p + 4] & 0xFF;
            if (afLength > 183) {
                return; // malformed: dropped
            }
            stuffed = afLength > 0 && afLength > usedAdaptationBytes(b, p + 5, afLength);
            payload = p + 5 + afLength;
        }
        int payloadLength = (control & 0x1) != 0 ? p + PACKET - payload : 0;
        if (pid == 0) {
            pat.add(b, payload, payloadLength, start, this::pat);
        } else if (pid == pmtPid) {
            pmt.add(b, payload, payloadLength, start, this::pmt);
        } else if (pid == video.pid) {
            video.packet(b, payload, payloadLength, start, cc, error, stuffed, arrivalNanos);
        } else if (pid == audio.pid) {
            audio.packet(b, payload, payloadLength, start, cc, error, stuffed, arrivalNanos);
        }
    }

    /**
     * How many bytes of an adaptation field (after its length byte) the flagged fields use (2.4.3.4); anything after
     * them is stuffing. Unknown or inconsistent fields count as using the whole field (no stuffing assumed).
     */
    private static int usedAdaptationBytes(byte[] b, int p, int afLength) {
        int flags = b[p] & 0xFF;
        int used = 1;
        if ((flags & 0x10) != 0) {
            used += 6; // PCR
        }
        if ((flags & 0x08) != 0) {
            used += 6; // OPCR
        }
        if ((flags & 0x04) != 0) {
            used += 1; // splice countdown
        }
        if ((flags & 0x02) != 0) {
            if (used >= afLength) {
                return afLength;
            }
            used += 1 + (b[p + used] & 0xFF); // transport private data
        }
        if ((flags & 0x01) != 0) {
            if (used >= afLength) {
                return afLength;
            }
            used += 1 + (b[p + used] & 0xFF); // adaptation field extension
        }
        return Math.min(used, afLength);
    }

    private void pat(byte[] s, int length) {
        if (s[0] != 0x00) {
            return;
        }
        for (int i = 8; i + 4 <= length - 4; i += 4) {
            int program = ((s[i] & 0xFF) << 8) | (s[i + 1] & 0xFF);
            int pid = ((s[i + 2] & 0x1F) << 8) | (s[i + 3] & 0xFF);
            if (program != 0) { // 0 is the network PID
                if (pid != pmtPid) {
                    pmtPid = pid;
                    pmt.reset();
                }
                return;
            }
        }
    }

    private void pmt(byte[] s, int length) {
        if (s[0] != 0x02 || length < 16) {
            return;
        }
        pcrPid = ((s[8] & 0x1F) << 8) | (s[9] & 0xFF);
        int infoLength = ((s[10] & 0x0F) << 8) | (s[11] & 0xFF);
        int i = 12 + infoLength;
        int vPid = -1;
        int vType = -1;
        int aPid = -1;
        int aType = -1;
        boolean opus = false;
        while (i + 5 <= length - 4) {
            int type = s[i] & 0xFF;
            int pid = ((s[i + 1] & 0x1F) << 8) | (s[i + 2] & 0xFF);
            int esInfo = ((s[i + 3] & 0x0F) << 8) | (s[i + 4] & 0xFF);
            int descriptors = i + 5;
            i = descriptors + esInfo;
            if (i > length - 4) {
                break;
            }
            if (vPid < 0 && isVideo(type)) {
                vPid = pid;
                vType = type;
            } else if (aPid < 0 && isAudio(type)) {
                aPid = pid;
                aType = type;
            } else if (aPid < 0 && type == STREAM_PRIVATE && registers(s, descriptors, i, "Opus")) {
                aPid = pid;
                aType = type;
                opus = true;
            }
        }
        if (announced && vPid == video.pid && aPid == audio.pid && vType == videoType && aType == audioType) {
            return;
        }
        video.follow(vPid);
        audio.follow(aPid);
        videoType = vType;
        audioType = aType;
        audioOpus = opus;
        announced = true;
        listener.program(vType, aType, opus);
    }

    private static boolean isVideo(int type) {
        return switch (type) {
            case 0x01, 0x02, 0x10, 0x1B, 0x24, 0x42, 0xEA -> true; // MPEG-1/2, MPEG-4, H.264, HEVC, CAVS, VC-1
            default -> false;
        };
    }

    private static boolean isAudio(int type) {
        return switch (type) {
            case 0x03, 0x04, 0x0F, 0x11, 0x81, 0x87 -> true; // MPEG audio, AAC ADTS, AAC LATM, AC-3, E-AC-3
            default -> false;
        };
    }

    /** Whether the descriptors in [from, to) hold a registration descriptor (tag 5) with this format identifier. */
    private static boolean registers(byte[] s, int from, int to, String id) {
        int i = from;
        while (i + 2 <= to) {
            int tag = s[i] & 0xFF;
            int len = s[i + 1] & 0xFF;
            if (i + 2 + len > to) {
                return false;
            }
            if (tag == 0x05 && len >= 4 && s[i + 2] == id.charAt(0) && s[i + 3] == id.charAt(1)
                    && s[i + 4] == id.charAt(2) && s[i + 5] == id.charAt(3)) {
                return true;
            }
            i += 2 + len;
        }
        return false;
    }

    /** The followed video PID, -1 before the PMT or when the program has no video. */
    int videoPid() {
        return video.pid;
    }

    /** PES units handed out so far for each {@link End}, in the enum's order. */
    long[] ends() {
        return ends.clone();
    }

    long damagedUnits() {
        return damagedUnits;
    }

    long stuffingMisses() {
        return stuffingMisses;
    }

    long syncLosses() {
        return syncLosses;
    }

    /** One PSI table's sections as they come in, possibly over several TS packets (section 2.4.4). */
    private static final class Section {
        private final byte[] data = new byte[1024 + 3];
        private int length;
        private int expected = -1;

        void reset() {
            expected = -1;
            length = 0;
        }

        interface Handler {
            void section(byte[] section, int length);
        }

        void add(byte[] b, int p, int n, boolean start, Handler handler) {
            if (n <= 0) {
                return;
            }
            if (start) {
                int pointer = b[p] & 0xFF;
                if (pointer + 1 > n) {
                    reset();
                    return;
                }
                p += 1 + pointer;
                n -= 1 + pointer;
                length = 0;
                expected = 0;
            } else if (expected < 0) {
                return; // not started
            }
            int take = Math.min(n, data.length - length);
            System.arraycopy(b, p, data, length, take);
            length += take;
            if (expected == 0 && length >= 3) {
                expected = 3 + (((data[1] & 0x0F) << 8) | (data[2] & 0xFF));
                if (expected > data.length || expected < 12 || data[0] == (byte) 0xFF) {
                    reset(); // too long for a PAT/PMT, or only stuffing
                    return;
                }
            }
            if (expected > 0 && length >= expected) {
                int sectionLength = expected;
                reset();
                if (Crc32Mpeg.of(data, 0, sectionLength) == 0) {
                    handler.section(data, sectionLength);
                }
            }
        }
    }

    /** One followed elementary stream: its PES packet being collected. */
    private final class Pes {
        private final boolean isVideo;
        private int pid = -1;
        private byte[] data = new byte[64 * 1024];
        private int length;
        private boolean collecting;
        private int expected; // payload bytes announced by PES_packet_length, 0 when unbounded
        private long pts;
        private long lastArrival;
        private int lastCc = -1;
        private boolean stuffingTrusted = true;
        private boolean endedEarly;

        Pes(boolean isVideo) {
            this.isVideo = isVideo;
        }

        void follow(int newPid) {
            if (newPid != pid) {
                pid = newPid;
                collecting = false;
                endedEarly = false;
                lastCc = -1;
            }
        }

        void packet(byte[] b, int p, int n, boolean start, int cc, boolean error, boolean stuffed, long arrival) {
            if (n > 0) {
                boolean duplicate = cc == lastCc;
                boolean gap = lastCc >= 0 && !duplicate && cc != ((lastCc + 1) & 0xF);
                lastCc = cc;
                if (duplicate) {
                    return; // a repeated packet (2.4.3.3): same payload again
                }
                if (gap || error) {
                    if (collecting) {
                        damagedUnits++;
                        collecting = false;
                    }
                    endedEarly = false;
                    if (!start) {
                        return;
                    }
                }
            }
            if (start) {
                if (collecting) {
                    emit(End.NEXT_START);
                }
                endedEarly = false;
                begin(b, p, n, arrival);
            } else if (n > 0) {
                if (endedEarly) {
                    // The muxer went on after a stuffed packet: the unit handed out was cut short.
                    stuffingMisses++;
                    stuffingTrusted = false;
                    endedEarly = false;
                    return;
                }
                if (!collecting) {
                    return;
                }
                append(b, p, n, arrival);
            }
            if (collecting) {
                if (expected > 0 && length >= expected) {
                    length = expected;
                    emit(End.LENGTH);
                } else if (expected == 0 && stuffed && n > 0 && stuffingTrusted) {
                    // n > 0: a packet with only an adaptation field (a PCR between pictures) ends nothing.
                    emit(End.STUFFING);
                    endedEarly = true;
                }
            }
        }

        private void begin(byte[] b, int p, int n, long arrival) {
            // PES header (2.4.3.6): 00 00 01, stream_id, PES_packet_length, then the optional header.
            if (n < 9 || b[p] != 0 || b[p + 1] != 0 || b[p + 2] != 1) {
                collecting = false;
                return;
            }
            int packetLength = ((b[p + 4] & 0xFF) << 8) | (b[p + 5] & 0xFF);
            int headerLength = b[p + 8] & 0xFF;
            if ((b[p + 6] & 0xC0) != 0x80 || 9 + headerLength > n) {
                collecting = false; // no optional header (not audio/video) or a header split over packets
                return;
            }
            pts = -1;
            if ((b[p + 7] & 0x80) != 0 && headerLength >= 5) {
                int q = p + 9;
                pts = ((long) (b[q] & 0x0E) << 29) | ((b[q + 1] & 0xFFL) << 22) | ((b[q + 2] & 0xFEL) << 14)
                        | ((b[q + 3] & 0xFFL) << 7) | ((b[q + 4] & 0xFEL) >> 1);
            }
            expected = packetLength == 0 ? 0 : packetLength - 3 - headerLength;
            if (packetLength != 0 && expected <= 0) {
                collecting = false;
                return;
            }
            length = 0;
            collecting = true;
            append(b, p + 9 + headerLength, n - 9 - headerLength, arrival);
        }

        private void append(byte[] b, int p, int n, long arrival) {
            lastArrival = arrival;
            if (length + n > data.length) {
                if (length + n > MAX_PES_BYTES) {
                    damagedUnits++;
                    collecting = false;
                    return;
                }
                data = java.util.Arrays.copyOf(data, Math.min(MAX_PES_BYTES, Math.max(2 * data.length, length + n)));
            }
            System.arraycopy(b, p, data, length, n);
            length += n;
        }

        private void emit(End why) {
            collecting = false;
            ends[why.ordinal()]++;
            if (length > 0) {
                listener.pes(isVideo, data, length, pts, lastArrival, why);
            }
        }
    }
}
