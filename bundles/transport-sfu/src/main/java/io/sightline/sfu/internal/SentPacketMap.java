package io.sightline.sfu.internal;

/**
 * Which history packet went out under which transport-wide sequence number, for the last {@link #SIZE} packets of one
 * viewer, so a packet its transport-wide feedback reports missing can be repaired without waiting for a NACK (the
 * NACK itself may be lost, and the viewer repeats it only after its own RTT estimate, 100 ms by default in libwebrtc).
 *
 * <p>One writer (the thread sending under the viewer's send lock) and one reader (the viewer's RTCP thread). The
 * reader checks the sequence number before and after reading a slot, so a slot overwritten meanwhile is skipped.
 */
final class SentPacketMap {
    static final int SIZE = 1024;

    private final int[] sequences = new int[SIZE];
    private final long[] indices = new long[SIZE];
    private final byte[] tracks = new byte[SIZE];

    SentPacketMap() {
        java.util.Arrays.fill(sequences, -1);
    }

    void sent(int transportSequence, int track, long index) {
        int slot = transportSequence & (SIZE - 1);
        sequences[slot] = -1;
        indices[slot] = index;
        tracks[slot] = (byte) track;
        sequences[slot] = transportSequence & 0xffff;
    }

    /** The history index sent under this sequence number, or -1 if it is not (or no longer) known. */
    long index(int transportSequence) {
        int slot = transportSequence & (SIZE - 1);
        int seq = transportSequence & 0xffff;
        if (sequences[slot] != seq) {
            return -1;
        }
        long index = indices[slot];
        return sequences[slot] == seq ? index : -1;
    }

    /** The track (position in the viewer's track list) of a sequence number {@link #index} found. */
    int track(int transportSequence) {
        return tracks[transportSequence & (SIZE - 1)];
    }
}
