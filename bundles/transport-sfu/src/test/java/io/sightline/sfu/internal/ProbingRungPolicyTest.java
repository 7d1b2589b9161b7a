package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Moving up after a probe (decision 0044), on the ladder 2000, 600, 150 kbit/s and its floor 50: a viewer on the
 * 150 rung is sent 190 kbit/s (40 of audio and headers), so the 600 rung needs 640 and is probed at 1.3 x that.
 */
class ProbingRungPolicyTest {
    private static final int[] LADDER = {2000, 600, 150, 50};
    private static final long SENT = 190_000;

    /** A viewer moved down to the 150 rung at t = 0 (its estimate 300 kbit/s). */
    private static RungPolicy onThe150Rung() {
        RungPolicy p = new RungPolicy(LADDER, 0, true);
        for (long t = -1500; t <= 0 && p.onEstimate(t, 300_000, 2_100_000, 0.3) < 0; t += 100) {
            // below 0.9 x 2000 for a second
        }
        p.moved(0, 2);
        return p;
    }

    /** Estimates every 100 ms; the time of the first answer other than "stay", or -1. */
    private static long firstAnswer(RungPolicy p, long fromMs, long toMs, long bps, int[] answer) {
        for (long t = fromMs; t < toMs; t += 100) {
            int a = p.onEstimate(t, bps, SENT, 0);
            if (a != -1) {
                answer[0] = a;
                return t;
            }
        }
        return -1;
    }

    @Test
    void noMoveUpWithoutAProbeHoweverHighTheEstimate() {
        RungPolicy p = onThe150Rung();
        int[] a = new int[1];
        long at = firstAnswer(p, 100, 60_000, 5_000_000, a);
        assertEquals(RungPolicy.PROBE, a[0], "a probe, not a move");
        assertEquals(RungPolicy.PROBE_HOLD_MS + RungPolicy.UP_AFTER_MS, at, "after the hold and 2 s without loss");
        assertEquals(1, p.probing());
        assertTrue(p.scouting(), "a series begins with a scout");
        assertEquals((long) (1.3 * 640_000), p.probeTargetBps(), "1.3 x (600 + 40 of audio and headers)");
        assertEquals(-1, firstAnswer(p, at + 100, 60_000, 5_000_000, a), "nothing more while it is out");
    }

    @Test
    void failedProbesBackOffExponentiallyUpToTheCap() {
        RungPolicy p = onThe150Rung();
        int[] a = new int[1];
        List<Long> probes = new ArrayList<>();
        long t = firstAnswer(p, 100, 60_000, 300_000, a);
        while (t >= 0 && t < 60_000) {
            probes.add(t);
            assertTrue(p.scouting(), "only scouts while they fail");
            assertEquals(-1, p.onProbeResult(t + 300, 280_000), "280 kbit/s does not fit the 600 rung");
            t = firstAnswer(p, t + 400, 60_000, 300_000, a);
        }
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < probes.size(); i++) {
            gaps.add(probes.get(i) - probes.get(i - 1) - 300);
        }
        assertEquals(List.of(2000L, 4000L, 6000L, 6000L), gaps.subList(0, 4), "gaps after each result " + gaps);
        assertEquals(2, p.rung(), "never moved");
    }

    @Test
    void successfulProbeProbesFurtherAndMovesToTheHighestRungThatFits() {
        RungPolicy p = onThe150Rung();
        int[] a = new int[1];
        long t = firstAnswer(p, 100, 60_000, 300_000, a);
        scoutFits(p, t + 150);
        assertEquals(RungPolicy.PROBE, p.onProbeResult(t + 1000, 830_000), "600 fits (>= 1.15 x 640): probe 2000");
        assertEquals(0, p.probing());
        assertFalse(p.scouting(), "the further probe of a series is a full one");
        assertEquals((long) (1.3 * 2040_000), p.probeTargetBps());
        assertEquals(0, p.onProbeResult(t + 1300, 2_600_000), "2000 fits too: straight to the top");
        assertEquals(-1, p.onEstimate(t + 1400, 2_600_000, SENT, 0), "nothing while the move is pending");
        p.moved(t + 1600, 0);
        assertEquals(-1, firstAnswer(p, t + 1700, t + 60_000, 2_600_000, a), "no probe on the top rung");
    }

    @Test
    void furtherProbeThatFailsStillMovesUpToTheRungTheFirstShowed() {
        RungPolicy p = onThe150Rung();
        int[] a = new int[1];
        long t = firstAnswer(p, 100, 60_000, 300_000, a);
        scoutFits(p, t + 150);
        assertEquals(RungPolicy.PROBE, p.onProbeResult(t + 1000, 800_000));
        assertEquals(1, p.onProbeResult(t + 1300, 1_200_000), "2000 does not fit 1.2 Mbit/s, 600 did");
        p.moved(t + 1500, 1);
        assertEquals(1, p.rung());
    }

    /** The scout under way, answered at {@code atMs}, fits: the same rung is probed in full once its queue drained. */
    private static void scoutFits(RungPolicy p, long atMs) {
        assertTrue(p.scouting());
        int rung = p.probing();
        assertEquals(-1, p.onProbeResult(atMs, 830_000), "the scout fitted: no move on its word");
        assertEquals(rung, p.probing(), "the same rung is probed next");
        assertEquals(-1, p.onEstimate(atMs + RungPolicy.CONFIRM_AFTER_MS - 100, 300_000, SENT, 0),
                "not before what the scout queued drained");
        assertEquals(RungPolicy.PROBE, p.onEstimate(atMs + RungPolicy.CONFIRM_AFTER_MS, 300_000, SENT, 0));
        assertFalse(p.scouting(), "in full");
        assertEquals(rung, p.probing());
    }

    @Test
    void aScoutThatFitsIsFollowedByAFullProbeThatDecides() {
        RungPolicy p = onThe150Rung();
        int[] a = new int[1];
        long t = firstAnswer(p, 100, 60_000, 300_000, a);
        scoutFits(p, t + 150); // a burst allowance passed the scout whole
        assertEquals(-1, p.onProbeResult(t + 1000, 280_000), "the full probe shows the link: no move");
        assertEquals(2, p.rung());
        long next = firstAnswer(p, t + 1100, 60_000, 300_000, a);
        assertEquals(t + 1000 + RungPolicy.PROBE_BACKOFF_MS, next, "backed off as after any failed probe");
        assertTrue(p.scouting(), "the next series begins with a scout again");
    }

    @Test
    void aMoveDownWhileAProbeIsOutDropsItsResult() {
        RungPolicy p = new RungPolicy(LADDER, 1, true);
        int[] a = new int[1];
        long t = firstAnswer(p, 0, 60_000, 800_000, a);
        assertEquals(RungPolicy.PROBE, a[0]);
        // The link falls while the probe is out: down to the 150 rung; the late result moves nothing.
        int down = -1;
        for (long s = t + 100; s < t + 3000 && down < 0; s += 100) {
            down = p.onEstimate(s, 200_000, 640_000, 0.2);
        }
        assertEquals(2, down);
        assertEquals(-1, p.onProbeResult(t + 3000, 2_000_000));
    }

    @Test
    void aMoveUpThatFailsDespiteTheProbeDoublesTheHold() {
        RungPolicy p = onThe150Rung();
        int[] a = new int[1];
        long t = firstAnswer(p, 100, 60_000, 300_000, a);
        scoutFits(p, t + 150);
        p.onProbeResult(t + 1000, 800_000);
        assertEquals(1, p.onProbeResult(t + 1300, 0));
        p.moved(t + 1500, 1);
        int down = -1;
        for (long s = t + 900; s < t + 5000 && down < 0; s += 100) {
            down = p.onEstimate(s, 300_000, 640_000, 0.2);
        }
        assertEquals(2, down);
        p.moved(t + 5000, 2);
        assertEquals(2 * RungPolicy.PROBE_HOLD_MS, p.holdMs());
        long next = firstAnswer(p, t + 5100, t + 60_000, 300_000, a);
        assertTrue(next >= t + 5000 + 2 * RungPolicy.PROBE_HOLD_MS, "no probe within the doubled hold: " + next);
    }

    @Test
    void probeSizeBoundsTheQueueItCanBuildAndBeatsATokenBucketsBurst() {
        // 830 kbit/s over an estimate of 300: 150 ms x 300 / 530 = 85 ms, 8.8 kB, but at least 11 kB.
        assertEquals(ViewerAdaptation.PROBE_MIN_BYTES, ViewerAdaptation.probeBytes(830_000, 300_000));
        // Far above the estimate: the shortest probe, 60 ms.
        assertEquals(2_650_000 * 60 / 8000, ViewerAdaptation.probeBytes(2_650_000, 300_000));
        // A slow target: at least 200 ms of it rather than 11 kB (the floor's 247 kbit/s: 6.2 kB).
        assertEquals(247_000 * 200 / 8000, ViewerAdaptation.probeBytes(247_000, 100_000));
        // Between: 150 ms x 1500 / 500 capped at 150 ms.
        assertEquals(2_000_000 * 150 / 8000, ViewerAdaptation.probeBytes(2_000_000, 1_500_000));
        // Close to the estimate: the longest, 150 ms.
        assertEquals(1_000_000 * 150 / 8000, ViewerAdaptation.probeBytes(1_000_000, 900_000));
    }

    @Test
    void aFullProbeIsLargerThanAScout() {
        // The 600 rung's probe behind a slow link: an 11 kB scout, a 17 kB full probe.
        assertEquals(ViewerAdaptation.PROBE_MIN_BYTES, ViewerAdaptation.probeBytes(830_000, 300_000));
        assertEquals(ViewerAdaptation.FULL_PROBE_MIN_BYTES, ViewerAdaptation.fullProbeBytes(830_000, 300_000));
        // The floor's next rung: 300 ms of its 247 kbit/s rather than 17 kB.
        assertEquals(247_000 * 300 / 8000, ViewerAdaptation.fullProbeBytes(247_000, 100_000));
        // Where the scout's own size is larger already, the full probe is that size.
        assertEquals(ViewerAdaptation.probeBytes(2_650_000, 300_000), ViewerAdaptation.fullProbeBytes(2_650_000, 300_000));
    }
}
