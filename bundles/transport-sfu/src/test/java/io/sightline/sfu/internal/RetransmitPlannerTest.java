package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which NACKed packets are resent and in which order: history, hold-off, keyframe first, byte budget. */
class RetransmitPlannerTest {
    private static final long MS = 1_000_000L;
    private final PacketHistory history = new PacketHistory(64);
    private final RetransmitPlanner planner = new RetransmitPlanner();
    private final long[] out = new long[RetransmitPlanner.MAX_BATCH];

    /** Packets 0-9: 0-4 a keyframe, 5-9 delta pictures, each {@code size} bytes. */
    private void fill(int count, int size) {
        for (int i = 0; i < count; i++) {
            history.nextPayloadBuffer();
            history.commit(size, 1000 + i / 5, i % 5 == 4, 0, i < 5);
        }
    }

    private long[] plan(long now, long holdOff, long... indices) {
        return planCopies(now, holdOff, 1, indices);
    }

    private long[] planCopies(long now, long holdOff, int copies, long... indices) {
        for (long i : indices) {
            planner.request(i);
        }
        return Arrays.copyOf(out, planner.plan(history, now, holdOff, copies, out));
    }

    @Test
    void keyframePacketsGoFirstThenTheOthersInTheViewersOrder() {
        fill(10, 1000);
        assertArrayEquals(new long[] {3, 4, 6, 8}, plan(0, 20 * MS, 6, 3, 8, 4));
    }

    @Test
    void aPacketIsResentOncePerHoldOff() {
        fill(10, 1000);
        assertArrayEquals(new long[] {6}, plan(0, 20 * MS, 6, 6));
        assertArrayEquals(new long[] {}, plan(19 * MS, 20 * MS, 6));
        assertArrayEquals(new long[] {6}, plan(20 * MS, 20 * MS, 6));
        assertEquals(2, planner.deduplicated);
        assertEquals(20 * MS, planner.lastPlannedNanos);
    }

    @Test
    void packetsTheHistoryNoLongerHoldsAreCountedAsUnrecoverable() {
        fill(100, 100); // the 64-packet history holds 36-99
        assertArrayEquals(new long[] {50}, plan(7 * MS, 20 * MS, 10, -1, 50));
        assertEquals(2, planner.unrecoverable);
        assertEquals(7 * MS, planner.lastUnrecoverableNanos);
    }

    @Test
    void theByteBudgetCutsAFloodAndRefillsWithTime() {
        fill(64, 1360); // 1400 bytes each with overhead: the 128 KiB burst holds 93, so use two rounds
        long[] all = new long[64];
        for (int i = 0; i < 64; i++) {
            all[i] = i;
        }
        assertEquals(64, plan(0, 20 * MS, all).length);
        long[] second = plan(1 * MS, 0, all); // 1 ms later: 128 KiB - 64 x 1400 left, plus 1 KB refilled
        assertEquals((RetransmitPlanner.BUDGET_BURST_BYTES - 64 * 1400 + 1000) / 1400, second.length);
        assertEquals(64 - second.length, planner.overBudget);
        assertEquals(64, plan(1001 * MS, 0, all).length, "a second later the budget is full again");
    }

    @Test
    void theBudgetFollowsTheLinkAndCountsEveryCopy() {
        fill(64, 960); // 1000 bytes each with overhead
        long[] all = new long[64];
        for (int i = 0; i < 64; i++) {
            all[i] = i;
        }
        planner.pace(300_000); // behind 300 kbit/s: 37.5 kB/s, a burst of a quarter second of it, 9.4 kB
        assertEquals(9, plan(0, 0, all).length, "9 packets of 1000 bytes fit the 9375-byte burst");
        assertEquals(9, plan(1001 * MS, 0, all).length, "a second later: that burst again, not 128 KiB");
        planner.pace(300_000);
        assertEquals(4, planCopies(3000 * MS, 0, 2, all).length, "two copies each on a lossy link: half as many");
        planner.pace(0); // nothing known (any more): the budget stays as it was
        assertEquals(1, plan(3001 * MS, 0, all).length, "the 1375 bytes left and a millisecond's 37: one packet");
        planner.pace(80_000_000);
        assertEquals(64, plan(4001 * MS, 0, all).length, "a fast link: the ceiling, 128 KiB at once");
        planner.pace(1_000);
        assertEquals(6, plan(5001 * MS, 0, all).length, "however slow the link, a 6 kB burst");
    }

    @Test
    void holdOffFollowsTheRoundTripTime() {
        assertEquals(20 * MS, RetransmitPlanner.holdOffNanos(-1), "unknown RTT");
        assertEquals(60 * MS, RetransmitPlanner.holdOffNanos(80));
        assertEquals(5 * MS, RetransmitPlanner.holdOffNanos(1));
        assertEquals(200 * MS, RetransmitPlanner.holdOffNanos(1000));
    }
}
