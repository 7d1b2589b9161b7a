package io.sightline.rtp.cc;

/**
 * The loss-based rate of GCC (draft-ietf-rmcat-gcc-02 section 6, libwebrtc's SendSideBandwidthEstimation): up by 8 % a
 * second below 2 % loss, held between 2 % and 10 %, and above 10 % cut by half the loss fraction, at most once per
 * 300 ms plus a round trip.
 *
 * <p>One departure for an SFU: a GCC sender that cuts its rate stops the loss, an SFU cannot (every viewer of the
 * stream gets the same packets), so the loss goes on and GCC's cuts would take the estimate down to the minimum. A cut
 * therefore never goes below what the receiver got meanwhile (the acknowledged rate): that much demonstrably fits,
 * and under lasting loss the rate follows that acknowledged rate, up as well as down. Likewise, below 2 % loss a
 * rate under the acknowledged one rises to it at once instead of by 8 % a second: the receiver has just got that much.
 */
final class LossBasedControl {
    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    static final long DECREASE_INTERVAL_MICROS = 300_000;

    private final long maxBps;
    private long rateBps;
    private boolean initialized;
    private long lastIncreaseMicros;
    private long lastDecreaseMicros = Long.MIN_VALUE / 2;
    private double lastLoss;

    LossBasedControl(long maxBps) {
        this.maxBps = maxBps;
    }

    boolean initialized() {
        return initialized;
    }

    void initialize(long bps, long nowMicros) {
        rateBps = clamp(bps);
        initialized = true;
        lastIncreaseMicros = nowMicros;
    }

    /** A probe showed the path carries {@code bps}: the rate goes up to it (never down). */
    void raiseTo(long bps, long nowMicros) {
        if (bps > rateBps) {
            rateBps = clamp(bps);
            lastIncreaseMicros = nowMicros;
        }
    }

    long rateBps() {
        return rateBps;
    }

    double lastLoss() {
        return lastLoss;
    }

    /**
     * Applies one loss measurement.
     *
     * @param loss     the fraction of packets lost since the previous measurement, 0..1
     * @param ackedBps what the receiver got recently (0 when not known): the level a cut goes to at least, and 1.5
     *                 times it plus
     *                 10 kbit/s the ceiling of an increase (more has not been shown to fit)
     */
    long update(double loss, long ackedBps, long rttMicros, long nowMicros) {
        lastLoss = loss;
        if (!initialized) {
            return rateBps;
        }
        if (loss <= LOW_LOSS) {
            long elapsed = Math.min(1_000_000, Math.max(0, nowMicros - lastIncreaseMicros));
            long increased = (long) (rateBps * Math.pow(1.08, elapsed / 1e6)) + 1000 * elapsed / 1_000_000;
            long limit = ackedBps > 0 ? (long) (1.5 * ackedBps) + 10_000 : maxBps;
            // What arrived without loss fits: an estimate below it (left by a lossy spell) goes up to it at once.
            rateBps = clamp(Math.max(rateBps, Math.min(Math.max(increased, ackedBps), limit)));
            lastIncreaseMicros = nowMicros;
        } else {
            lastIncreaseMicros = nowMicros;
            if (loss > HIGH_LOSS && nowMicros - lastDecreaseMicros >= DECREASE_INTERVAL_MICROS + rttMicros) {
                long cut = (long) (rateBps * (1 - 0.5 * loss));
                rateBps = clamp(Math.max(cut, ackedBps));
                lastDecreaseMicros = nowMicros;
            }
        }
        return rateBps;
    }

    private long clamp(long bps) {
        return Math.max(AimdRateControl.MIN_BPS, Math.min(maxBps, bps));
    }
}
