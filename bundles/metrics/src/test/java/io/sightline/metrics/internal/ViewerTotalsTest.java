package io.sightline.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sightline.api.transport.ViewerSession;
import io.sightline.metrics.internal.Fixtures.FakeSession;
import io.sightline.metrics.internal.ViewerTotals.Key;
import io.sightline.metrics.internal.ViewerTotals.Sums;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ViewerTotalsTest {
    private static final Key DOOR_SFU = new Key("door", "sfu");
    private static final long SECOND = 1_000_000_000L;

    @Test
    void countersStayMonotonicWhenAViewerLeaves() {
        ViewerTotals totals = new ViewerTotals(0);
        FakeSession a = new FakeSession("a", "door", "sfu").sent(100, 1000, 1, 2, 3, 4);
        FakeSession b = new FakeSession("b", "door", "sfu").sent(50, 500, 0, 0, 0, 1);
        Sums first = totals.update(List.of(a, b), Set.of("door"), 0).get(DOOR_SFU);
        assertEquals(150, first.packetsSent);
        assertEquals(2, first.live);
        assertEquals(2, first.sessions);
        a.sent(120, 1200, 1, 2, 3, 4);
        Sums second = totals.update(List.of(b), Set.of("door"), SECOND).get(DOOR_SFU);
        assertEquals(150, second.packetsSent, "a's last seen figures stay in the sum after it left");
        assertEquals(1500, second.bytesSent);
        assertEquals(5, second.keyframeRequests);
        assertEquals(1, second.live);
        assertEquals(2, second.sessions);
        Sums third = totals.update(List.<ViewerSession>of(), Set.of("door"), 2 * SECOND).get(DOOR_SFU);
        assertEquals(150, third.packetsSent);
        assertEquals(0, third.live);
    }

    @Test
    void bandwidthEstimatesOfLiveViewersGiveQuantilesAndLeaveWithTheirViewer() {
        ViewerTotals totals = new ViewerTotals(0);
        FakeSession a = new FakeSession("a", "door", "sfu").estimated(300_000);
        FakeSession b = new FakeSession("b", "door", "sfu").estimated(2_500_000);
        FakeSession c = new FakeSession("c", "door", "sfu").estimated(1_000_000);
        FakeSession none = new FakeSession("d", "door", "sfu");
        Sums all = totals.update(List.of(a, b, c, none), Set.of("door"), 0).get(DOOR_SFU);
        assertEquals(300_000, all.estimateQuantile(0), "the lowest");
        assertEquals(1_000_000, all.estimateQuantile(0.5), "the median, of the three that have one");
        assertEquals(2_500_000, all.estimateQuantile(1), "the highest");
        Sums left = totals.update(List.of(b, none), Set.of("door"), SECOND).get(DOOR_SFU);
        assertEquals(2_500_000, left.estimateQuantile(0), "a departed viewer's estimate is not kept");
        Sums nobody = totals.update(List.of(none), Set.of("door"), 2 * SECOND).get(DOOR_SFU);
        assertEquals(-1, nobody.estimateQuantile(0.5));
    }

    @Test
    void sessionStatsAreAskedAtMostOncePerInterval() {
        ViewerTotals totals = new ViewerTotals(5000);
        FakeSession a = new FakeSession("a", "door", "p2p").sent(1, 1, 0, 0, 0, 0);
        for (int i = 0; i < 5; i++) {
            totals.update(List.of(a), Set.of("door"), i * SECOND);
        }
        assertEquals(1, a.statsCalls.get());
        a.sent(9, 9, 0, 0, 0, 0);
        Sums later = totals.update(List.of(a), Set.of("door"), 5 * SECOND).get(new Key("door", "p2p"));
        assertEquals(2, a.statsCalls.get());
        assertEquals(9, later.packetsSent);
    }

    @Test
    void aRemovedStreamIsForgotten() {
        ViewerTotals totals = new ViewerTotals(0);
        totals.update(List.of(new FakeSession("a", "door", "sfu").sent(5, 5, 0, 0, 0, 0)), Set.of("door"), 0);
        totals.update(List.of(), Set.of("door"), SECOND);
        Map<Key, Sums> after = totals.update(List.of(), Set.of(), 2 * SECOND);
        assertFalse(after.containsKey(DOOR_SFU));
    }

    @Test
    void aFailingSessionKeepsItsLastFigures() {
        ViewerTotals totals = new ViewerTotals(0);
        FakeSession a = new FakeSession("a", "door", "sfu") {
            private int calls;

            @Override
            public io.sightline.api.transport.ViewerStats stats() {
                if (calls++ > 0) {
                    throw new IllegalStateException("closed");
                }
                return super.stats();
            }
        }.sent(7, 70, 0, 0, 0, 0);
        totals.update(List.of(a), Set.of("door"), 0);
        assertEquals(7, totals.update(List.of(a), Set.of("door"), SECOND).get(DOOR_SFU).packetsSent);
    }
}
