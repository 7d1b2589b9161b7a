package io.sightline.rtp.cc;

import java.util.Arrays;

/**
 * Send time and size of the last {@link #SIZE} packets by transport-wide sequence number, so feedback about them can
 * be matched with when they left and how big they were.
 *
 * <p>One writer (the sending thread) and one reader (the feedback thread), without a lock: the reader checks the
 * sequence number before and after reading a slot, so a slot overwritten meanwhile is skipped, not misread.
 */
final class SendHistory {
    /** About 16 s of a 2 Mbit/s stream's packets: far longer than any feedback takes to come back. */
    static final int SIZE = 4096;

    private final int[] sequences = new int[SIZE];
    private final long[] sendMicros = new long[SIZE];
    private final int[] sizes = new int[SIZE];
    /** The probe cluster a packet belonged to, -1 for media (see {@link ProbeBitrateEstimator}). */
    private final int[] clusters = new int[SIZE];

    SendHistory() {
        Arrays.fill(sequences, -1);
    }

    void sent(int transportSequence, int bytes, long micros) {
        sent(transportSequence, bytes, micros, -1);
    }

    /** A packet of probe cluster {@code cluster} (-1: not a probe). */
    void sent(int transportSequence, int bytes, long micros, int cluster) {
        int slot = transportSequence & (SIZE - 1);
        sequences[slot] = -1;
        sendMicros[slot] = micros;
        sizes[slot] = bytes;
        clusters[slot] = cluster;
        sequences[slot] = transportSequence & 0xffff;
    }

    /** When the packet left, or -1 when it is not (or no longer) known. */
    long sendMicros(int transportSequence) {
        int slot = transportSequence & (SIZE - 1);
        int seq = transportSequence & 0xffff;
        if (sequences[slot] != seq) {
            return -1;
        }
        long t = sendMicros[slot];
        return sequences[slot] == seq ? t : -1;
    }

    /** Its size in bytes, or -1 when it is not (or no longer) known. */
    int size(int transportSequence) {
        int slot = transportSequence & (SIZE - 1);
        int seq = transportSequence & 0xffff;
        if (sequences[slot] != seq) {
            return -1;
        }
        int size = sizes[slot];
        return sequences[slot] == seq ? size : -1;
    }

    /** The probe cluster of the packet, or -1 when it was media or is not (or no longer) known. */
    int cluster(int transportSequence) {
        int slot = transportSequence & (SIZE - 1);
        int seq = transportSequence & 0xffff;
        if (sequences[slot] != seq) {
            return -1;
        }
        int cluster = clusters[slot];
        return sequences[slot] == seq ? cluster : -1;
    }
}
