package io.sightline.rtp.cc;

/**
 * Groups packets sent in one burst (a video frame goes out at once) and compares consecutive groups: how much later
 * the second group arrived than the first, against how much later it was sent (draft-ietf-rmcat-gcc-02 section 5.2,
 * libwebrtc's InterArrival). A growing difference is a growing queue on the path.
 */
final class ArrivalGroups {
    /** Packets sent within this span of the group's first packet belong to the group (a burst). */
    static final long GROUP_SPAN_MICROS = 5_000;
    /** A packet arriving this soon after the previous one, and earlier than its send spacing says, joins its group. */
    static final long BURST_MICROS = 5_000;
    /** A gap this large (a stall, a clock jump) starts afresh instead of yielding a huge delta. */
    static final long RESET_MICROS = 3_000_000;

    /** Receives each completed pair of groups. */
    interface Listener {
        void onGroupDelta(double sendDeltaMs, double arrivalDeltaMs, long arrivalMicros);
    }

    private final Listener listener;
    private boolean current;
    private long firstSend;
    private long lastSend;
    private long lastArrival;
    private boolean previous;
    private long previousLastSend;
    private long previousLastArrival;

    ArrivalGroups(Listener listener) {
        this.listener = listener;
    }

    /** One received packet, in transport-wide sequence order. */
    void packet(long sendMicros, long arrivalMicros) {
        if (!current) {
            start(sendMicros, arrivalMicros);
            return;
        }
        if (sendMicros < firstSend) {
            return; // sent before the group being built: reordered, says nothing about the queue
        }
        if (belongs(sendMicros, arrivalMicros)) {
            lastSend = Math.max(lastSend, sendMicros);
            lastArrival = Math.max(lastArrival, arrivalMicros);
            return;
        }
        if (previous) {
            long sendDelta = lastSend - previousLastSend;
            long arrivalDelta = lastArrival - previousLastArrival;
            if (Math.abs(arrivalDelta - sendDelta) > RESET_MICROS || arrivalDelta < 0) {
                previous = false;
                start(sendMicros, arrivalMicros);
                return;
            }
            listener.onGroupDelta(sendDelta / 1000.0, arrivalDelta / 1000.0, lastArrival);
        }
        previous = true;
        previousLastSend = lastSend;
        previousLastArrival = lastArrival;
        start(sendMicros, arrivalMicros);
    }

    private boolean belongs(long sendMicros, long arrivalMicros) {
        if (sendMicros - firstSend <= GROUP_SPAN_MICROS) {
            return true;
        }
        // A burst that the path delivered back to back: it arrived faster than it was sent.
        long arrivalDelta = arrivalMicros - lastArrival;
        long propagationDelta = arrivalDelta - (sendMicros - lastSend);
        return arrivalDelta < BURST_MICROS && propagationDelta < 0;
    }

    private void start(long sendMicros, long arrivalMicros) {
        current = true;
        firstSend = sendMicros;
        lastSend = sendMicros;
        lastArrival = arrivalMicros;
    }
}
