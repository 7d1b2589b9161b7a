package io.sightline.sfu.internal;

/**
 * Whether a viewer's picture loss indication (PLI or FIR) is passed on to the source. A keyframe costs every viewer of
 * the stream its size in bandwidth (and on a lossy link a large keyframe is itself likely to lose packets), so a
 * request is held back once while the SFU is still repairing that viewer's losses from its history: the pictures
 * complete when the retransmissions arrive. It goes upstream when the viewer has not started, when a packet it asked
 * for was no longer held (recovery impossible), when nothing is being repaired, or when the viewer asks again after
 * the repair had time to arrive (it did not help). The clock is a parameter; one instance per viewer, used on the
 * thread that parses its RTCP.
 */
final class KeyframeRequestGate {
    /** A held request is an episode for this long; a later one starts a new episode. */
    static final long EPISODE_NANOS = 1_000_000_000L;
    /** An unrecoverable packet this recent means the viewer's picture cannot be repaired from the history. */
    static final long UNRECOVERABLE_RECENT_NANOS = 1_000_000_000L;

    private long heldAtNanos = Long.MIN_VALUE;
    long held;
    long forwarded;

    /**
     * @param started whether the viewer has started on a keyframe
     * @param lastRetransmitNanos when the SFU last resent a packet to this viewer (0: never)
     * @param lastUnrecoverableNanos when the viewer last asked for a packet no longer held (0: never)
     * @param repairNanos how long a retransmission takes to be useful (about two RTTs)
     */
    boolean forward(long nowNanos, boolean started, long lastRetransmitNanos, long lastUnrecoverableNanos,
            long repairNanos) {
        boolean repairing = lastRetransmitNanos != 0 && nowNanos - lastRetransmitNanos < repairNanos;
        boolean impossible = lastUnrecoverableNanos != 0 && nowNanos - lastUnrecoverableNanos < UNRECOVERABLE_RECENT_NANOS;
        if (!started || impossible || !repairing) {
            return pass();
        }
        long sinceHeld = heldAtNanos == Long.MIN_VALUE ? Long.MAX_VALUE : nowNanos - heldAtNanos;
        if (sinceHeld >= EPISODE_NANOS) {
            heldAtNanos = nowNanos;
            held++;
            return false;
        }
        if (sinceHeld < repairNanos) {
            held++;
            return false; // a repeat sooner than the repair could arrive
        }
        return pass();
    }

    private boolean pass() {
        heldAtNanos = Long.MIN_VALUE;
        forwarded++;
        return true;
    }

    /** How long a retransmission needs to arrive and be used: two RTTs and a margin, within 100-500 ms. */
    static long repairNanos(double rttMs) {
        double ms = rttMs < 0 ? 150 : Math.max(100, Math.min(500, 2 * rttMs + 50));
        return (long) (ms * 1_000_000L);
    }
}
