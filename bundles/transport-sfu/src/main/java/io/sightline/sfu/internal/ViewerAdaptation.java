package io.sightline.sfu.internal;

import io.sightline.api.stream.Rendition;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one viewer between the rungs of its stream (decision 0039): {@link RungPolicy} decides from the viewer's
 * estimate and loss, this class finds the target rung's fan-out (starting the rendition when nobody watches it yet)
 * and hands the move to the session, which makes it at the target's next keyframe. Runs on the viewer's RTCP thread
 * (one thread per session); the session reports the move from its fan-out thread through a volatile field only, so
 * no lock is ever taken here while the session's send lock is held, or the other way round.
 */
final class ViewerAdaptation {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerAdaptation.class);
    /** A move whose target sent no keyframe in this time is called off (a rendition that cannot start). */
    static final long MOVE_TIMEOUT_MS = 5000;

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
        this.session = session;
        this.rungs = rungs;
        this.fanouts = fanouts;
        this.policy = new RungPolicy(kbps, start);
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
            return; // the first 2 s on a rung: its real rate is not known yet, and the estimate is still rising
        }
        int next = policy.onEstimate(nowMs, estimateBps, sentBps, loss);
        if (next < 0) {
            return;
        }
        StreamFanout f;
        try {
            f = fanouts.fanout(rungs.get(next));
        } catch (IllegalArgumentException e) {
            LOG.warn("Session {}: cannot move to {}: {}", session.id(), describe(next), e.getMessage());
            policy.abandoned();
            return;
        }
        if (!session.moveTo(f)) {
            fanouts.unused(f);
            policy.abandoned();
            return;
        }
        LOG.info("Session {}: moving from {} to {} (estimate {} kbit/s, loss {}%)", session.id(),
                describe(policy.rung()), describe(next), estimateBps / 1000, Math.round(loss * 1000) / 10.0);
        target = next;
        moveStartedMs = nowMs;
    }

    private void measureSent(long nowMs, long bytesSent) {
        if (windowStartMs < 0) {
            windowStartMs = nowMs;
            windowStartBytes = bytesSent;
        } else if (nowMs - windowStartMs >= 2000) {
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
