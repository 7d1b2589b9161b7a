package io.sightline.rtp.cc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The estimator against feedback recorded on real links ({@link RecordedLink}; how each recording was made:
 * src/test/resources/io/sightline/rtp/cc/recorded/README.md): Sightline's SFU sending the 2 Mbit/s camera clip to
 * a Chromium viewer through a token bucket, its probes replayed as probes. The bounds are what the rung policy
 * (transport-sfu, decisions 0039, 0044, 0051) needs from the estimate: at least 0.9 x the 2 Mbit/s top rung while
 * the link carries it (else the viewer is moved down), under half of it within a second of a link that drops below
 * (the fast move down), at most the link's rate on a slow link, and at least 1.15 x the rung soon after the link
 * opens again (a probe showed it fits).
 */
class RecordedFeedbackTest {
    private static final long TOP_RUNG = 2_000_000;

    @Test
    void stepFromThreeMegabitsToFiveHundredKilobitsAndBack() {
        RecordedLink link = new RecordedLink("recorded/step.trace.gz").replay(new BandwidthEstimator());
        assertTrue(link.probeClusters() > 0, "the recording's probes are replayed as probes");
        double down = link.firstDropAfter(10);
        double up = down + 20;
        assertAtLeast(0.9 * TOP_RUNG, link.estimatesBetween(2, down), "steady 3 Mbit/s before the step");
        double deep = link.firstWithin(down, 0, TOP_RUNG / 2) - down;
        assertTrue(deep <= 1.0, "under half the top rung " + deep + " s after the step down");
        assertAtMost(500_000, link.estimatesBetween(down + 1, up), "on the 500 kbit/s link from 1 s after the step");
        double fits = link.firstWithin(up, (long) (1.15 * TOP_RUNG), Long.MAX_VALUE) - up;
        assertTrue(fits <= 2.0, "above 1.15 x the top rung " + fits + " s after the step up");
        assertAtLeast(0.9 * TOP_RUNG, link.estimatesBetween(up + fits, up + 19), "back on the top rung");
    }

    @Test
    void steadyThreeHundredKilobits() {
        RecordedLink link = new RecordedLink("recorded/steady-300.trace.gz").replay(new BandwidthEstimator());
        long[] after = link.estimatesBetween(1, 30);
        assertAtMost(330_000, after, "never more than 1.1 x the link");
        assertAtLeast(210_000, after, "never less than 0.7 x the link");
        long median = Arrays.stream(after).sorted().toArray()[after.length / 2];
        assertTrue(Math.abs(median - 300_000) <= 45_000, "median " + median + " within 15 % of 300 kbit/s");
    }

    @Test
    void fivePercentRandomLossOnAThreeMegabitLinkKeepsTheTopRung() {
        RecordedLink link = new RecordedLink("recorded/loss5-3000.trace.gz").replay(new BandwidthEstimator());
        double lost = link.lossFraction();
        assertTrue(lost > 0.03 && lost < 0.08, "the recording lost " + lost);
        assertAtLeast(0.9 * TOP_RUNG, link.estimatesBetween(2, 30), "5 % loss is not congestion");
    }

    private static void assertAtLeast(double bound, long[] estimates, String what) {
        assertTrue(estimates.length > 0, what + ": no estimates");
        long min = Arrays.stream(estimates).min().getAsLong();
        assertTrue(min >= bound, what + ": lowest estimate " + min + " < " + (long) bound);
    }

    private static void assertAtMost(double bound, long[] estimates, String what) {
        assertTrue(estimates.length > 0, what + ": no estimates");
        long max = Arrays.stream(estimates).max().getAsLong();
        assertTrue(max <= bound, what + ": highest estimate " + max + " > " + (long) bound);
    }
}
