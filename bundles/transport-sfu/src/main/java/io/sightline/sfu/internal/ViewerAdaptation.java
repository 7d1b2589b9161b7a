package io.sightline.sfu.internal;

import io.sightline.api.stream.Rendition;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one viewer between the rungs of its stream (decision 0039): {@link RungPolicy} decides from the viewer's
 * estimate and loss, this class finds the target rung's fan-out (starting the rendition when nobody watches it yet)
 * and hands the move to the session, which makes it at the target's next keyframe; when the policy wants a probe first
 * (decision 0044), this class sizes it, has the {@link ProbePacer} send it through the session and gives the policy
 * its result. Runs on the viewer's RTCP thread
 * (one thread per session); the session reports the move from its fan-out thread through a volatile field only, so
 * no lock is ever taken here while the session's send lock is held, or the other way round.
 */
final class ViewerAdaptation {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerAdaptation.class);
    /** A move whose target sent no keyframe in this time is called off (a rendition that cannot start). */
    static final long MOVE_TIMEOUT_MS = 5000;
    /** A probe without a result after this long failed (its feedback did not come back). */
    static final long PROBE_TIMEOUT_MS = 2000;
    /** The queue a probe may build where the link is no faster than the estimate; see {@link #probeBytes}. */
    static final long PROBE_QUEUE_MS = 150;
    static final long PROBE_MAX_MS = 150;
    static final long PROBE_MIN_MS = 60;
    static final int PROBE_MIN_BYTES = 11_000;
    /** ... unless that is longer than this at the target rate (a probe for the floor's next rung is a few kB). */
    static final long PROBE_MIN_BYTES_MS = 200;
    /** A full probe (after a scout that fitted, or further up a series) is at least this big ... */
    static final int FULL_PROBE_MIN_BYTES = 17_000;
    /** ... unless that is longer than this at the target rate. */
    static final long FULL_PROBE_MIN_BYTES_MS = 300;
    /**
     * What the viewer is sent is measured over windows of this length, the first on a rung over a shorter one: until
     * it is known nothing is decided, and a viewer behind a link far slower than its rung should not lose most of
     * its packets for two seconds first (its estimate is known after the estimator's first half second of arrivals).
     */
    static final long SENT_WINDOW_MS = 2000;
    static final long FIRST_SENT_WINDOW_MS = 500;

    /** Finds the fan-out of a rung; null rendition: the stream's own media. */
    interface Rungs {
        /** @throws IllegalArgumentException when the rung cannot run */
        StreamFanout fanout(Rendition rendition);

        /** A fan-out found for a move that did not happen: released if nobody uses it. */
        void unused(StreamFanout fanout);
    }

    private final SfuViewerSession session;
    private final List<Rendition> rungs;
    private final Rungs fanouts;
    private final RungPolicy policy;
    /** Sends probes; null when the viewer cannot be probed (then the move up is the probe, decision 0039). */
    private final ProbePacer pacer;
    private int probeCluster = -1;
    private long probeStartedMs;
    private int probeBytes;
    private volatile int probesSent;
    private long moveStartedMs = -1;
    private int target = -1;
    private volatile int moves;
    /** Set by the session when the move happened, taken by the next estimate. */
    private volatile boolean arrived;
    /** What the viewer was sent over the last window of at least a second: the rung's real rate. */
    private long windowStartMs = -1;
    private long windowStartBytes;
    private long sentBps;

    /**
     * @param rungs the viewer's rungs, top first; a null entry is the stream's own media (a passthrough camera's top)
     * @param kbps  their bitrates
     * @param start the rung the viewer starts on
     */
    ViewerAdaptation(SfuViewerSession session, List<Rendition> rungs, int[] kbps, int start, Rungs fanouts) {
        this(session, rungs, kbps, start, fanouts, null);
    }

    /** @param pacer sends probes before moves up; null: no probes, the move up itself is the probe */
    ViewerAdaptation(SfuViewerSession session, List<Rendition> rungs, int[] kbps, int start, Rungs fanouts,
            ProbePacer pacer) {
        this.session = session;
        this.rungs = rungs;
        this.fanouts = fanouts;
        this.pacer = pacer;
        this.policy = new RungPolicy(kbps, start, pacer != null);
    }

    int probesSent() {
        return probesSent;
    }

    int rung() {
        return policy.rung();
    }

    Rendition rendition() {
        return rungs.get(policy.rung());
    }

    int moves() {
        return moves;
    }

    /**
     * A new estimate (RTCP thread).
     *
     * @param bytesSent everything sent to the viewer so far
     */
    void onEstimate(long nowMs, long estimateBps, long bytesSent, double loss) {
        if (target >= 0 && arrived) {
            arrived = false;
            policy.moved(nowMs, target);
            target = -1;
            moves++;
            windowStartMs = -1;
            sentBps = 0; // the old rung's rate says nothing about this one
        }
        measureSent(nowMs, bytesSent);
        if (target >= 0) {
            if (nowMs - moveStartedMs > MOVE_TIMEOUT_MS && session.cancelMove()) {
                LOG.info("Session {}: move to {} called off (no keyframe within {} ms)", session.id(),
                        describe(target), MOVE_TIMEOUT_MS);
                target = -1;
                policy.abandoned();
            }
            return;
        }
        if (sentBps <= 0) {
            return; // the first half second on a rung: its real rate is not known yet
        }
        int next = policy.onEstimate(nowMs, estimateBps, sentBps, loss);
        if (next < 0 && probeCluster >= 0) {
            next = probeResult(nowMs);
        }
        act(nowMs, next, estimateBps, loss);
    }

    /** The policy's answer: a probe to send, a move to start, or nothing. */
    private void act(long nowMs, int next, long estimateBps, double loss) {
        if (next == RungPolicy.PROBE) {
            probe(nowMs, estimateBps);
            return;
        }
        if (next < 0) {
            return;
        }
        probeCluster = -1; // a move down while a probe was out: its result no longer matters
        StreamFanout f;
        try {
            f = fanouts.fanout(rungs.get(next));
        } catch (IllegalArgumentException e) {
            LOG.warn("Session {}: cannot move to {}: {}", session.id(), describe(next), e.getMessage());
            policy.abandoned();
            return;
        }
        if (!session.moveTo(f, policy.urgent())) {
            fanouts.unused(f);
            policy.abandoned();
            return;
        }
        LOG.info("Session {}: moving from {} to {} (estimate {} kbit/s, loss {}%{})", session.id(),
                describe(policy.rung()), describe(next), estimateBps / 1000, Math.round(loss * 1000) / 10.0,
                next < policy.rung() && pacer != null ? ", after a probe" : "");
        target = next;
        moveStartedMs = nowMs;
    }

    /** The probe under way, when its result is in (or it timed out): what the policy makes of it. */
    private int probeResult(long nowMs) {
        long result = session.probeResultBps(probeCluster);
        if (result < 0 && nowMs - probeStartedMs < PROBE_TIMEOUT_MS) {
            return -1;
        }
        result = Math.max(0, result);
        LOG.debug("Session {}: {} for {} at {} kbit/s ({} B) showed {} kbit/s", session.id(),
                policy.scouting() ? "scout" : "probe", describe(policy.probing()), policy.probeTargetBps() / 1000,
                probeBytes, result / 1000);
        probeCluster = -1;
        return policy.onProbeResult(nowMs, result);
    }

    private void probe(long nowMs, long estimateBps) {
        long target = policy.probeTargetBps();
        int cluster = session.startProbe(target);
        probeBytes = policy.scouting() ? probeBytes(target, estimateBps) : fullProbeBytes(target, estimateBps);
        if (!pacer.start(session, cluster, target, probeBytes)) {
            policy.probeFailed(nowMs);
            return;
        }
        probeCluster = cluster;
        probeStartedMs = nowMs;
        probesSent++;
        LOG.debug("Session {}: probing for {} at {} kbit/s", session.id(), describe(policy.probing()), target / 1000);
    }

    /**
     * How big a probe at {@code targetBps} is: as long as it can be ({@value #PROBE_MAX_MS} ms), so that a shaper's
     * burst allowance (a token bucket's few kB) cannot pass it whole and hide the link's rate, but short enough that,
     * should the link carry no more than the estimate, the queue it builds there stays within
     * {@value #PROBE_QUEUE_MS} ms: the excess over the estimate, (target - estimate) x duration, drains at the
     * estimate. At least {@value #PROBE_MIN_MS} ms and {@value #PROBE_MIN_BYTES} bytes (or
     * {@value #PROBE_MIN_BYTES_MS} ms of the target, when that is less), decision 0052: the benchmark's token bucket
     * passes 6 kB at once plus what it refills meanwhile, so a probe for the 600 kbit/s rung behind 300 kbit/s needs
     * ~10 kB to show the link (6.8 kB showed 780 kbit/s); but everything beyond that queues the viewer's pictures
     * behind it (the probe rides on top of the media): 15 kB held them 170-200 ms, a freeze, where 11 kB holds them
     * ~115 ms and still shows ~250 kbit/s behind 300 and ~630 behind 500, both clear failures for the 600 rung.
     */
    static int probeBytes(long targetBps, long estimateBps) {
        double ms = targetBps > estimateBps ? (double) PROBE_QUEUE_MS * estimateBps / (targetBps - estimateBps)
                : PROBE_MAX_MS;
        ms = Math.max(PROBE_MIN_MS, Math.min(PROBE_MAX_MS, ms));
        long floor = Math.min(PROBE_MIN_BYTES, targetBps * PROBE_MIN_BYTES_MS / 8000);
        return (int) Math.max(floor, targetBps * ms / 8000);
    }

    /**
     * How big a full probe is: a scout's size at least, and at least {@value #FULL_PROBE_MIN_BYTES} bytes (or
     * {@value #FULL_PROBE_MIN_BYTES_MS} ms of the target, when that is less), decision 0052. Behind 500 kbit/s the
     * benchmark bucket's 6 kB burst plus what it refills during an 11 kB scout passed the scout at 640-760 kbit/s, a
     * success for the 600 kbit/s rung; 15 kB showed 550-580. A full probe only follows a scout that fitted, so the
     * link it lands on is rarely one it freezes.
     */
    static int fullProbeBytes(long targetBps, long estimateBps) {
        long floor = Math.min(FULL_PROBE_MIN_BYTES, targetBps * FULL_PROBE_MIN_BYTES_MS / 8000);
        return (int) Math.max(floor, probeBytes(targetBps, estimateBps));
    }

    private void measureSent(long nowMs, long bytesSent) {
        if (windowStartMs < 0) {
            windowStartMs = nowMs;
            windowStartBytes = bytesSent;
        } else if (nowMs - windowStartMs >= (sentBps > 0 ? SENT_WINDOW_MS : FIRST_SENT_WINDOW_MS)) {
            sentBps = (bytesSent - windowStartBytes) * 8000 / (nowMs - windowStartMs);
            windowStartMs = nowMs;
            windowStartBytes = bytesSent;
        }
    }

    /** The session made the move at the target's keyframe (under its send lock: only a flag here). */
    void moved(StreamFanout now) {
        arrived = true;
    }

    private String describe(int rung) {
        Rendition r = rungs.get(rung);
        return r == null ? "the stream itself" : r.key();
    }
}
