package io.sightline.rtp.cc;

/**
 * What a probe cluster showed the path can carry (libwebrtc's ProbeBitrateEstimator): a cluster is a short run of
 * packets sent at a target rate above what the media needs; the rate it arrived at, from the receiver's transport-wide
 * feedback, is what fits. The result is the smaller of the rate the cluster was sent at and the rate it arrived at,
 * and when it arrived clearly slower than it was sent (the path queued it) 95 % of the arrival rate.
 *
 * <p>One departure: the result is also taken over the cluster's second half alone (the packets sent after the middle of
 * its send span), and when it is clearly slower (under {@value #BURST_MASKED} x) it is the result. A shaper with a burst allowance (a token bucket) lets the
 * first few kB of any cluster through at the sender's pace; only the later packets queue and show the link's rate.
 * On a free path both halves arrive as fast as they were sent, so nothing is lost by it.
 *
 * <p>A cluster is judged once the feedback has accounted for every packet of it (arrived or lost), or
 * {@link #TIMEOUT_MICROS} after its last packet left (feedback itself can be lost). Fewer than
 * {@value #MIN_ARRIVED_SHARE} of its packets arriving is a failed probe (result 0): the path dropped the rest.
 * A few clusters are kept in a fixed ring; nothing is allocated per packet.
 */
final class ProbeBitrateEstimator {
    static final int SLOTS = 4;
    static final long TIMEOUT_MICROS = 1_000_000;
    static final double MIN_ARRIVED_SHARE = 0.8;
    static final int MIN_PACKETS = 4;
    /** Arriving slower than this share of the send rate means the path queued the cluster. */
    static final double SATURATED = 0.9;
    static final double SATURATED_USE = 0.95;
    /** Results not judged yet. */
    static final long PENDING = -1;
    /** Packets of a cluster kept for the second-half rate; later ones count in the whole-cluster rate only. */
    static final int MAX_PACKETS = 128;
    /** A second half this much slower than the whole cluster means a burst allowance hid the link's rate. */
    static final double BURST_MASKED = 0.75;

    private final Cluster[] clusters = new Cluster[SLOTS];

    ProbeBitrateEstimator() {
        for (int i = 0; i < SLOTS; i++) {
            clusters[i] = new Cluster();
        }
    }

    /** A new cluster starts, to be sent at {@code targetBps} (it replaces the oldest kept). */
    void started(int id, long targetBps) {
        clusters[slot(id)].reset(id);
        clusters[slot(id)].targetBps = targetBps;
    }

    /** All {@code packets} of cluster {@code id} have been sent. */
    void ended(int id, int packets, long nowMicros) {
        Cluster c = find(id);
        if (c != null) {
            c.packets = packets;
            c.endedMicros = nowMicros;
        }
    }

    void arrived(int id, long sendMicros, int bytes, long arrivalMicros) {
        Cluster c = find(id);
        if (c == null || c.result != PENDING) {
            return;
        }
        c.arrived++;
        c.bytes += bytes;
        if (c.firstSend < 0 || sendMicros < c.firstSend) {
            c.firstSend = sendMicros;
        }
        if (sendMicros >= c.lastSend) {
            c.lastSend = sendMicros;
            c.lastSendBytes = bytes;
        }
        if (c.firstArrival == Long.MIN_VALUE || arrivalMicros < c.firstArrival) {
            c.firstArrival = arrivalMicros;
            c.firstArrivalBytes = bytes;
        }
        c.lastArrival = Math.max(c.lastArrival, arrivalMicros);
        if (c.kept < MAX_PACKETS) {
            c.sends[c.kept] = sendMicros;
            c.arrivals[c.kept] = arrivalMicros;
            c.sizes[c.kept] = bytes;
            c.kept++;
        }
    }

    void lost(int id) {
        Cluster c = find(id);
        if (c != null && c.result == PENDING) {
            c.lost++;
        }
    }

    /**
     * Judges the clusters whose feedback is complete or timed out. Returns the highest result among those judged now
     * that reached {@code reached} x their target, or {@link #PENDING} when there is none.
     */
    long judge(long nowMicros, double reached) {
        long best = PENDING;
        for (Cluster c : clusters) {
            if (c.id < 0 || c.result != PENDING || c.packets < 0) {
                continue;
            }
            boolean complete = c.arrived + c.lost >= c.packets;
            if (complete || nowMicros - c.endedMicros >= TIMEOUT_MICROS) {
                c.result = c.rate();
                if (c.result >= reached * c.targetBps) {
                    best = Math.max(best, c.result);
                }
            }
        }
        return best;
    }

    /** The result of cluster {@code id}: {@link #PENDING} until judged, 0 for a failed probe. */
    long result(int id) {
        Cluster c = find(id);
        return c == null ? 0 : c.result;
    }

    private Cluster find(int id) {
        Cluster c = clusters[slot(id)];
        return c.id == id ? c : null;
    }

    private static int slot(int id) {
        return Math.floorMod(id, SLOTS);
    }

    private static final class Cluster {
        int id = -1;
        int packets;
        int arrived;
        int lost;
        long bytes;
        long firstSend;
        long lastSend;
        int lastSendBytes;
        long firstArrival;
        int firstArrivalBytes;
        long lastArrival;
        long endedMicros;
        long result;
        long targetBps;
        final long[] sends = new long[MAX_PACKETS];
        final long[] arrivals = new long[MAX_PACKETS];
        final int[] sizes = new int[MAX_PACKETS];
        int kept;

        void reset(int newId) {
            id = newId;
            packets = -1;
            arrived = 0;
            lost = 0;
            bytes = 0;
            firstSend = -1;
            lastSend = Long.MIN_VALUE;
            lastSendBytes = 0;
            firstArrival = Long.MIN_VALUE;
            firstArrivalBytes = 0;
            lastArrival = Long.MIN_VALUE;
            endedMicros = 0;
            result = PENDING;
            kept = 0;
        }

        /**
         * Send rate: the bytes but the last packet's over the time from the first to the last send; arrival rate:
         * the bytes but the first arrival's over the first to the last arrival (each interval is bounded by packets).
         */
        long rate() {
            if (arrived < MIN_PACKETS || arrived < MIN_ARRIVED_SHARE * packets) {
                return 0;
            }
            long sendSpan = lastSend - firstSend;
            long arrivalSpan = lastArrival - firstArrival;
            if (sendSpan <= 0 || arrivalSpan <= 0) {
                return 0;
            }
            long whole = rate(bytes, lastSendBytes, sendSpan, firstArrivalBytes, arrivalSpan);
            long secondHalf = secondHalf((firstSend + lastSend) / 2);
            // A few packets give a noisy rate: the second half counts only when clearly slower than the whole.
            return secondHalf > 0 && secondHalf < BURST_MASKED * whole ? secondHalf : whole;
        }

        /** The rate of the packets sent at or after {@code fromMicros} (0 when fewer than 3 of them are known). */
        private long secondHalf(long fromMicros) {
            long b = 0;
            long s0 = Long.MAX_VALUE;
            long s1 = Long.MIN_VALUE;
            int s1Bytes = 0;
            long a0 = Long.MAX_VALUE;
            int a0Bytes = 0;
            long a1 = Long.MIN_VALUE;
            int n = 0;
            for (int i = 0; i < kept; i++) {
                if (sends[i] < fromMicros) {
                    continue;
                }
                n++;
                b += sizes[i];
                s0 = Math.min(s0, sends[i]);
                if (sends[i] >= s1) {
                    s1 = sends[i];
                    s1Bytes = sizes[i];
                }
                if (arrivals[i] < a0) {
                    a0 = arrivals[i];
                    a0Bytes = sizes[i];
                }
                a1 = Math.max(a1, arrivals[i]);
            }
            if (n < 3 || s1 <= s0 || a1 <= a0) {
                return 0;
            }
            return rate(b, s1Bytes, s1 - s0, a0Bytes, a1 - a0);
        }

        private static long rate(long bytes, int lastSendBytes, long sendSpan, int firstArrivalBytes,
                long arrivalSpan) {
            long sendBps = (bytes - lastSendBytes) * 8_000_000 / sendSpan;
            long arrivalBps = (bytes - firstArrivalBytes) * 8_000_000 / arrivalSpan;
            if (arrivalBps < SATURATED * sendBps) {
                return (long) (SATURATED_USE * arrivalBps);
            }
            return Math.min(sendBps, arrivalBps);
        }
    }
}
