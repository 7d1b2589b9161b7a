package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a viewer moves between rungs (2000, 600, 150 kbit/s): down fast, up slowly, no flapping. */
class RungPolicyTest {
    private static final int[] LADDER = {2000, 600, 150};

    /** Feeds one estimate every 100 ms from {@code fromMs} for {@code ms}; returns the first move, or -1. */
    private static int feed(RungPolicy p, long fromMs, long ms, long bps, double loss) {
        for (long t = fromMs; t < fromMs + ms; t += 100) {
            int target = p.onEstimate(t, bps, 0, loss);
            if (target >= 0) {
                return target;
            }
        }
        return -1;
    }

    @Test
    void anEstimateBelowTheRungForASecondMovesStraightToTheRungThatFits() {
        RungPolicy p = new RungPolicy(LADDER, 0);
        assertEquals(-1, feed(p, 0, 900, 1_100_000, 0.3), "not within the first second");
        assertEquals(1, p.onEstimate(1000, 1_100_000, 0, 0.3), "1100 kbit/s: 600 fits 0.85 x 1100");
        assertFalse(p.urgent(), "the link carries more than half of the rung: it is sent until the switch");
        assertEquals(-1, p.onEstimate(1100, 100_000, 0, 0.3), "nothing else while the move is pending");
        p.moved(1200, 1);
        assertEquals(1, p.rung());
        assertEquals(2, feed(p, 1300, 2000, 400_000, 0.3), "400 kbit/s: 600 does not fit 0.85 x 400, 150 does");
        p.moved(3300, 2);
        assertEquals(-1, feed(p, 3400, 60_000, 50_000, 0.5), "the lowest rung is the floor");
    }

    @Test
    void anEstimateUnderHalfTheRungMovesDownAfterAQuarterSecond() {
        RungPolicy p = new RungPolicy(LADDER, 0);
        assertEquals(-1, p.onEstimate(0, 300_000, 0, 0));
        assertEquals(-1, p.onEstimate(200, 300_000, 0, 0), "not within 250 ms");
        assertEquals(2, p.onEstimate(250, 300_000, 0, 0), "300 kbit/s behind a 2000 kbit/s rung: straight to 150");
        assertTrue(p.urgent(), "the rung left is held back until the switch");
        p.moved(400, 2);
        assertFalse(p.urgent(), "no move pending");
    }

    @Test
    void aShortDeepDipDoesNotMoveTheViewer() {
        RungPolicy p = new RungPolicy(LADDER, 0);
        for (long t = 0; t < 20_000; t += 100) {
            // Under half the rung for 200 ms in every second, at 0.95 x the rest of it.
            long bps = t % 1000 < 200 ? 900_000 : 1_900_000;
            assertEquals(-1, p.onEstimate(t, bps, 0, 0), "no move at " + t);
        }
    }

    @Test
    void anEstimateAroundTheThresholdDoesNotFlap() {
        RungPolicy p = new RungPolicy(LADDER, 0);
        for (long t = 0; t < 20_000; t += 100) {
            // Below 0.9 x 2000 for 0.5 s, above for 0.5 s: never a whole second below.
            long bps = (t / 500) % 2 == 0 ? 1_700_000 : 1_900_000;
            assertEquals(-1, p.onEstimate(t, bps, 0, 0), "no move at " + t);
        }
    }

    @Test
    void upOnlyAfterTheHoldAndTwoSecondsOfHeadroomAndAFailedProbeDoublesTheHold() {
        RungPolicy p = new RungPolicy(LADDER, 0);
        assertEquals(1, feed(p, 0, 2000, 1_000_000, 0.05));
        p.moved(1000, 1);
        // 600 kbit/s rung, estimate 900 = 1.5 x: headroom, but not within 10 s of the move down.
        assertEquals(-1, feed(p, 1100, 9800, 900_000, 0));
        int up = feed(p, 10_900, 3000, 900_000, 0);
        assertEquals(0, up, "after the hold and 2 s of headroom");
        p.moved(13_000, 0);
        // The top rung does not fit after all: down again within 10 s: the probe failed.
        assertEquals(1, feed(p, 13_100, 3000, 1_000_000, 0.1));
        p.moved(15_000, 1);
        assertEquals(20_000, p.holdMs(), "the hold doubled");
        assertEquals(-1, feed(p, 15_100, 19_800, 900_000, 0), "no probe for 20 s");
        assertEquals(0, feed(p, 34_900, 3000, 900_000, 0));
    }

    @Test
    void aViewerSentLessThanItsRungIsJudgedByWhatItIsSent() {
        // A test pattern on the 2000 kbit/s top rung sends 500: the estimate stops at 1.5 x that, and that is fine.
        RungPolicy p = new RungPolicy(LADDER, 0);
        for (long t = 0; t < 30_000; t += 100) {
            assertEquals(-1, p.onEstimate(t, 750_000, 500_000, 0), "no move at " + t);
        }
        // The same viewer behind a 300 kbit/s link: down, to the rung that fits.
        assertEquals(2, feedSent(p, 30_000, 2000, 300_000, 500_000, 0.2));
        // On the 600 rung sending 400: up once the estimate is 1.3 x what is sent, after the hold.
        RungPolicy q = new RungPolicy(LADDER, 1);
        assertEquals(0, feedSent(q, 20_000, 3000, 560_000, 400_000, 0));
    }

    private static int feedSent(RungPolicy p, long fromMs, long ms, long bps, long sentBps, double loss) {
        for (long t = fromMs; t < fromMs + ms; t += 100) {
            int target = p.onEstimate(t, bps, sentBps, loss);
            if (target >= 0) {
                return target;
            }
        }
        return -1;
    }

    @Test
    void lossOrTooLittleHeadroomKeepsTheViewerDown() {
        RungPolicy p = new RungPolicy(LADDER, 1);
        assertEquals(-1, feed(p, 20_000, 30_000, 900_000, 0.03), "3 % loss: no move up");
        assertEquals(-1, feed(p, 50_000, 30_000, 700_000, 0), "700 < 1.3 x 600: no move up");
    }

    /**
     * The ladder with its floor (decision 0042: the lowest rung's box at a third of its bitrate, 10 fps): a viewer
     * behind 100 kbit/s cannot keep the 150 kbit/s rung and goes to the floor; there it stays while the estimate
     * wanders around the link's rate; once the link recovers it leaves the floor after the hold, one rung at a time.
     */
    @Test
    void aViewerTheLowestRungDoesNotFitGoesToTheFloorAndLeavesItWhenTheLinkRecovers() {
        RungPolicy p = new RungPolicy(new int[] {2000, 600, 150, 50}, 2);
        // On the 150 kbit/s rung it is sent 190 kbit/s with audio; the estimate stays near the 100 kbit/s limit.
        assertEquals(3, feed(p, 0, 2000, 95_000, 0.2, 190_000), "to the floor after a second below");
        p.moved(1200, 3);
        for (long t = 1300; t < 60_000; t += 100) {
            long bps = (t / 700) % 2 == 0 ? 80_000 : 105_000; // the estimate wanders around the limit
            assertEquals(-1, p.onEstimate(t, bps, 85_000, 0.01), "stays on the floor at " + t);
        }
        // The link recovers: 400 kbit/s of estimate, 1.3 x the floor's 50 many times over.
        assertEquals(2, feed(p, 60_000, 3000, 400_000, 0, 85_000), "up one rung, not straight to the top");
        p.moved(62_500, 2);
        assertEquals(-1, feed(p, 62_600, 1_900, 400_000, 0, 190_000), "not down again, not up within 2 s");
        assertEquals(1, feed(p, 64_500, 1_000, 400_000, 0, 190_000), "then the next rung: 400 >= 1.3 x 190");
    }

    private static int feed(RungPolicy p, long fromMs, long ms, long bps, double loss, long sentBps) {
        for (long t = fromMs; t < fromMs + ms; t += 100) {
            int target = p.onEstimate(t, bps, sentBps, loss);
            if (target >= 0) {
                return target;
            }
        }
        return -1;
    }
}
