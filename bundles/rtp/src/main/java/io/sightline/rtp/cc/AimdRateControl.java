package io.sightline.rtp.cc;

/**
 * The delay-based rate of GCC (draft-ietf-rmcat-gcc-02 section 5.5, libwebrtc's AimdRateControl): grows while the
 * detector sees no over-use, multiplicatively (8 % a second) far from the last known capacity and additively (about a
 * packet per response time) near it; on over-use it drops to 85 % of what the receiver actually got. It never goes
 * above 1.5 times what was acknowledged: without probing, more than that has not been shown to fit.
 */
final class AimdRateControl {
    static final double BETA = 0.85;
    static final long MIN_BPS = 30_000;

    private enum State { HOLD, INCREASE, DECREASE }

    private final long maxBps;
    private State state = State.HOLD;
    private long rateBps;
    private boolean initialized;
    private long lastChangeMicros = -1;
    /** The link capacity learnt at over-use: mean and normalised variance of the acknowledged rate then (kbit/s). */
    private double capacityKbps = -1;
    private double capacityVariance = 0.4;

    AimdRateControl(long maxBps) {
        this.maxBps = maxBps;
    }

    boolean initialized() {
        return initialized;
    }

    long rateBps() {
        return rateBps;
    }

    /** Starts from a measured rate (the first acknowledged rate): GCC's start value, but known to fit. */
    void initialize(long bps, long nowMicros) {
        rateBps = clamp(bps);
        initialized = true;
        lastChangeMicros = nowMicros;
    }

    /** A probe showed the path carries {@code bps}: the rate goes up to it (never down). */
    void raiseTo(long bps, long nowMicros) {
        if (bps > rateBps) {
            rateBps = clamp(bps);
            capacityKbps = -1; // whatever over-use taught is older than this
            lastChangeMicros = nowMicros;
        }
    }

    /**
     * Applies the detector's verdict.
     *
     * @param ackedBps the rate the receiver acknowledged recently (0 when not known yet)
     * @param rttMicros the round-trip time, for the additive step and for how often to decrease
     */
    long update(BandwidthUsage usage, long ackedBps, long rttMicros, long nowMicros) {
        if (!initialized) {
            return rateBps;
        }
        switch (usage) {
            case NORMAL -> {
                if (state == State.HOLD) {
                    state = State.INCREASE;
                }
            }
            case OVERUSING -> state = State.DECREASE;
            case UNDERUSING -> state = State.HOLD;
        }
        long elapsed = Math.max(0, nowMicros - lastChangeMicros);
        switch (state) {
            case INCREASE -> {
                if (ackedBps > 0 && capacityKbps > 0 && ackedBps / 1000.0 > capacityKbps + 3 * stdDevKbps()) {
                    capacityKbps = -1; // the link got faster than what over-use taught
                }
                double increase = nearCapacity()
                        ? additiveBpsPerSecond(rttMicros) * Math.min(elapsed, 1_000_000) / 1e6
                        : Math.max(rateBps * (Math.pow(1.08, Math.min(elapsed, 1_000_000) / 1e6) - 1), 1000);
                long limit = ackedBps > 0 ? (long) (1.5 * ackedBps) + 10_000 : maxBps;
                long increased = (long) (rateBps + increase);
                // Never lowers the rate: a limit below it just stops the increase.
                rateBps = clamp(Math.max(rateBps, Math.min(increased, limit)));
                lastChangeMicros = nowMicros;
            }
            case DECREASE -> {
                if (ackedBps > 0 && readyToDecrease(ackedBps, rttMicros, elapsed)) {
                    long decreased = (long) (BETA * ackedBps);
                    if (decreased > rateBps && capacityKbps > 0) {
                        decreased = (long) (BETA * capacityKbps * 1000);
                    }
                    if (decreased < rateBps) {
                        rateBps = clamp(decreased);
                    }
                    learnCapacity(ackedBps / 1000.0);
                    lastChangeMicros = nowMicros;
                }
                state = State.HOLD;
            }
            case HOLD -> lastChangeMicros = nowMicros;
        }
        return rateBps;
    }

    /** Decreases come at most once per RTT (clamped to 10..200 ms), unless the rate is far above what arrives. */
    private boolean readyToDecrease(long ackedBps, long rttMicros, long elapsed) {
        long interval = Math.max(10_000, Math.min(200_000, rttMicros));
        return elapsed >= interval || rateBps > 2 * ackedBps;
    }

    private boolean nearCapacity() {
        return capacityKbps > 0 && Math.abs(rateBps / 1000.0 - capacityKbps) <= 3 * stdDevKbps();
    }

    private double stdDevKbps() {
        return Math.sqrt(capacityVariance * capacityKbps);
    }

    private void learnCapacity(double ackedKbps) {
        if (capacityKbps < 0) {
            capacityKbps = ackedKbps;
            return;
        }
        double alpha = 0.05;
        double norm = Math.max(capacityKbps, 1.0);
        double error = capacityKbps - ackedKbps;
        capacityVariance = (1 - alpha) * capacityVariance + alpha * error * error / norm;
        capacityVariance = Math.max(0.4, Math.min(2.5, capacityVariance));
        capacityKbps = (1 - alpha) * capacityKbps + alpha * ackedKbps;
    }

    /** About one average packet per response time (RTT + 100 ms), at least 4 kbit/s per second (libwebrtc). */
    private double additiveBpsPerSecond(long rttMicros) {
        double frameBits = rateBps / 30.0;
        double packetsPerFrame = Math.ceil(frameBits / (1200 * 8));
        double packetBits = frameBits / packetsPerFrame;
        double responseSeconds = (rttMicros + 100_000) / 1e6;
        return Math.max(4000, packetBits / responseSeconds);
    }

    private long clamp(long bps) {
        return Math.max(MIN_BPS, Math.min(maxBps, bps));
    }
}
