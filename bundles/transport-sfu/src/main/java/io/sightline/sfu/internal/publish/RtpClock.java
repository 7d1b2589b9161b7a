package io.sightline.sfu.internal.publish;

/**
 * One RTP stream's clock: timestamps unwrapped and anchored at the arrival of the stream's first packet. Simulcast
 * layers have timestamp spaces of their own; anchoring each at its first arrival puts them on one timeline within
 * the network's jitter, which is what a viewer moving between layers needs (decision 0048).
 */
final class RtpClock {
    private final int rate;
    private long last = -1;
    private long unwrapped;
    private long anchorMicros;
    private long firstTs;

    RtpClock(int rate) {
        this.rate = rate;
    }

    long micros(long timestamp, long arrivalNanos) {
        if (last < 0) {
            unwrapped = timestamp;
            firstTs = timestamp;
            anchorMicros = arrivalNanos / 1000;
        } else {
            unwrapped += (int) (timestamp - last); // signed 32-bit difference
        }
        last = timestamp;
        return anchorMicros + (unwrapped - firstTs) * 1_000_000L / rate;
    }
}
