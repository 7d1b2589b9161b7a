package io.sightline.sfu.internal;

/**
 * The last packets of one track, packetized once for all viewers, kept for NACK retransmission and for starting new
 * viewers on the current group of pictures. Slots are preallocated and reused: no allocation per packet.
 *
 * <p>One writer (the stream's fan-out thread). Readers on other threads (NACK on the ICE thread) copy a slot and then
 * check that its sequence number did not change meanwhile, dropping the copy if it did.
 */
final class PacketHistory {
    static final int MAX_PAYLOAD = 1400;
    /** A history that holds nothing (a track that went away). */
    static final PacketHistory EMPTY = new PacketHistory(1);

    private final int capacity;
    private final byte[][] payloads;
    private final int[] lengths;
    private final long[] timestamps;
    private final boolean[] markers;
    private final boolean[] keyframes;
    private final long[] captureTimes;
    private final int[] sequences;
    private volatile long written;

    PacketHistory(int capacity) {
        this.capacity = capacity;
        this.payloads = new byte[capacity][MAX_PAYLOAD];
        this.lengths = new int[capacity];
        this.timestamps = new long[capacity];
        this.markers = new boolean[capacity];
        this.keyframes = new boolean[capacity];
        this.captureTimes = new long[capacity];
        this.sequences = new int[capacity];
        java.util.Arrays.fill(sequences, -1);
    }

    /** The slot the next packet goes to; fill its payload, then {@link #commit}. */
    byte[] nextPayloadBuffer() {
        return payloads[(int) (written % capacity)];
    }

    /** Publishes the packet just written into {@link #nextPayloadBuffer()}; returns its stream sequence number. */
    int commit(int length, long timestamp, boolean marker, long captureTime) {
        return commit(length, timestamp, marker, captureTime, false);
    }

    /** As {@link #commit(int, long, boolean, long)}, noting whether the packet belongs to a video keyframe. */
    int commit(int length, long timestamp, boolean marker, long captureTime, boolean keyframe) {
        int slot = (int) (written % capacity);
        int seq = (int) (written & 0xffff);
        lengths[slot] = length;
        timestamps[slot] = timestamp;
        markers[slot] = marker;
        keyframes[slot] = keyframe;
        captureTimes[slot] = captureTime;
        sequences[slot] = seq;
        written++;
        return seq;
    }

    /** Number of packets ever written (the absolute index of the next one). */
    long written() {
        return written;
    }

    /** Whether the packet with this absolute index is still held. */
    boolean holds(long index) {
        return index >= 0 && index < written && written - index <= capacity;
    }

    /** Absolute index of a held packet with this 16-bit sequence number, or -1. */
    long indexOf(int seq) {
        long last = written - 1;
        long back = ((last & 0xffff) - seq) & 0xffff;
        long index = last - back;
        return holds(index) ? index : -1;
    }

    int sequence(long index) {
        return (int) (index & 0xffff);
    }

    byte[] payload(long index) {
        return payloads[(int) (index % capacity)];
    }

    int length(long index) {
        return lengths[(int) (index % capacity)];
    }

    long timestamp(long index) {
        return timestamps[(int) (index % capacity)];
    }

    boolean marker(long index) {
        return markers[(int) (index % capacity)];
    }

    /** Whether the packet is part of a video keyframe (retransmitted first: every later picture depends on it). */
    boolean keyframe(long index) {
        return keyframes[(int) (index % capacity)];
    }

    long captureTime(long index) {
        return captureTimes[(int) (index % capacity)];
    }

    /** Whether the slot still holds the packet with this index (a concurrent reader's copy is valid). */
    boolean stillHolds(long index) {
        return sequences[(int) (index % capacity)] == (int) (index & 0xffff) && holds(index);
    }
}
