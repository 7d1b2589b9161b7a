package io.sightline.rtp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A probe cluster's rate from hand-written feedback: sent at one rate, arriving at another (the path's), some lost.
 * Packets of 1000 bytes: 8000 bits, so a packet every 4 ms is 2 Mbit/s.
 */
class ProbeBitrateEstimatorTest {

    @Test
    void clusterArrivingAsFastAsItWasSentShowsItsSendRate() {
        var p = new ProbeBitrateEstimator();
        p.started(1, 2_000_000);
        for (int i = 0; i < 10; i++) {
            p.arrived(1, i * 4_000L, 1000, 50_000 + i * 4_000L); // sent and arriving 4 ms apart: 2 Mbit/s
        }
        assertEquals(ProbeBitrateEstimator.PENDING, p.judge(0, 0), "not judged before its end is known");
        p.ended(1, 10, 40_000);
        assertEquals(2_000_000, p.judge(100_000, 0));
        assertEquals(2_000_000, p.result(1));
    }

    @Test
    void clusterQueuedByASlowerPathShowsThePathsRateLessFivePercent() {
        var p = new ProbeBitrateEstimator();
        p.started(7, 2_000_000);
        for (int i = 0; i < 10; i++) {
            p.arrived(7, i * 4_000L, 1000, 50_000 + i * 16_000L); // arriving 16 ms apart: 500 kbit/s
        }
        p.ended(7, 10, 40_000);
        long r = p.judge(300_000, 0);
        assertEquals((long) (0.95 * 500_000), r);
    }

    @Test
    void aShapersBurstAllowanceDoesNotPassForTheLinksRate() {
        // A token bucket lets the first 8 kB through at the sender's 2 Mbit/s; the rest leaves at its 400 kbit/s.
        var p = new ProbeBitrateEstimator();
        p.started(8, 2_000_000);
        long arrival = 50_000;
        for (int i = 0; i < 12; i++) {
            arrival = i < 8 ? 50_000 + i * 4_000L : arrival + 20_000;
            p.arrived(8, i * 4_000L, 1000, arrival);
        }
        p.ended(8, 12, 44_000);
        long r = p.judge(400_000, 0);
        // The whole cluster arrived at 815 kbit/s; its second half (sent from 22 ms) at 476.
        assertTrue(r <= 0.95 * 476_000 * 1.02, "the second half shows the link: " + r);
    }

    @Test
    void resultWaitsForEveryPacketOrTheTimeout() {
        var p = new ProbeBitrateEstimator();
        p.started(2, 2_000_000);
        p.ended(2, 10, 40_000);
        for (int i = 0; i < 9; i++) {
            p.arrived(2, i * 4_000L, 1000, 50_000 + i * 4_000L);
        }
        assertEquals(ProbeBitrateEstimator.PENDING, p.judge(100_000, 0), "one packet unaccounted for");
        p.lost(2);
        assertTrue(p.judge(110_000, 0) > 0, "9 of 10 arrived: judged");

        p.started(3, 2_000_000);
        p.ended(3, 10, 1_000_000);
        for (int i = 0; i < 9; i++) {
            p.arrived(3, 960_000 + i * 4_000L, 1000, 1_050_000 + i * 4_000L);
        }
        assertEquals(ProbeBitrateEstimator.PENDING, p.judge(1_500_000, 0));
        assertTrue(p.judge(1_000_000 + ProbeBitrateEstimator.TIMEOUT_MICROS, 0) > 0, "the missing feedback timed out");
    }

    @Test
    void clusterMostlyLostIsAFailedProbe() {
        var p = new ProbeBitrateEstimator();
        p.started(4, 2_000_000);
        p.ended(4, 10, 40_000);
        for (int i = 0; i < 5; i++) {
            p.arrived(4, i * 4_000L, 1000, 50_000 + i * 4_000L);
            p.lost(4);
        }
        assertEquals(0, p.judge(100_000, 0));
        assertEquals(0, p.result(4));
    }

    @Test
    void onlyTheNewestClustersAreKept() {
        var p = new ProbeBitrateEstimator();
        for (int id = 0; id < ProbeBitrateEstimator.SLOTS + 1; id++) {
            p.started(id, 2_000_000);
        }
        assertEquals(0, p.result(0), "replaced by a newer cluster: unknown, as a failed probe");
        assertEquals(ProbeBitrateEstimator.PENDING, p.result(ProbeBitrateEstimator.SLOTS));
        p.arrived(0, 0, 1000, 1000); // feedback about the forgotten cluster is ignored
        assertEquals(ProbeBitrateEstimator.PENDING, p.result(ProbeBitrateEstimator.SLOTS));
    }
}
