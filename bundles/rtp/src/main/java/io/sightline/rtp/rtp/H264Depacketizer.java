package io.sightline.rtp.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reassembles H.264 access units from RTP payloads (RFC 6184, packetization modes 0 and 1): single NAL unit packets
 * (section 5.6), STAP-A (5.7.1) and FU-A (5.8).
 *
 * <p>An access unit is handed out the moment its last packet arrives: the packet with the marker bit (5.1), or, if a
 * sender leaves the marker out, the first packet of the next timestamp. Waiting for the next access unit instead, as
 * a byte-stream parser must, would hold every picture back by one frame interval; that wait is what this class
 * exists to avoid.
 *
 * <p>Loss: a sequence gap drops the fragmented NAL unit it interrupts (a partial NAL unit only confuses decoders) and
 * marks the access unit {@linkplain AccessUnitListener#accessUnit damaged}; the complete NAL units are still handed
 * out. Packets older than the last one are dropped as late (no reordering: over TCP there is none, and over UDP a
 * reorder window would add the delay this class removes). STAP-B, MTAP and FU-B (interleaved mode) are counted and
 * ignored. Not thread-safe; one per track.
 */
public final class H264Depacketizer {
    /** Receives each access unit, in order. */
    @FunctionalInterface
    public interface AccessUnitListener {
        /**
         * @param nals         the NAL units, without start codes, each in its own buffer that the listener may keep
         * @param rtpTimestamp the access unit's RTP timestamp (90 kHz)
         * @param damaged      whether packets of this access unit were lost
         */
        void accessUnit(List<ByteBuffer> nals, long rtpTimestamp, boolean damaged);
    }

    private static final int STAP_A = 24;
    private static final int FU_A = 28;
    private static final int MAX_NAL_BYTES = 8 << 20;

    private final AccessUnitListener listener;
    private final List<ByteBuffer> nals = new ArrayList<>();
    private byte[] fragment = new byte[64 * 1024];
    private int fragmentLength = -1; // -1: no FU-A in progress
    private long timestamp = -1;
    private int lastSequence = -1;
    private boolean damaged;
    private long lostPackets;
    private long latePackets;
    private long unsupportedPackets;

    public H264Depacketizer(AccessUnitListener listener) {
        this.listener = listener;
    }

    /**
     * Takes one RTP packet's payload (from position to limit; read, never kept).
     *
     * @param sequenceNumber the packet's 16-bit sequence number
     * @param rtpTimestamp   the packet's 32-bit timestamp
     * @param marker         the packet's marker bit
     */
    public void packet(ByteBuffer payload, int sequenceNumber, long rtpTimestamp, boolean marker) {
        if (!inSequence(sequenceNumber)) {
            return;
        }
        if (rtpTimestamp != timestamp) {
            if (!nals.isEmpty() || fragmentLength >= 0) {
                dropFragment();
                emit(); // the sender left the marker out, or the marked packet was lost
            }
            timestamp = rtpTimestamp;
        }
        if (payload.remaining() > 0) {
            read(payload.duplicate());
        }
        if (marker) {
            dropFragment();
            emit();
        }
    }

    /** Packets missing from the sequence so far. */
    public long lostPackets() {
        return lostPackets;
    }

    /** Packets that arrived after a later one and were dropped. */
    public long latePackets() {
        return latePackets;
    }

    /** Packets of types this class does not read (interleaved mode, reserved types). */
    public long unsupportedPackets() {
        return unsupportedPackets;
    }

    private boolean inSequence(int sequenceNumber) {
        if (lastSequence >= 0) {
            int delta = (short) (sequenceNumber - lastSequence - 1);
            if (delta < 0) {
                latePackets++;
                return false;
            }
            if (delta > 0) {
                lostPackets += delta;
                damaged = true;
                dropFragment();
            }
        }
        lastSequence = sequenceNumber & 0xffff;
        return true;
    }

    private void read(ByteBuffer p) {
        int header = p.get(p.position()) & 0xff;
        int type = header & 0x1f;
        if (type >= 1 && type <= 23) {
            nals.add(copy(p, p.remaining()));
        } else if (type == STAP_A) {
            readStapA(p);
        } else if (type == FU_A) {
            readFuA(p, header);
        } else {
            unsupportedPackets++;
        }
    }

    private void readStapA(ByteBuffer p) {
        p.get(); // STAP-A header
        while (p.remaining() >= 2) {
            int size = p.getShort() & 0xffff;
            if (size == 0 || size > p.remaining()) {
                damaged = true; // a malformed aggregate: keep what was whole
                return;
            }
            nals.add(copy(p, size));
        }
    }

    private void readFuA(ByteBuffer p, int indicator) {
        if (p.remaining() < 2) {
            damaged = true;
            return;
        }
        p.get();
        int fuHeader = p.get() & 0xff;
        boolean start = (fuHeader & 0x80) != 0;
        boolean end = (fuHeader & 0x40) != 0;
        if (start) {
            if (fragmentLength >= 0) {
                damaged = true; // the previous fragment's end never came
            }
            fragmentLength = 0;
            append((byte) ((indicator & 0xe0) | (fuHeader & 0x1f)));
        } else if (fragmentLength < 0) {
            return; // the start was lost: nothing to append to
        }
        while (p.hasRemaining() && fragmentLength >= 0) {
            int n = Math.min(p.remaining(), MAX_NAL_BYTES - fragmentLength);
            if (n == 0) {
                damaged = true;
                dropFragment();
                return;
            }
            ensure(fragmentLength + n);
            p.get(fragment, fragmentLength, n);
            fragmentLength += n;
        }
        if (end && fragmentLength > 1) {
            nals.add(ByteBuffer.wrap(Arrays.copyOf(fragment, fragmentLength)));
            fragmentLength = -1;
        }
    }

    private void append(byte b) {
        ensure(fragmentLength + 1);
        fragment[fragmentLength++] = b;
    }

    private void ensure(int size) {
        if (size > fragment.length) {
            fragment = Arrays.copyOf(fragment, Math.max(size, fragment.length * 2));
        }
    }

    private void dropFragment() {
        if (fragmentLength >= 0) {
            damaged = true;
            fragmentLength = -1;
        }
    }

    private void emit() {
        if (!nals.isEmpty()) {
            listener.accessUnit(List.copyOf(nals), timestamp, damaged);
        }
        nals.clear();
        damaged = false;
    }

    private static ByteBuffer copy(ByteBuffer p, int size) {
        byte[] b = new byte[size];
        p.get(b);
        return ByteBuffer.wrap(b);
    }
}
