package io.sightline.sfu.internal;

/**
 * When one viewer moves between the rungs of its stream's ladder, from its bandwidth estimate (decision 0037) and its
 * loss (decision 0039). Rung 0 is the top. Pure logic on the caller's clock, one instance per viewer, used on the
 * viewer's RTCP thread only.
 *
 * <p>The rung's bitrate is what the viewer is actually sent, when that is less than the rung's nominal rate: a test
 * pattern or a quiet camera sends far less than its rung says, and the estimator stops at 1.5 x what it is sent,
 * so against the nominal rate every such viewer would look too slow.
 *
 * <ul>
 *   <li><b>Down</b> when the estimate has stayed below {@value #DOWN_MARGIN} x the rung's bitrate for
 *       {@value #DOWN_AFTER_MS} ms (two AIMD decreases), or below {@value #FAST_DOWN_MARGIN} x for
 *       {@value #FAST_DOWN_AFTER_MS} ms (a link that carries less than half the rung, such as a 300 kbit/s viewer of a
 *       2 Mbit/s camera: every further 100 ms there loses most of what is sent, and no AIMD wobble of a link that fits
 *       goes that deep), straight to the highest rung whose bitrate fits {@value #FIT} x the estimate (the lowest when
 *       none does).</li>
 *   <li><b>Up</b> one rung when, for {@value #UP_AFTER_MS} ms, loss stayed under 2 % and the estimate at least
 *       {@value #UP_MARGIN} x what the viewer is sent, audio included (the rung's bitrate before that is known; the estimator stops at 1.5 x what is sent, so it cannot see
 *       the next rung's rate itself), and not within the hold time after the last move down. The move up is the probe:
 *       when the viewer falls back down within {@value #TRIAL_MS} ms of it, the hold doubles (10 s, 20 s ... 80 s),
 *       so a link that cannot carry the upper rung is tried less and less often; a rung kept for
 *       {@value #TRIAL_MS} ms resets it.</li>
 *   <li><b>With probes</b> (a viewer whose session can send them: RTX and transport-cc negotiated, decision 0044) the
 *       move up waits for proof instead: once loss stayed under 2 % for {@value #UP_AFTER_MS} ms outside the hold,
 *       {@link #onEstimate} answers {@link #PROBE}: the caller sends a probe cluster at {@value #PROBE_GAIN} x what
 *       the next rung up needs (its bitrate plus what the viewer is sent beyond its current rung's video: audio and
 *       headers) and reports the result to {@link #onProbeResult}. A result of at least {@value #PROBE_FIT} x the
 *       need is a success: the next rung above that is probed at once (probing further, as libwebrtc does after a
 *       probe that fitted), and the viewer moves to the highest rung a probe showed fits. The first probe of a series is
 *       a scout ({@link #scouting()}, decision 0052): small enough not to freeze the pictures behind it on a link
 *       that cannot carry the rung, the common case; a scout that fits is only a hint (a shaper's burst allowance
 *       can pass it whole), and {@value #CONFIRM_AFTER_MS} ms later, once the queue it may have built has drained,
 *       a larger probe for the same rung decides. A failed first probe
 *       backs off: the next comes {@value #PROBE_BACKOFF_MS} ms later, doubling up to {@value #PROBE_MAX_BACKOFF_MS}
 *       ms; a move resets it. The hold after a move down is then {@value #PROBE_HOLD_MS} ms (doubling after a move
 *       up that failed all the same, as above). Nothing is probed on the top rung, nor while a move is pending.</li>
 *   <li>The ladder's last rung is its floor (decision 0042: the lowest rung's box at a third of its bitrate and 10
 *       pictures a second): a viewer goes there like to any rung, and leaves it by the same rule.</li>
 *   <li>While a move is pending (the viewer waits for the target rung's keyframe) nothing else is decided.</li>
 * </ul>
 */
final class RungPolicy {
    static final double DOWN_MARGIN = 0.9;
    static final double FIT = 0.85;
    static final long DOWN_AFTER_MS = 1000;
    static final double FAST_DOWN_MARGIN = 0.5;
    static final long FAST_DOWN_AFTER_MS = 250;
    static final double UP_MARGIN = 1.3;
    static final long UP_AFTER_MS = 2000;
    static final double UP_MAX_LOSS = 0.02;
    static final long HOLD_MS = 10_000;
    static final long MAX_HOLD_MS = 80_000;
    static final long TRIAL_MS = 10_000;
    /** {@link #onEstimate}'s answer when a probe should be sent (at {@link #probeTargetBps()}). */
    static final int PROBE = -2;
    static final double PROBE_GAIN = 1.3;
    static final double PROBE_FIT = 1.15;
    static final long PROBE_BACKOFF_MS = 2000;
    static final long PROBE_MAX_BACKOFF_MS = 6000;
    /** The hold after a move down when moves up wait for a probe: a failed probe costs far less than a failed move. */
    static final long PROBE_HOLD_MS = 5000;
    /** After a scout that fitted, the full probe waits this long: what the scout queued drains first. */
    static final long CONFIRM_AFTER_MS = 600;

    private final int[] kbps;
    private int rung;
    private int pending = -1;
    private long belowSince = -1;
    private long farBelowSince = -1;
    private long aboveSince = -1;
    private long lastDown = Long.MIN_VALUE / 2;
    private long lastUp = Long.MIN_VALUE / 2;
    private long hold;
    private final long baseHold;
    private final boolean probes;
    /** The rung the probe under way is for, -1 when none is under way. */
    private int probing = -1;
    /** Whether the probe under way is its series' scout (decision 0052). */
    private boolean scouting;
    /** Whether the move proposed last leaves a rung the link carries less than half of. */
    private boolean urgent;
    /** When the full probe after a scout that fitted is due, -1 when none waits. */
    private long confirmAtMs = -1;
    /** The highest rung a probe of the current series showed fits, -1 before the first success. */
    private int confirmed = -1;
    /** What the viewer is sent beyond its rung's video (audio, headers), kbit/s: part of what a rung up needs. */
    private double extraKbps;
    private long nextProbeMs = Long.MIN_VALUE / 2;
    private int failedProbes;

    /** Without probes: the move up is the probe (decision 0039). */
    RungPolicy(int[] kbps, int start) {
        this(kbps, start, false);
    }

    /**
     * @param kbps   the rungs' bitrates, top first, each lower than the one before
     * @param probes whether the viewer can be sent probes (then it moves up only after one showed the rung fits)
     */
    RungPolicy(int[] kbps, int start, boolean probes) {
        this.kbps = kbps.clone();
        this.rung = start;
        this.probes = probes;
        this.baseHold = probes ? PROBE_HOLD_MS : HOLD_MS;
        this.hold = baseHold;
    }

    int rung() {
        return rung;
    }

    long holdMs() {
        return hold;
    }

    /**
     * One estimate. Returns the rung to move to, or -1 to stay (or while a move is pending).
     *
     * @param estimateBps the viewer's estimate, 0 when it has none yet (then nothing moves)
     * @param sentBps     what the viewer was sent lately, 0 when not known yet
     * @param loss        the viewer's loss fraction, 0..1
     */
    int onEstimate(long nowMs, long estimateBps, long sentBps, double loss) {
        if (pending >= 0 || estimateBps <= 0) {
            return -1;
        }
        double estimateKbps = estimateBps / 1000.0;
        double rate = sentBps > 0 ? Math.min(kbps[rung], sentBps / 1000.0) : kbps[rung];
        if (sentBps > 0) {
            extraKbps = Math.max(0, sentBps / 1000.0 - kbps[rung]);
        }
        if (estimateKbps < DOWN_MARGIN * rate && rung < kbps.length - 1) {
            aboveSince = -1;
            if (belowSince < 0) {
                belowSince = nowMs;
            }
            boolean farBelow = estimateKbps < FAST_DOWN_MARGIN * rate;
            if (!farBelow) {
                farBelowSince = -1;
            } else if (farBelowSince < 0) {
                farBelowSince = nowMs;
            }
            if (nowMs - belowSince >= DOWN_AFTER_MS || (farBelow && nowMs - farBelowSince >= FAST_DOWN_AFTER_MS)) {
                urgent = farBelow;
                probing = -1;
                scouting = false;
                confirmAtMs = -1;
                confirmed = -1;
                return propose(fit(estimateKbps));
            }
            return -1;
        }
        belowSince = -1;
        farBelowSince = -1;
        if (hold > baseHold && lastUp > lastDown && nowMs - lastUp >= TRIAL_MS) {
            hold = baseHold; // the last move up held: the link carries it
        }
        // Headroom is judged against everything sent, audio included: on the floor (50 kbit/s of video) the audio is
        // a large part of what the link carries, and against the video alone a link that cannot even carry the
        // lowest rung would look like it had room and be probed every hold.
        if (probes) {
            return probeWhenDue(nowMs, loss);
        }
        double sent = sentBps > 0 ? sentBps / 1000.0 : kbps[rung];
        if (rung > 0 && loss < UP_MAX_LOSS && estimateKbps >= UP_MARGIN * sent
                && nowMs - lastDown >= hold) {
            if (aboveSince < 0) {
                aboveSince = nowMs;
            }
            if (nowMs - aboveSince >= UP_AFTER_MS) {
                return propose(rung - 1);
            }
            return -1;
        }
        aboveSince = -1;
        return -1;
    }

    private int probeWhenDue(long nowMs, double loss) {
        if (confirmAtMs >= 0 && nowMs >= confirmAtMs) {
            confirmAtMs = -1;
            return PROBE; // for the rung the scout was for
        }
        if (probing >= 0) {
            return -1;
        }
        if (rung > 0 && loss < UP_MAX_LOSS && nowMs - lastDown >= hold) {
            if (aboveSince < 0) {
                aboveSince = nowMs;
            }
            if (nowMs - aboveSince >= UP_AFTER_MS && nowMs >= nextProbeMs) {
                probing = rung - 1;
                confirmed = -1;
                scouting = true;
                return PROBE;
            }
            return -1;
        }
        aboveSince = -1;
        return -1;
    }

    /** The rate the probe just asked for ({@link #PROBE}) should be sent at, bits per second. */
    long probeTargetBps() {
        return (long) (PROBE_GAIN * needKbps(probing) * 1000);
    }

    /** What a viewer on {@code target} would be sent: its video plus what comes beyond the video now, kbit/s. */
    double needKbps(int target) {
        return kbps[Math.max(0, target)] + extraKbps;
    }

    /**
     * The probe asked for came back: {@code resultBps} is what it showed fits (0: it failed). Returns the rung to move
     * to, {@link #PROBE} to probe the next rung up first, or -1 to stay.
     */
    int onProbeResult(long nowMs, long resultBps) {
        if (probing < 0 || pending >= 0) {
            return -1;
        }
        int probed = probing;
        probing = -1;
        boolean fits = resultBps >= PROBE_FIT * needKbps(probed) * 1000;
        if (scouting) {
            scouting = false;
            if (fits) {
                probing = probed; // the scout fitted: the full probe decides, once the scout's queue drained
                confirmAtMs = nowMs + CONFIRM_AFTER_MS;
                return -1;
            }
        }
        if (fits) {
            failedProbes = 0;
            confirmed = probed;
            if (probed > 0) {
                probing = probed - 1;
                return PROBE;
            }
        } else if (confirmed < 0) {
            nextProbeMs = nowMs + Math.min(PROBE_MAX_BACKOFF_MS, PROBE_BACKOFF_MS << Math.min(failedProbes, 16));
            failedProbes++;
            return -1;
        }
        int target = confirmed;
        confirmed = -1;
        return propose(target);
    }

    /** The probe asked for could not be sent or got no result: a failed probe. */
    void probeFailed(long nowMs) {
        if (probing >= 0) {
            onProbeResult(nowMs, 0);
        }
    }

    /**
     * Whether the move just proposed is urgent: down from a rung the link carries less than half of
     * ({@value #FAST_DOWN_MARGIN} x), so the rung's video need not be sent while the viewer waits for the target's keyframe.
     */
    boolean urgent() {
        return urgent && pending > rung;
    }

    /** Whether the probe asked for is a scout: the first of its series, to be sent small. */
    boolean scouting() {
        return scouting;
    }

    /** The rung a probe under way is for, -1 when none is. */
    int probing() {
        return probing;
    }

    /** When the next probe may come after failed ones (the caller's clock, ms). */
    long nextProbeMs() {
        return nextProbeMs;
    }

    /** The move to {@code target} took effect (the viewer got the target's keyframe). */
    void moved(long nowMs, int target) {
        if (target > rung) {
            if (nowMs - lastUp < TRIAL_MS) {
                hold = Math.min(MAX_HOLD_MS, hold * 2); // the probe failed
            }
            lastDown = nowMs;
        } else if (target < rung) {
            lastUp = nowMs;
        }
        rung = target;
        pending = -1;
        belowSince = -1;
        farBelowSince = -1;
        aboveSince = -1;
        probing = -1;
        scouting = false;
        confirmAtMs = -1;
        confirmed = -1;
        failedProbes = 0;
        nextProbeMs = Long.MIN_VALUE / 2;
    }

    /** The pending move could not be made (the rung cannot run): decide afresh with the next estimate. */
    void abandoned() {
        pending = -1;
    }

    private int propose(int target) {
        if (target == rung) {
            return -1;
        }
        pending = target;
        return target;
    }

    private int fit(double estimateKbps) {
        for (int i = rung + 1; i < kbps.length; i++) {
            if (kbps[i] <= FIT * estimateKbps) {
                return i;
            }
        }
        return kbps.length - 1;
    }
}
