package io.sightline.rtp.cc;

/**
 * What a probe cluster showed the path can carry (libwebrtc's ProbeBitrateEstimator): a cluster is a short run of
 * packets sent at a target rate above what the media needs; the rate it arrived at, from the receiver's transport-wide
 * feedback, is what fits. The result is the smaller of the rate the cluster was sent at and the rate it arrived at,
 * and when it arrived clearly slower than it was sent (the path queued it) 95 % of the arrival rate.
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

    private final Cluster[] clusters = new Cluster[SLOTS];

    ProbeBitrateEstimator() {
        for (int i = 0; i < SLOTS; i++) {
            clusters[i] = new Cluster();
        }
    }

    /** A new cluster starts (it replaces the oldest kept). */
    void started(int id) {
        clusters[slot(id)].reset(id);
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
    }

    void lost(int id) {
        Cluster c = find(id);
        if (c != null && c.result == PENDING) {
            c.lost++;
        }
    }

    /**
     * Judges the clusters whose feedback is complete or timed out. Returns the highest result among those judged now,
     * or {@link #PENDING} when none was.
     */
    long judge(long nowMicros) {
        long best = PENDING;
        for (Cluster c : clusters) {
            if (c.id < 0 || c.result != PENDING || c.packets < 0) {
                continue;
            }
            boolean complete = c.arrived + c.lost >= c.packets;
            if (complete || nowMicros - c.endedMicros >= TIMEOUT_MICROS) {
                c.result = c.rate();
                best = Math.max(best, c.result);
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
            long sendBps = (bytes - lastSendBytes) * 8_000_000 / sendSpan;
            long arrivalBps = (bytes - firstArrivalBytes) * 8_000_000 / arrivalSpan;
            if (arrivalBps < SATURATED * sendBps) {
                return (long) (SATURATED_USE * arrivalBps);
            }
            return Math.min(sendBps, arrivalBps);
        }
    }
}
