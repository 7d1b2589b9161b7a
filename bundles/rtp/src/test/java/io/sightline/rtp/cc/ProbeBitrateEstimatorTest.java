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
        p.started(1);
        for (int i = 0; i < 10; i++) {
            p.arrived(1, i * 4_000L, 1000, 50_000 + i * 4_000L); // sent and arriving 4 ms apart: 2 Mbit/s
        }
        assertEquals(ProbeBitrateEstimator.PENDING, p.judge(0), "not judged before its end is known");
        p.ended(1, 10, 40_000);
        assertEquals(2_000_000, p.judge(100_000));
        assertEquals(2_000_000, p.result(1));
    }

    @Test
    void clusterQueuedByASlowerPathShowsThePathsRateLessFivePercent() {
        var p = new ProbeBitrateEstimator();
        p.started(7);
        for (int i = 0; i < 10; i++) {
            p.arrived(7, i * 4_000L, 1000, 50_000 + i * 16_000L); // arriving 16 ms apart: 500 kbit/s
        }
        p.ended(7, 10, 40_000);
        long r = p.judge(300_000);
        assertEquals((long) (0.95 * 500_000), r);
    }

    @Test
    void resultWaitsForEveryPacketOrTheTimeout() {
        var p = new ProbeBitrateEstimator();
        p.started(2);
        p.ended(2, 10, 40_000);
        for (int i = 0; i < 9; i++) {
            p.arrived(2, i * 4_000L, 1000, 50_000 + i * 4_000L);
        }
        assertEquals(ProbeBitrateEstimator.PENDING, p.judge(100_000), "one packet unaccounted for");
        p.lost(2);
        assertTrue(p.judge(110_000) > 0, "9 of 10 arrived: judged");

        p.started(3);
        p.ended(3, 10, 1_000_000);
        for (int i = 0; i < 9; i++) {
            p.arrived(3, 960_000 + i * 4_000L, 1000, 1_050_000 + i * 4_000L);
        }
        assertEquals(ProbeBitrateEstimator.PENDING, p.judge(1_500_000));
        assertTrue(p.judge(1_000_000 + ProbeBitrateEstimator.TIMEOUT_MICROS) > 0, "the missing feedback timed out");
    }

    @Test
    void clusterMostlyLostIsAFailedProbe() {
        var p = new ProbeBitrateEstimator();
        p.started(4);
        p.ended(4, 10, 40_000);
        for (int i = 0; i < 5; i++) {
            p.arrived(4, i * 4_000L, 1000, 50_000 + i * 4_000L);
            p.lost(4);
        }
        assertEquals(0, p.judge(100_000));
        assertEquals(0, p.result(4));
    }

    @Test
    void onlyTheNewestClustersAreKept() {
        var p = new ProbeBitrateEstimator();
        for (int id = 0; id < ProbeBitrateEstimator.SLOTS + 1; id++) {
            p.started(id);
        }
        assertEquals(0, p.result(0), "replaced by a newer cluster: unknown, as a failed probe");
        assertEquals(ProbeBitrateEstimator.PENDING, p.result(ProbeBitrateEstimator.SLOTS));
        p.arrived(0, 0, 1000, 1000); // feedback about the forgotten cluster is ignored
        assertEquals(ProbeBitrateEstimator.PENDING, p.result(ProbeBitrateEstimator.SLOTS));
    }
}
