package io.sightline.rtp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NackGeneratorTest {
    private static final long MS = 1_000_000L;
    private final NackGenerator nacks = new NackGenerator(8, 3, 500 * MS);
    private final int[] out = new int[16];

    private int[] due(long atMs, long retryMs) {
        return Arrays.copyOf(out, nacks.due(atMs * MS, retryMs * MS, out));
    }

    @Test
    void aGapIsAskedForOnceThenAgainAfterTheRetryInterval() {
        nacks.received(100, 0);
        nacks.received(103, 1 * MS);
        assertArrayEquals(new int[] {101, 102}, due(1, 20));
        assertArrayEquals(new int[0], due(10, 20), "not again within the retry interval");
        assertArrayEquals(new int[] {101, 102}, due(21, 20));
        nacks.received(101, 22 * MS);
        assertArrayEquals(new int[] {102}, due(41, 20));
        assertEquals(1, nacks.recovered());
        assertFalse(nacks.takeKeyframeNeeded());
    }

    @Test
    void aPacketAskedForTooOftenIsGivenUpAndAKeyframeIsWanted() {
        nacks.received(1, 0);
        nacks.received(3, 0);
        due(0, 10);
        due(10, 10);
        due(20, 10);
        assertArrayEquals(new int[0], due(30, 10));
        assertEquals(0, nacks.missing());
        assertTrue(nacks.takeKeyframeNeeded());
        assertFalse(nacks.takeKeyframeNeeded(), "the flag is taken once");
    }

    @Test
    void aGapLargerThanTheListAsksForAKeyframeInstead() {
        nacks.received(1, 0);
        nacks.received(50, 0);
        assertEquals(0, nacks.missing());
        assertTrue(nacks.takeKeyframeNeeded());
    }

    @Test
    void gapsAcrossTheWrapAndReorderedPacketsAreHandled() {
        nacks.received(65534, 0);
        nacks.received(1, 0);
        assertArrayEquals(new int[] {65535, 0}, due(0, 10));
        nacks.received(0, MS);
        nacks.received(65535, MS);
        assertEquals(0, nacks.missing());
        assertEquals(2, nacks.recovered());
    }

    @Test
    void oldMissingPacketsExpire() {
        nacks.received(1, 0);
        nacks.received(3, 0);
        assertArrayEquals(new int[0], due(501, 1000));
        assertTrue(nacks.takeKeyframeNeeded());
    }
}
