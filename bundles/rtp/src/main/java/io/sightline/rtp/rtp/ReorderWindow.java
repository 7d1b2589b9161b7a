package io.sightline.rtp.rtp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Puts the RTP packets of one received track back in sequence order before they reach a depacketizer, in a small
 * window: a packet that arrives in order passes at once; one that arrives after a gap waits until the gap is filled
 * (by a late or retransmitted packet) or until the oldest waiting packet has waited {@code maxHoldNanos}, and then
 * the gap is given up as lost. The window bounds both the added delay (only packets behind a gap wait) and the memory
 * (a fixed ring of slots, allocated once).
 *
 * <p>Used by a receiver that NACKs losses: the hold time should cover one retransmission round trip, so that a
 * repaired packet still finds its place. Not thread-safe; one per track, called by the thread that owns it.
 */
public final class ReorderWindow {
    /** Receives the packets in sequence order. */
    @FunctionalInterface
    public interface Output {
        /**
         * One packet's payload (from position to limit; valid only during the call), with its header fields.
         *
         * @param arrivalNanos {@link System#nanoTime()} when the packet came off the socket
         */
        void packet(ByteBuffer payload, int sequenceNumber, long timestamp, boolean marker, long arrivalNanos);
    }

    private final Output output;
    private final long maxHoldNanos;
    private final int mask;
    private final byte[][] payloads;
    private final ByteBuffer[] views;
    private final int[] lengths;
    private final long[] timestamps;
    private final boolean[] markers;
    private final long[] arrivals;
    private final boolean[] present;
    /** Next sequence number to hand out (16 bit), -1 before the first packet. */
    private int next = -1;
    private int buffered;
    private long oldestWaitingNanos;
    private long released;
    private long skipped;
    private long late;
    private long duplicates;

    /**
     * @param capacity     how many packets may wait behind a gap (rounded up to a power of two, at most 32768)
     * @param maxPayload   the largest payload kept (larger ones are dropped as malformed)
     * @param maxHoldNanos how long a packet may wait behind a gap
     */
    public ReorderWindow(int capacity, int maxPayload, long maxHoldNanos, Output output) {
        int size = Integer.highestOneBit(Math.max(2, Math.min(32768, capacity)) * 2 - 1);
        this.mask = size - 1;
        this.maxHoldNanos = maxHoldNanos;
        this.output = output;
        this.payloads = new byte[size][maxPayload];
        this.views = new ByteBuffer[size];
        for (int i = 0; i < size; i++) {
            views[i] = ByteBuffer.wrap(payloads[i]);
        }
        this.lengths = new int[size];
        this.timestamps = new long[size];
        this.markers = new boolean[size];
        this.arrivals = new long[size];
        this.present = new boolean[size];
    }

    /**
     * Takes one packet (its payload {@code packet[offset, offset+length)} is copied) and hands out whatever is now
     * in order.
     */
    public void add(byte[] packet, int offset, int length, int sequenceNumber, long timestamp, boolean marker,
            long arrivalNanos) {
        int seq = sequenceNumber & 0xffff;
        if (length < 0 || length > payloads[0].length) {
            skipped++;
            return;
        }
        if (next < 0) {
            next = seq;
        }
        int ahead = (short) (seq - next);
        if (ahead < 0) {
            late++; // handed out or given up already
            return;
        }
        if (ahead > mask) {
            // Too far ahead for the ring: the sender jumped (or a long outage); give up everything before it.
            while (buffered > 0) {
                skipToBuffered();
                drain();
            }
            skipped += (seq - next) & 0xffff;
            next = seq;
        }
        int slot = seq & mask;
        if (present[slot]) {
            duplicates++;
            return;
        }
        System.arraycopy(packet, offset, payloads[slot], 0, length);
        lengths[slot] = length;
        timestamps[slot] = timestamp;
        markers[slot] = marker;
        arrivals[slot] = arrivalNanos;
        present[slot] = true;
        buffered++;
        drain();
    }

    /** Gives up gaps whose waiting packets have waited too long; call every few milliseconds. */
    public void flush(long nowNanos) {
        while (buffered > 0 && nowNanos - oldestWaitingNanos >= maxHoldNanos) {
            skipToBuffered();
            drain();
        }
    }

    /** Forgets everything (a new sender); the next packet starts the sequence afresh. */
    public void reset() {
        Arrays.fill(present, false);
        buffered = 0;
        next = -1;
    }

    /** Whether packets are waiting behind a gap. */
    public boolean waiting() {
        return buffered > 0;
    }

    /** Packets handed out. */
    public long released() {
        return released;
    }

    /** Sequence numbers given up as lost. */
    public long skipped() {
        return skipped;
    }

    /** Packets that arrived after their place was handed out or given up. */
    public long late() {
        return late;
    }

    /** Packets received twice while waiting. */
    public long duplicates() {
        return duplicates;
    }

    private void drain() {
        while (buffered > 0 && present[next & mask]) {
            int slot = next & mask;
            present[slot] = false;
            buffered--;
            int seq = next;
            next = (next + 1) & 0xffff;
            released++;
            ByteBuffer view = views[slot];
            view.clear().limit(lengths[slot]);
            output.packet(view, seq, timestamps[slot], markers[slot], arrivals[slot]);
        }
        if (buffered > 0) {
            oldestWaitingNanos = oldestArrival();
        }
    }

    /** Moves {@code next} over the gap to the first waiting packet. */
    private void skipToBuffered() {
        while (!present[next & mask]) {
            next = (next + 1) & 0xffff;
            skipped++;
        }
    }

    private long oldestArrival() {
        long oldest = Long.MAX_VALUE;
        boolean found = false;
        for (int i = 0, seen = 0; i <= mask && seen < buffered; i++) {
            int slot = (next + i) & mask;
            if (present[slot]) {
                seen++;
                if (!found || arrivals[slot] - oldest < 0) {
                    oldest = arrivals[slot];
                    found = true;
                }
            }
        }
        return oldest;
    }
}
