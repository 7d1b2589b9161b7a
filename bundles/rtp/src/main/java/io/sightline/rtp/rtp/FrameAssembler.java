package io.sightline.rtp.rtp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the VP8, VP9 and AV1 depacketizers share: the frame buffer, the sequence check, and the rule that a frame is
 * handed out with its marker packet or, if that was lost, damaged with the first packet of the next timestamp. Each
 * codec reads its own payload header in {@link #read} and says in {@link #handOut} whether the frame is a key frame
 * and how large its picture is. Package-private so the public classes keep their API; not thread-safe.
 */
abstract class FrameAssembler {
    static final int MAX_FRAME_BYTES = 8 << 20;

    final Vp8Depacketizer.FrameListener listener;
    byte[] buffer = new byte[64 * 1024];
    int length;
    boolean started;
    boolean damaged;
    long timestamp = -1;
    private int lastSequence = -1;
    private long lostPackets;
    private long latePackets;
    private long malformedPackets;

    FrameAssembler(Vp8Depacketizer.FrameListener listener) {
        this.listener = listener;
    }

    /**
     * Takes one RTP packet's payload (from position to limit; read, never kept).
     *
     * @param sequenceNumber the packet's 16-bit sequence number
     * @param rtpTimestamp   the packet's 32-bit timestamp
     * @param marker         the packet's marker bit (last packet of a frame)
     */
    public void packet(ByteBuffer payload, int sequenceNumber, long rtpTimestamp, boolean marker) {
        if (!inSequence(sequenceNumber)) {
            return;
        }
        if (rtpTimestamp != timestamp) {
            cutShort(); // the marker packet was lost; with nothing pending, a gap stays with the new frame
            timestamp = rtpTimestamp;
        }
        read(payload.duplicate());
        if (marker) {
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

    /** Packets whose payload header was cut short or inconsistent (what that means is the codec's). */
    public long malformedPackets() {
        return malformedPackets;
    }

    /** Reads one packet's payload header and appends its media to the frame. */
    abstract void read(ByteBuffer p);

    /** Hands the frame in {@code buffer} to the listener; {@code whole}: nothing of it was lost or malformed. */
    abstract void handOut(boolean whole);

    /** Whether a frame is in progress that a new timestamp or start bit cuts short. */
    boolean unfinished() {
        return length > 0 || started;
    }

    /** Packets were lost just before this one; the codec drops what they may have continued. */
    void gap() {
    }

    /** The codec's per-frame state, cleared after each frame. */
    void clear() {
    }

    void malformed() {
        malformedPackets++;
        damaged = true;
    }

    /** A new frame begins while one is unfinished: that one is handed out, damaged. */
    final void cutShort() {
        if (unfinished()) {
            damaged = true;
            emit();
        }
    }

    final void emit() {
        if (length > 0 || damaged) {
            handOut(!damaged && started && length > 0);
        }
        length = 0;
        started = false;
        damaged = false;
        clear();
    }

    /** Appends the rest of {@code p} to the frame, or marks it damaged if that would pass the size limit. */
    final void append(ByteBuffer p) {
        int n = p.remaining();
        if (!reserve(n)) {
            damaged = true;
            return;
        }
        p.get(buffer, length, n);
        length += n;
    }

    /** Grows the buffer for {@code n} more bytes; false if the frame would pass the size limit. */
    final boolean reserve(int n) {
        if (length + n > MAX_FRAME_BYTES) {
            return false;
        }
        if (length + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(length + n, buffer.length * 2));
        }
        return true;
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
                gap();
            }
        }
        lastSequence = sequenceNumber & 0xffff;
        return true;
    }
}
