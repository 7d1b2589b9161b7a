package io.sightline.rtp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The estimator against synthetic transport-cc feedback of a 2 Mbit/s stream (30 fps, 20 ms one way, feedback every
 * 100 ms) through links whose capacity, queue and loss are known exactly ({@link LinkSimulator}). Tolerances: the
 * estimate's median after convergence within 15 % of the link's capacity, every sample after convergence within
 * 25 %; convergence within 3 s of the start and within 2 s of a capacity drop.
 */
class BandwidthEstimatorTest {
    private static final long STREAM = 2_000_000;

    @Test
    void steadyLinkBelowTheStreamRate() {
        for (long capacity : new long[] {1_000_000, 300_000}) {
            var sim = new LinkSimulator(new BandwidthEstimator(), STREAM, t -> capacity, 200, 20, 0, 1);
            sim.runUntil(30_000_000);
            long[] after = sim.estimatesBetween(3, 30);
            assertWithin(capacity, LinkSimulator.median(after), 0.15, capacity + " median after 3 s");
            assertAllWithin(capacity, after, 0.25, capacity + " after 3 s");
        }
    }

    @Test
    void unconstrainedLinkEstimatesAboveTheStreamRateButNotMoreThanHalfAgainWhatArrives() {
        var sim = new LinkSimulator(new BandwidthEstimator(), STREAM, t -> 50_000_000, 200, 20, 0, 1);
        sim.runUntil(20_000_000);
        long[] after = sim.estimatesBetween(10, 20);
        // Without probing, GCC caps the estimate at 1.5 x acknowledged + 10 kbit/s.
        assertTrue(Arrays.stream(after).allMatch(e -> e >= STREAM && e <= 1.5 * STREAM + 10_000),
                "between 2 and 3 Mbit/s: " + Arrays.toString(after));
        assertTrue(sim.firstWithin(0, STREAM, Long.MAX_VALUE) <= 3, "at the stream rate within 3 s");
    }

    @Test
    void capacityDropIsFollowedWithinTwoSecondsAndTheRiseWithinTen() {
        var sim = new LinkSimulator(new BandwidthEstimator(), STREAM,
                t -> t >= 20_000_000 && t < 40_000_000 ? 1_000_000 : 5_000_000, 200, 20, 0, 1);
        sim.runUntil(60_000_000);
        double down = sim.firstWithin(20, 750_000, 1_250_000) - 20;
        assertTrue(down <= 2, "down to 1 Mbit/s +- 25 % in " + down + " s");
        assertAllWithin(1_000_000, sim.estimatesBetween(22, 40), 0.25, "1 Mbit/s from 2 s after the drop");
        double up = sim.firstWithin(40, STREAM, Long.MAX_VALUE) - 40;
        assertTrue(up <= 10, "back above the stream rate in " + up + " s");
    }

    @Test
    void risingQueueingDelayIsSeenBeforeAnyLoss() {
        // 1.6 Mbit/s under a 2 Mbit/s stream with a 3 s queue: nothing is lost for seconds, only the delay grows.
        var estimator = new BandwidthEstimator();
        var sim = new LinkSimulator(estimator, STREAM, t -> t >= 10_000_000 ? 1_600_000 : 5_000_000, 3000, 20, 0, 1);
        sim.runUntil(10_000_000);
        long before = estimator.estimateBps();
        double reacted = Double.NaN;
        for (int ms = 0; ms < 3000 && Double.isNaN(reacted); ms += 10) {
            sim.runUntil(10_000_000 + ms * 1000L);
            if (estimator.estimateBps() <= 1_600_000 * 1.15) {
                reacted = ms / 1000.0;
            }
        }
        assertTrue(before >= STREAM, "above the stream rate before: " + before);
        assertTrue(reacted <= 1.5, "down to the new capacity within 1.5 s, by delay: " + reacted);
        assertTrue(estimator.delayBasedBps() < estimator.lossBasedBps(),
                "the delay-based part acted (" + estimator.delayBasedBps() + " < " + estimator.lossBasedBps() + ")");
        sim.runUntil(30_000_000);
        // GCC backs off to 85 % of what arrives while the queue grows, then follows the loss once it is full.
        long median = LinkSimulator.median(sim.estimatesBetween(12, 30));
        assertTrue(median >= 0.8 * 1_600_000 && median <= 1.05 * 1_600_000, "median after: " + median);
    }

    @Test
    void randomLossBelowTenPercentDoesNotCutTheEstimate() {
        var sim = new LinkSimulator(new BandwidthEstimator(), STREAM, t -> 50_000_000, 200, 20, 0.05, 7);
        sim.runUntil(30_000_000);
        long[] after = sim.estimatesBetween(3, 30);
        assertTrue(Arrays.stream(after).allMatch(e -> e >= 0.9 * STREAM * 0.95), "5 % random loss: "
                + Arrays.toString(after));
    }

    @Test
    void heavyRandomLossBringsTheEstimateToWhatArrives() {
        var sim = new LinkSimulator(new BandwidthEstimator(), STREAM, t -> 50_000_000, 200, 20, 0.30, 7);
        sim.runUntil(30_000_000);
        long arrives = (long) (STREAM * 0.70);
        assertWithin(arrives, LinkSimulator.median(sim.estimatesBetween(5, 30)), 0.15, "30 % loss");
    }

    @Test
    void rembWhenThereIsNoTransportCcAndReceiverReportsWhenThereIsNeither() {
        var e = new BandwidthEstimator();
        assertEquals(EstimateSource.NONE, e.source());
        assertEquals(0, e.estimateBps());
        // receiver reports only: 2 Mbit/s sent, 25 % lost, reports once a second
        long bytes = 0;
        for (int s = 0; s <= 10; s++) {
            e.receiverReport(64, bytes, 40_000, s * 1_000_000L);
            bytes += STREAM / 8;
        }
        assertEquals(EstimateSource.RECEIVER_REPORT, e.source());
        assertWithin(1_500_000, e.estimateBps(), 0.05, "what arrives of 2 Mbit/s at 25 % loss");
        // REMB takes over from receiver reports ...
        e.remb(800_000, 10_500_000);
        assertEquals(EstimateSource.REMB, e.source());
        assertEquals(800_000, e.estimateBps());
        e.receiverReport(64, bytes, 40_000, 11_000_000);
        assertEquals(EstimateSource.REMB, e.source(), "receiver reports give way to a fresh REMB");
        // ... until it stops for longer than the timeout
        e.receiverReport(64, bytes + STREAM / 8, 40_000, 13_000_000);
        assertEquals(EstimateSource.RECEIVER_REPORT, e.source());
    }

    @Test
    void lowLossInReceiverReportsRaisesTheEstimateAtMostHalfAgainAboveWhatArrives() {
        var e = new BandwidthEstimator();
        long bytes = 0;
        for (int s = 0; s <= 30; s++) {
            e.receiverReport(0, bytes, 40_000, s * 1_000_000L);
            bytes += STREAM / 8;
        }
        assertTrue(e.estimateBps() > STREAM && e.estimateBps() <= 1.5 * STREAM + 10_000, "" + e.estimateBps());
    }

    @Test
    void feedbackAboutPacketsNeverSentIsIgnored() {
        var e = new BandwidthEstimator();
        e.packetArrived(5, 1000);
        e.packetLost(6);
        e.feedbackComplete(1000);
        assertEquals(EstimateSource.NONE, e.source());
        assertEquals(0, e.estimateBps());
    }

    private static void assertWithin(long expected, long actual, double tolerance, String what) {
        assertTrue(Math.abs(actual - expected) <= tolerance * expected,
                what + ": " + actual + " not within " + (int) (tolerance * 100) + " % of " + expected);
    }

    private static void assertAllWithin(long expected, long[] values, double tolerance, String what) {
        for (long v : values) {
            assertWithin(expected, v, tolerance, what + " " + Arrays.toString(values));
        }
    }
}
