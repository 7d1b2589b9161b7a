package io.sightline.sfu.internal;

/**
 * Decides which packets a viewer asked for again (generic NACKs of one RTCP compound) are resent, and in which
 * order, for one track:
 * <ul>
 * <li>only packets the history still holds (the others are counted as unrecoverable: the viewer then needs a
 * keyframe, see {@link KeyframeRequestGate});</li>
 * <li>each packet at most once per hold-off (about an RTT): a receiver repeats a NACK until the packet arrives, and a
 * repeat sent before the retransmission could have arrived must not send it twice;</li>
 * <li>keyframe packets first, then in sequence order: every later picture waits for the keyframe;</li>
 * <li>within a byte budget refilled at the rate the viewer's link is known to carry ({@link #pace}: its bandwidth
 * estimate, or what it acknowledged before there is one; a fixed ceiling until either is known), every copy counted:
 * a burst of NACKs after an outage, such as a join's GOP burst lost behind a slow link, must not itself flood the
 * path and push the next pictures out of its queue; what does not fit now is asked for again by the viewer after its
 * RTT.</li>
 * </ul>
 * Used on the thread that parses the viewer's RTCP; the clock is a parameter, so the behaviour is testable
 * without waiting. Its memory (about 8 KB) is taken on the first NACK, so viewers on clean links pay nothing.
 */
final class RetransmitPlanner {
    /** NACKed packets considered per compound; more is an outage the keyframe request serves better. */
    static final int MAX_BATCH = 256;
    /** Resend times are remembered for this many recent history indices. */
    private static final int RECENT = 512;
    /** Retransmission budget at most: 8 Mbit/s sustained, 128 KB at once (a lost 720p keyframe fits). */
    static final long BUDGET_BYTES_PER_SECOND = 1_000_000;
    static final long BUDGET_BURST_BYTES = 128 * 1024;
    /** ... and at least, however slow the link: a few packets a second still repair an occasional loss. */
    static final long MIN_BYTES_PER_SECOND = 16_000;
    /** The burst is what the link carries in this long (a quarter second of its rate, not its queue's worth). */
    static final long BURST_MILLIS = 250;
    static final long MIN_BURST_BYTES = 6_000;

    private final long[] batch = new long[MAX_BATCH];
    private int batchSize;
    private long[] recentIndex;
    private long[] recentNanos;
    private long budgetBytes = BUDGET_BURST_BYTES;
    private long budgetAtNanos = Long.MIN_VALUE;
    private long rateBytesPerSecond = BUDGET_BYTES_PER_SECOND;
    private long burstBytes = BUDGET_BURST_BYTES;

    // statistics
    long requested;
    long deduplicated;
    long unrecoverable;
    long overBudget;
    long planned;
    /** When a requested packet was last missing from the history (0: never). */
    long lastUnrecoverableNanos;
    /** When a packet was last planned for resending (0: never). */
    long lastPlannedNanos;

    /** Notes one NACKed packet by its history index (from the viewer's sequence number); -1 if not mappable. */
    void request(long index) {
        requested++;
        if (batchSize < MAX_BATCH) {
            batch[batchSize++] = index;
        }
    }

    boolean hasRequests() {
        return batchSize > 0;
    }

    /**
     * The rate the viewer's link is known to carry, bits per second (its estimate, or what it acknowledged), 0 while
     * nothing is known: the budget's refill rate and burst follow it, within their floor and ceiling.
     */
    void pace(long linkBps) {
        if (linkBps <= 0) {
            return;
        }
        rateBytesPerSecond = Math.max(MIN_BYTES_PER_SECOND, Math.min(BUDGET_BYTES_PER_SECOND, linkBps / 8));
        burstBytes = Math.max(MIN_BURST_BYTES, Math.min(BUDGET_BURST_BYTES, rateBytesPerSecond * BURST_MILLIS / 1000));
        budgetBytes = Math.min(budgetBytes, burstBytes);
    }

    /**
     * Plans the requests noted since the last call into {@code out} (at least {@link #MAX_BATCH} long) and forgets
     * them; returns how many indices to resend, in order.
     *
     * @param holdOffNanos a packet resent less than this long ago is not resent again
     * @param copies       how many times each planned packet will be sent (2 on a lossy link)
     */
    int plan(PacketHistory history, long nowNanos, long holdOffNanos, int copies, long[] out) {
        if (recentIndex == null) {
            recentIndex = new long[RECENT];
            recentNanos = new long[RECENT];
            java.util.Arrays.fill(recentIndex, -1);
        }
        refill(nowNanos);
        int n = 0;
        // Two passes over the batch: keyframe packets, then the others; each pass keeps the viewer's order.
        for (int pass = 0; pass < 2; pass++) {
            boolean keyframePass = pass == 0;
            for (int k = 0; k < batchSize; k++) {
                long index = batch[k];
                if (index < 0 || !history.holds(index)) {
                    if (keyframePass) {
                        unrecoverable++;
                        lastUnrecoverableNanos = nowNanos;
                    }
                    continue;
                }
                if (history.keyframe(index) != keyframePass) {
                    continue;
                }
                int slot = (int) (index % RECENT);
                if (recentIndex[slot] == index && nowNanos - recentNanos[slot] < holdOffNanos) {
                    deduplicated++;
                    continue;
                }
                int cost = (history.length(index) + 40) * copies; // header and SRTP tag, about
                if (cost > budgetBytes) {
                    overBudget++;
                    continue;
                }
                budgetBytes -= cost;
                recentIndex[slot] = index;
                recentNanos[slot] = nowNanos;
                out[n++] = index;
            }
        }
        batchSize = 0;
        planned += n;
        if (n > 0) {
            lastPlannedNanos = nowNanos;
        }
        return n;
    }

    private void refill(long nowNanos) {
        if (budgetAtNanos != Long.MIN_VALUE) {
            long elapsed = Math.max(0, nowNanos - budgetAtNanos);
            long add = elapsed >= 1_000_000_000L ? burstBytes : elapsed * rateBytesPerSecond / 1_000_000_000L;
            budgetBytes = Math.min(burstBytes, budgetBytes + add);
        }
        budgetAtNanos = nowNanos;
    }

    /** The hold-off for a round-trip time estimate (ms, negative when unknown). */
    static long holdOffNanos(double rttMs) {
        double ms = rttMs < 0 ? 20 : Math.max(5, Math.min(200, rttMs * 0.75));
        return (long) (ms * 1_000_000L);
    }
}
