package io.sightline.rtp.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReorderWindowTest {
    private static final long MS = 1_000_000L;
    private final List<Integer> out = new ArrayList<>();
    private final List<Integer> firstBytes = new ArrayList<>();
    private final ReorderWindow window = new ReorderWindow(64, 1200, 40 * MS, (payload, seq, ts, marker, at) -> {
        out.add(seq);
        firstBytes.add(payload.get(payload.position()) & 0xff);
    });

    private void add(int seq, long atMs) {
        byte[] packet = {0, 0, (byte) seq, 9};
        window.add(packet, 2, 2, seq, seq * 3000L, false, atMs * MS);
    }

    @Test
    void inOrderPacketsPassAtOnce() {
        add(10, 0);
        add(11, 1);
        add(12, 2);
        assertEquals(List.of(10, 11, 12), out);
        assertEquals(List.of(10, 11, 12), firstBytes, "the payload, not the header, is handed on");
        assertFalse(window.waiting());
    }

    @Test
    void aSwappedPairComesOutInOrder() {
        add(10, 0);
        add(12, 1);
        assertEquals(List.of(10), out);
        assertTrue(window.waiting());
        add(11, 2);
        assertEquals(List.of(10, 11, 12), out);
        assertEquals(0, window.skipped());
    }

    @Test
    void aGapIsGivenUpOnlyAfterTheHoldTime() {
        add(10, 0);
        add(12, 5);
        add(13, 6);
        window.flush(44 * MS);
        assertEquals(List.of(10), out, "12 waited 39 ms of 40");
        window.flush(45 * MS);
        assertEquals(List.of(10, 12, 13), out);
        assertEquals(1, window.skipped());
        add(11, 46);
        assertEquals(1, window.late(), "the retransmission came too late: counted, not handed out");
        assertEquals(List.of(10, 12, 13), out);
    }

    @Test
    void aRetransmissionInsideTheHoldTimeFillsTheGap() {
        add(65534, 0);
        add(0, 1);
        add(1, 2);
        add(65535, 20);
        assertEquals(List.of(65534, 65535, 0, 1), out, "across the 16-bit wrap");
    }

    @Test
    void aJumpBeyondTheRingFlushesWhatWaitedAndRestartsThere() {
        add(10, 0);
        add(12, 1);
        add(500, 2);
        add(501, 3);
        assertEquals(List.of(10, 12, 500, 501), out);
    }

    @Test
    void duplicatesAndOversizedPayloadsAreDropped() {
        add(10, 0);
        add(12, 1);
        add(12, 2);
        assertEquals(1, window.duplicates());
        window.add(new byte[2000], 0, 2000, 11, 0, false, 3 * MS);
        assertEquals(List.of(10), out);
    }
}
