package io.sightline.rtp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Probing through the simulated link ({@link LinkSimulator}) with an application-limited sender: a 190 kbit/s stream
 * (a viewer on a 150 kbit/s rung, with its audio) whose estimate cannot climb above 1.5 x what it sends by itself.
 */
class ProbingTest {
    private static final long STREAM = 190_000;

    @Test
    void withoutAProbeTheEstimateStopsAtHalfAgainWhatIsSent() {
        var sim = new LinkSimulator(new BandwidthEstimator(), STREAM, t -> 3_000_000, 200, 20, 0, 1);
        sim.runUntil(20_000_000);
        for (long e : sim.estimatesBetween(10, 20)) {
            assertTrue(e <= 1.5 * STREAM * 1.1 + 10_000, "capped near 1.5 x sent: " + e);
        }
    }

    @Test
    void probeOnAFastLinkShowsItsRateAndLiftsTheEstimate() {
        var estimator = new BandwidthEstimator();
        var sim = new LinkSimulator(estimator, STREAM, t -> 3_000_000, 200, 20, 0, 1);
        sim.runUntil(10_000_000);
        int cluster = sim.probe(2_600_000, 30_000);
        sim.runUntil(11_000_000);
        long result = estimator.probeResultBps(cluster);
        assertTrue(result >= 0.85 * 2_600_000 && result <= 1.1 * 2_600_000, "probe result: " + result);
        assertTrue(estimator.estimateBps() >= 0.85 * 2_600_000, "estimate lifted: " + estimator.estimateBps());
        sim.runUntil(15_000_000);
        assertTrue(estimator.estimateBps() >= 0.85 * 2_600_000, "and kept: " + estimator.estimateBps());
    }

    @Test
    void probeAboveASlowLinkFailsAndLeavesTheEstimateWhereItWas() {
        var estimator = new BandwidthEstimator();
        var sim = new LinkSimulator(estimator, STREAM, t -> 300_000, 200, 20, 0, 1);
        sim.runUntil(10_000_000);
        long before = estimator.estimateBps();
        int cluster = sim.probe(830_000, 6_000);
        sim.runUntil(11_000_000);
        long result = estimator.probeResultBps(cluster);
        assertTrue(result > 0 && result < 0.7 * 830_000, "the link's rate, not the probe's: " + result);
        assertTrue(estimator.estimateBps() <= Math.max(before, 300_000) * 1.1,
                "not lifted: " + before + " -> " + estimator.estimateBps());
    }

    @Test
    void stepUpOfTheLinkIsSeenByTheFirstProbeAfterIt() {
        // 500 kbit/s until 40 s, then 3 Mbit/s (issue 14's step): probes before the step fail, the first after it
        // shows the new rate.
        var estimator = new BandwidthEstimator();
        var sim = new LinkSimulator(estimator, STREAM, t -> t < 40_000_000 ? 500_000 : 3_000_000, 200, 20, 0, 3);
        sim.runUntil(35_000_000);
        int early = sim.probe(830_000, 10_000);
        sim.runUntil(36_000_000);
        assertTrue(estimator.probeResultBps(early) < 0.8 * 640_000,
                "at 500 kbit/s a 600 kbit/s rung does not fit: " + estimator.probeResultBps(early));
        assertTrue(estimator.estimateBps() < 640_000, "estimate " + estimator.estimateBps());
        sim.runUntil(41_000_000);
        int late = sim.probe(830_000, 10_000);
        sim.runUntil(42_000_000);
        assertTrue(estimator.probeResultBps(late) >= 0.9 * 830_000, "after the step: " + estimator.probeResultBps(late));
        int further = sim.probe(2_650_000, 30_000);
        sim.runUntil(43_000_000);
        assertTrue(estimator.probeResultBps(further) >= 0.85 * 2_650_000,
                "and the top rung's rate: " + estimator.probeResultBps(further));
        assertTrue(estimator.estimateBps() >= 0.85 * 2_650_000, "estimate " + estimator.estimateBps());
    }

    @Test
    void probeWhosePacketsTheQueueDropsFails() {
        var estimator = new BandwidthEstimator();
        // 100 kbit/s and a 50 ms queue: a 40 kB burst at 5 Mbit/s loses most of it.
        var sim = new LinkSimulator(estimator, 90_000, t -> 100_000, 50, 20, 0, 1);
        sim.runUntil(10_000_000);
        int cluster = sim.probe(5_000_000, 40_000);
        sim.runUntil(12_000_000);
        assertEquals(0, estimator.probeResultBps(cluster));
    }
}
