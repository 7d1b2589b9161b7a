package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The floor's picture rate (decision 0042): even steps from 30 or 25 fps sources, keyframes at once, restarts. */
class PictureRateCapTest {
    private static int taken(PictureRateCap cap, int sourceFps, int seconds, long startMicros) {
        int n = 0;
        for (int i = 0; i < sourceFps * seconds; i++) {
            if (cap.take(startMicros + i * 1_000_000L / sourceFps, false)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void thirtyFpsBecomesTen() {
        assertEquals(100, taken(new PictureRateCap(10), 30, 10, 0));
    }

    @Test
    void twentyFiveFpsBecomesTen() {
        assertEquals(100, taken(new PictureRateCap(10), 25, 10, 5_000_000));
    }

    @Test
    void noCapTakesEveryPicture() {
        assertEquals(300, taken(new PictureRateCap(0), 30, 10, 0));
    }

    @Test
    void aWantedKeyframeIsTakenAtOnce() {
        PictureRateCap cap = new PictureRateCap(10);
        assertTrue(cap.take(0, false));
        assertEquals(false, cap.take(33_333, false));
        assertTrue(cap.take(66_666, true));
    }

    @Test
    void aSourceRestartWithEarlierTimestampsStartsAfresh() {
        PictureRateCap cap = new PictureRateCap(10);
        assertEquals(100, taken(cap, 30, 10, 50_000_000));
        assertEquals(100, taken(cap, 30, 10, 0));
    }

    @Test
    void aGapInTheSourceDoesNotDropTheNextPicture() {
        PictureRateCap cap = new PictureRateCap(10);
        assertTrue(cap.take(0, false));
        assertTrue(cap.take(2_000_000, false));
        assertEquals(false, cap.take(2_033_333, false));
        assertTrue(cap.take(2_100_000, false));
    }
}
