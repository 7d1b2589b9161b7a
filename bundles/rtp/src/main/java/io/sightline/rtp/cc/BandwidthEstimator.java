package io.sightline.rtp.cc;

/**
 * Estimates how many bits per second reach one receiver, from what it reports back, best source first:
 * <ol>
 * <li>transport-wide congestion control feedback: the smaller of a delay-based rate (packet groups' arrival-time
 * deltas, a trendline over-use detector and AIMD rate control) and a loss-based rate, as Google Congestion Control
 * combines them (draft-ietf-rmcat-gcc-02);</li>
 * <li>the receiver's own REMB, when it sends no transport-wide feedback;</li>
 * <li>the loss in its receiver reports against the rate sent, when it sends neither.</li>
 * </ol>
 * A lower source is ignored while a better one has reported within {@link #SOURCE_TIMEOUT_MICROS}.
 *
 * <p>A sender that is application-limited (an SFU viewer on a low rung) never shows more than it sends, so the
 * transport-cc estimate stops at 1.5 x what is sent. To see further the sender sends a <em>probe cluster</em>: a few
 * packets paced at a target rate ({@link #startProbe}, {@link #probeSent}, {@link #probeEnded}); its feedback gives
 * the rate the path carried it at ({@link #probeResultBps}), and a successful probe lifts the estimate to that rate.
 *
 * <p>Threads: {@link #packetSent} is called by the sending thread and never blocks; everything else is called by the
 * thread that reads the receiver's RTCP, under this estimator's own lock (never the sender's). {@link #estimateBps} and
 * {@link #source} may be read by any thread. Times are microseconds of one monotonic clock chosen by the caller;
 * arrival times are the receiver's clock, of which only differences are used.
 */
public final class BandwidthEstimator {
    /** A source that has not reported for this long gives way to the next one. */
    public static final long SOURCE_TIMEOUT_MICROS = 2_000_000;
    /** Loss is measured over at least this many packets of feedback, so one lost packet is not 50 % loss. */
    static final int LOSS_MIN_PACKETS = 20;
    static final long DEFAULT_MAX_BPS = 100_000_000;
    /** Receiver reports closer together than this are not used for a loss-based rate (the sent rate is too noisy). */
    static final long REPORT_MIN_INTERVAL_MICROS = 200_000;
    /** A probe result this close to its target counts as reaching it (and lifts the estimate). */
    static final double PROBE_REACHED = 0.88;

    private final SendHistory sent = new SendHistory();
    private final ProbeBitrateEstimator probes = new ProbeBitrateEstimator();
    private int nextCluster;
    private final AcknowledgedRate acked = new AcknowledgedRate();
    private final TrendlineDetector detector = new TrendlineDetector();
    private final ArrivalGroups groups = new ArrivalGroups(this::onGroupDelta);
    private final AimdRateControl delayBased;
    private final LossBasedControl lossBased;
    private final LossBasedControl reportLossBased;

    private boolean overuseInFeedback;
    private int feedbackLost;
    private int feedbackReceived;
    private int lossLost;
    private int lossExpected;
    private long rttMicros = 100_000;
    private long lastTransportCcMicros = Long.MIN_VALUE / 2;
    private long lastRembMicros = Long.MIN_VALUE / 2;
    private long lastReportMicros = Long.MIN_VALUE / 2;
    private long bytesSentAtReport = -1;

    private volatile long estimateBps;
    private volatile EstimateSource source = EstimateSource.NONE;

    public BandwidthEstimator() {
        this(DEFAULT_MAX_BPS);
    }

    /** @param maxBps the highest estimate reported (the estimate never says more than this) */
    public BandwidthEstimator(long maxBps) {
        this.delayBased = new AimdRateControl(maxBps);
        this.lossBased = new LossBasedControl(maxBps);
        this.reportLossBased = new LossBasedControl(maxBps);
    }

    // ---- sending thread -----------------------------------------------------------------------------------------

    /** A packet carrying this transport-wide sequence number (16 bit) left, {@code bytes} long on the wire. */
    public void packetSent(int transportSequence, int bytes, long nowMicros) {
        sent.sent(transportSequence, bytes, nowMicros);
    }

    // ---- probing (the thread that paces the probe) ----------------------------------------------------------

    /**
     * A probe cluster begins, to be sent at {@code targetBps}: returns its id, to tag its packets with. Only a result
     * of at least {@value #PROBE_REACHED} x the target lifts the estimate: a probe that fell short says that its
     * target does not fit, and its lower rate may still be one a shaper's burst allowance made look better than it is.
     */
    public synchronized int startProbe(long targetBps) {
        int id = nextCluster++ & Integer.MAX_VALUE;
        probes.started(id, targetBps);
        return id;
    }

    /** A packet of probe cluster {@code cluster} left (as {@link #packetSent}: never blocks). */
    public void probeSent(int transportSequence, int bytes, int cluster, long nowMicros) {
        sent.sent(transportSequence, bytes, nowMicros, cluster);
    }

    /** The cluster is complete: {@code packets} were sent. Its result is judged once their feedback is in. */
    public synchronized void probeEnded(int cluster, int packets, long nowMicros) {
        probes.ended(cluster, packets, nowMicros);
    }

    /**
     * What the cluster showed the path carries, in bits per second: -1 while its feedback is still awaited, 0 when
     * the probe failed (most of it lost, or it is no longer known).
     */
    public synchronized long probeResultBps(int cluster) {
        return probes.result(cluster);
    }

    // ---- feedback thread ----------------------------------------------------------------------------------------

    /** Transport-wide feedback reports this packet as not received (yet). */
    public synchronized void packetLost(int transportSequence) {
        if (sent.sendMicros(transportSequence) >= 0) {
            feedbackLost++;
            int cluster = sent.cluster(transportSequence);
            if (cluster >= 0) {
                probes.lost(cluster);
            }
        }
    }

    /** Transport-wide feedback reports this packet received at {@code arrivalMicros} of the receiver's clock. */
    public synchronized void packetArrived(int transportSequence, long arrivalMicros) {
        long sendMicros = sent.sendMicros(transportSequence);
        int size = sent.size(transportSequence);
        if (sendMicros < 0 || size < 0) {
            return; // not ours, or too old to know when it left
        }
        feedbackReceived++;
        acked.add(arrivalMicros, size);
        groups.packet(sendMicros, arrivalMicros);
        int cluster = sent.cluster(transportSequence);
        if (cluster >= 0) {
            probes.arrived(cluster, sendMicros, size, arrivalMicros);
        }
    }

    /** The transport-wide feedback packet whose statuses were just reported is complete: update the estimate. */
    public synchronized void feedbackComplete(long nowMicros) {
        if (feedbackLost + feedbackReceived == 0) {
            return;
        }
        lastTransportCcMicros = nowMicros;
        lossLost += feedbackLost;
        lossExpected += feedbackLost + feedbackReceived;
        feedbackLost = 0;
        feedbackReceived = 0;
        long ackedBps = acked.bps();
        if (!delayBased.initialized() && ackedBps > 0) {
            delayBased.initialize(ackedBps, nowMicros);
            lossBased.initialize(ackedBps, nowMicros);
        }
        BandwidthUsage usage = overuseInFeedback ? BandwidthUsage.OVERUSING : detector.state();
        overuseInFeedback = false;
        delayBased.update(usage, ackedBps, rttMicros, nowMicros);
        long probed = probes.judge(nowMicros, PROBE_REACHED);
        if (probed > 0 && !delayBased.initialized()) {
            delayBased.initialize(probed, nowMicros); // a probe is a measured rate, as good a start as the acked one
            lossBased.initialize(probed, nowMicros);
        } else if (probed > 0 && usage != BandwidthUsage.OVERUSING) {
            // The path carried the cluster at this rate: as libwebrtc, the delay-based rate takes it; the loss-based
            // one too (it cannot know better until loss says otherwise). A probe never lowers the estimate: a failed
            // one says only that its target did not fit.
            delayBased.raiseTo(probed, nowMicros);
            lossBased.raiseTo(probed, nowMicros);
        }
        if (lossExpected >= LOSS_MIN_PACKETS) {
            lossBased.update((double) lossLost / lossExpected, ackedBps, rttMicros, nowMicros);
            lossLost = 0;
            lossExpected = 0;
        }
        if (delayBased.initialized()) {
            publish(Math.min(delayBased.rateBps(), lossBased.rateBps()), EstimateSource.TRANSPORT_CC);
        }
    }

    /** The receiver's REMB. */
    public synchronized void remb(long bitrateBps, long nowMicros) {
        lastRembMicros = nowMicros;
        if (!fresh(lastTransportCcMicros, nowMicros)) {
            publish(bitrateBps, EstimateSource.REMB);
        }
    }

    /**
     * A receiver report block about our media.
     *
     * @param fractionLost256 its fraction lost, out of 256
     * @param bytesSent       all bytes sent to this receiver so far, to know the rate the loss applies to
     * @param rttMicros       the round trip the report showed, or a negative value when it showed none
     */
    public synchronized void receiverReport(int fractionLost256, long bytesSent, long rttMicros, long nowMicros) {
        if (rttMicros >= 0) {
            this.rttMicros = rttMicros;
        }
        long elapsed = nowMicros - lastReportMicros;
        if (bytesSentAtReport >= 0 && elapsed >= 0 && elapsed < REPORT_MIN_INTERVAL_MICROS) {
            return; // another block of the same compound, or a burst of reports: too short a span for a rate
        }
        long previousBytes = bytesSentAtReport;
        bytesSentAtReport = bytesSent;
        lastReportMicros = nowMicros;
        if (previousBytes < 0 || elapsed <= 0 || elapsed > 10 * SOURCE_TIMEOUT_MICROS || bytesSent < previousBytes) {
            return; // the first report, or one after a long gap: no rate to compare with yet
        }
        double loss = fractionLost256 / 256.0;
        long sentBps = (bytesSent - previousBytes) * 8_000_000 / elapsed;
        long gotBps = (long) (sentBps * (1 - loss));
        if (!reportLossBased.initialized()) {
            reportLossBased.initialize(gotBps, nowMicros);
        }
        reportLossBased.update(loss, gotBps, this.rttMicros, nowMicros);
        if (!fresh(lastTransportCcMicros, nowMicros) && !fresh(lastRembMicros, nowMicros)) {
            publish(reportLossBased.rateBps(), EstimateSource.RECEIVER_REPORT);
        }
    }

    // ---- results ------------------------------------------------------------------------------------------------

    /** The estimate in bits per second, 0 until the first one. */
    public long estimateBps() {
        return estimateBps;
    }

    /** What the current estimate is based on. */
    public EstimateSource source() {
        return source;
    }

    /** The delay-based part of a transport-cc estimate (0 before the first). */
    public synchronized long delayBasedBps() {
        return delayBased.initialized() ? delayBased.rateBps() : 0;
    }

    /** The loss-based part of a transport-cc estimate (0 before the first). */
    public synchronized long lossBasedBps() {
        return lossBased.initialized() ? lossBased.rateBps() : 0;
    }

    /** What the receiver acknowledged over the last half second of transport-wide feedback (0 if not known). */
    public synchronized long acknowledgedBps() {
        return acked.bps();
    }

    private void onGroupDelta(double sendDeltaMs, double arrivalDeltaMs, long arrivalMicros) {
        if (detector.update(sendDeltaMs, arrivalDeltaMs, arrivalMicros) == BandwidthUsage.OVERUSING) {
            overuseInFeedback = true;
        }
    }

    private static boolean fresh(long lastMicros, long nowMicros) {
        return nowMicros - lastMicros < SOURCE_TIMEOUT_MICROS;
    }

    private void publish(long bps, EstimateSource from) {
        estimateBps = bps;
        source = from;
    }
}
