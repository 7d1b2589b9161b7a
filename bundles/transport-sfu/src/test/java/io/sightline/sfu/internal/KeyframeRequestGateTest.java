package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a viewer's PLI goes to the source, and when the SFU's own repair is given its time first. */
class KeyframeRequestGateTest {
    private static final long MS = 1_000_000L;
    private static final long REPAIR = 150 * MS;
    private final KeyframeRequestGate gate = new KeyframeRequestGate();

    @Test
    void aViewerThatHasNotStartedAlwaysGetsItsKeyframe() {
        assertTrue(gate.forward(1000 * MS, false, 999 * MS, 0, REPAIR));
    }

    @Test
    void withNothingBeingRepairedTheRequestGoesUpstream() {
        assertTrue(gate.forward(1000 * MS, true, 0, 0, REPAIR), "never resent anything");
        assertTrue(gate.forward(1000 * MS, true, 800 * MS, 0, REPAIR), "last resend 200 ms ago: repair is over");
    }

    @Test
    void duringRepairTheFirstRequestWaitsAndARepeatAfterTheRepairTimeGoesUpstream() {
        assertFalse(gate.forward(1000 * MS, true, 990 * MS, 0, REPAIR), "retransmissions on their way");
        assertFalse(gate.forward(1100 * MS, true, 1090 * MS, 0, REPAIR), "repeated sooner than a repair arrives");
        assertTrue(gate.forward(1160 * MS, true, 1150 * MS, 0, REPAIR), "asked again after the repair time: it failed");
        assertEquals(2, gate.held);
        assertEquals(1, gate.forwarded);
        assertFalse(gate.forward(3000 * MS, true, 2990 * MS, 0, REPAIR), "a later loss is a new episode");
    }

    @Test
    void aPacketNoLongerHeldMeansRepairIsImpossible() {
        assertTrue(gate.forward(1000 * MS, true, 990 * MS, 900 * MS, REPAIR));
        assertFalse(gate.forward(3000 * MS, true, 2990 * MS, 900 * MS, REPAIR), "that was long ago");
    }

    @Test
    void repairTimeIsTwoRoundTripsAndAMarginWithinBounds() {
        assertEquals(150 * MS, KeyframeRequestGate.repairNanos(-1));
        assertEquals(210 * MS, KeyframeRequestGate.repairNanos(80));
        assertEquals(100 * MS, KeyframeRequestGate.repairNanos(5));
        assertEquals(500 * MS, KeyframeRequestGate.repairNanos(400));
    }
}
