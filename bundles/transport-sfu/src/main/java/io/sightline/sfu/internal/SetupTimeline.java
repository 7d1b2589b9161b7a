package io.sightline.sfu.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When one viewer's session reached each setup milestone, seen from the server: answer made, first valid ICE
 * check, first DTLS record (the ClientHello), DTLS done, admitted by the fan-out, first media packet sent. Each
 * milestone is written once by the thread that reaches it; the summary goes to the {@code io.sightline.sfu.setup}
 * logger at DEBUG when the first packet leaves, so where a slow start spends its time can be read per session
 * (benchmarks/load prints the percentiles).
 */
final class SetupTimeline {
    /** A logger of its own, so the benchmark can turn on exactly this line. */
    static final Logger LOG = LoggerFactory.getLogger("io.sightline.sfu.setup");

    private final long answeredNanos;
    private volatile long firstCheckNanos;
    private volatile long dtlsStartNanos;
    private volatile long dtlsDoneNanos;
    private volatile long admittedNanos;
    private volatile long firstPacketNanos;

    SetupTimeline(long answeredNanos) {
        this.answeredNanos = answeredNanos;
    }

    void firstCheck(long now) {
        if (firstCheckNanos == 0) {
            firstCheckNanos = now;
        }
    }

    void dtlsStart(long now) {
        if (dtlsStartNanos == 0) {
            dtlsStartNanos = now;
        }
    }

    void dtlsDone(long now) {
        dtlsDoneNanos = now;
    }

    void admitted(long now) {
        if (admittedNanos == 0) {
            admittedNanos = now;
        }
    }

    boolean firstPacketSent() {
        return firstPacketNanos != 0;
    }

    /** Marks the first media packet; returns true only for that one call (the caller then logs). */
    boolean firstPacket(long now) {
        if (firstPacketNanos != 0) {
            return false;
        }
        firstPacketNanos = now;
        return true;
    }

    private String since(long t) {
        return t == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f", (t - answeredNanos) / 1e6);
    }

    /** {@code ice=… dtlsStart=… dtlsDone=… admitted=… firstPacket=…} in ms after the answer. */
    String summary() {
        return "ice=" + since(firstCheckNanos) + " dtlsStart=" + since(dtlsStartNanos) + " dtlsDone="
                + since(dtlsDoneNanos) + " admitted=" + since(admittedNanos) + " firstPacket="
                + since(firstPacketNanos);
    }
}
