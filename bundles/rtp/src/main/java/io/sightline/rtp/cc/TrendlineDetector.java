package io.sightline.rtp.cc;

/**
 * The delay gradient and the over-use detector of GCC as libwebrtc implements them (TrendlineEstimator): the
 * accumulated one-way delay variation of packet groups, smoothed, and the slope of a least-squares line through the
 * last {@link #WINDOW} points; a slope above an adaptive threshold for long enough is over-use
 * (draft-ietf-rmcat-gcc-02 sections 5.3-5.5, with the trendline filter in place of the draft's Kalman filter).
 */
final class TrendlineDetector {
    static final int WINDOW = 20;
    static final double SMOOTHING = 0.9;
    static final double THRESHOLD_GAIN = 4.0;
    /** How long the trend must stay above the threshold before it counts as over-use. */
    static final double OVERUSE_MS = 10;
    static final double K_UP = 0.0087;
    static final double K_DOWN = 0.039;
    static final double INITIAL_THRESHOLD = 12.5;

    private final double[] times = new double[WINDOW];
    private final double[] delays = new double[WINDOW];
    private int points;
    private int next;
    private double firstArrivalMs = -1;
    private double accumulated;
    private double smoothed;
    private int deltas;
    private double trend;
    private double previousTrend;
    private double threshold = INITIAL_THRESHOLD;
    private double lastThresholdUpdateMs = -1;
    private double timeOverUsing = -1;
    private int overuseCount;
    private BandwidthUsage state = BandwidthUsage.NORMAL;

    /** Takes in one group delta and returns the detector's state after it. */
    BandwidthUsage update(double sendDeltaMs, double arrivalDeltaMs, long arrivalMicros) {
        double nowMs = arrivalMicros / 1000.0;
        if (firstArrivalMs < 0) {
            firstArrivalMs = nowMs;
        }
        deltas = Math.min(deltas + 1, 1000);
        accumulated += arrivalDeltaMs - sendDeltaMs;
        smoothed = SMOOTHING * smoothed + (1 - SMOOTHING) * accumulated;
        times[next] = nowMs - firstArrivalMs;
        delays[next] = smoothed;
        next = (next + 1) % WINDOW;
        points = Math.min(points + 1, WINDOW);
        if (points == WINDOW) {
            trend = slope();
        }
        detect(sendDeltaMs, nowMs);
        return state;
    }

    BandwidthUsage state() {
        return state;
    }

    /** The least-squares slope of smoothed delay over time, in ms of delay per ms: 0 when it cannot be computed. */
    private double slope() {
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < WINDOW; i++) {
            meanX += times[i];
            meanY += delays[i];
        }
        meanX /= WINDOW;
        meanY /= WINDOW;
        double num = 0;
        double den = 0;
        for (int i = 0; i < WINDOW; i++) {
            double dx = times[i] - meanX;
            num += dx * (delays[i] - meanY);
            den += dx * dx;
        }
        return den == 0 ? trend : num / den;
    }

    private void detect(double sendDeltaMs, double nowMs) {
        if (deltas < 2) {
            state = BandwidthUsage.NORMAL;
            return;
        }
        double modified = Math.min(deltas, 60) * trend * THRESHOLD_GAIN;
        if (modified > threshold) {
            timeOverUsing = timeOverUsing < 0 ? sendDeltaMs / 2 : timeOverUsing + sendDeltaMs;
            overuseCount++;
            if (timeOverUsing > OVERUSE_MS && overuseCount > 1 && trend >= previousTrend) {
                timeOverUsing = 0;
                overuseCount = 0;
                state = BandwidthUsage.OVERUSING;
            }
        } else if (modified < -threshold) {
            timeOverUsing = -1;
            overuseCount = 0;
            state = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsing = -1;
            overuseCount = 0;
            state = BandwidthUsage.NORMAL;
        }
        previousTrend = trend;
        adaptThreshold(modified, nowMs);
    }

    /** The threshold follows the trend slowly upwards and faster downwards, so it tracks the path's own jitter. */
    private void adaptThreshold(double modified, double nowMs) {
        if (lastThresholdUpdateMs < 0) {
            lastThresholdUpdateMs = nowMs;
        }
        double magnitude = Math.abs(modified);
        if (magnitude > threshold + 15) {
            lastThresholdUpdateMs = nowMs; // a spike: not the path's usual noise
            return;
        }
        double k = magnitude < threshold ? K_DOWN : K_UP;
        double elapsed = Math.min(nowMs - lastThresholdUpdateMs, 100);
        threshold += k * (magnitude - threshold) * elapsed;
        threshold = Math.max(6, Math.min(600, threshold));
        lastThresholdUpdateMs = nowMs;
    }
}
