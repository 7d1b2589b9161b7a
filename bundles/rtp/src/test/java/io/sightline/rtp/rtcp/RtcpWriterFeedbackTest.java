package io.sightline.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a media receiver writes (RR, NACK, PLI, REMB) must read back through the parser the SFU uses for viewers. */
class RtcpWriterFeedbackTest {
    private static final class Recorder implements RtcpHandler {
        final List<String> events = new ArrayList<>();
        long rembBps;
        long[] rembSsrcs;

        @Override
        public void onReportBlock(long sender, ReportBlock block) {
            events.add("RB " + sender + " " + block.ssrc() + " " + block.fractionLost() + " " + block.cumulativeLost()
                    + " " + block.highestSequence() + " " + block.jitter());
        }

        @Override
        public void onNack(long sender, long media, int seq) {
            events.add("NACK " + media + " " + seq);
        }

        @Override
        public void onPli(long sender, long media) {
            events.add("PLI " + sender + " " + media);
        }

        @Override
        public void onRemb(long sender, long bps, long[] ssrcs) {
            rembBps = bps;
            rembSsrcs = ssrcs;
        }
    }

    @Test
    void receiverReportPliAndRembFormOneCompoundPacket() {
        byte[] buf = new byte[200];
        int len = RtcpWriter.writeReceiverReport(buf, 0, 1, 0xdeadbeefL, 12, 345, 0x10005L, 90, 0, 0);
        len += RtcpWriter.writePli(buf, len, 1, 0xdeadbeefL);
        len += RtcpWriter.writeRemb(buf, len, 1, 2_500_000, 0xdeadbeefL, 7);
        Recorder r = new Recorder();
        RtcpParser.parse(buf, 0, len, r);
        assertEquals(List.of("RB 1 3735928559 12 345 65541 90", "PLI 1 3735928559"), r.events);
        // REMB's 18-bit mantissa loses the low bits of large rates, never more than 1/2^17 of them.
        assertEquals(2_500_000, r.rembBps, 2_500_000 >> 17);
        assertArrayEquals(new long[] {0xdeadbeefL, 7}, r.rembSsrcs);
    }

    @Test
    void nackPacksRunsWithinSixteenIntoOneEntryAndWrapsAround() {
        byte[] buf = new byte[100];
        int[] seqs = {65534, 65535, 0, 5, 17, 40};
        int len = RtcpWriter.writeNack(buf, 0, 1, 9, seqs, seqs.length);
        // 65534 covers 65535, 0 and 5 (within 16 after it, modulo 2^16); 17 (19 after) and 40 need entries of their own
        assertEquals(12 + 3 * 4, len);
        Recorder r = new Recorder();
        RtcpParser.parse(buf, 0, len, r);
        assertEquals(List.of("NACK 9 65534", "NACK 9 65535", "NACK 9 0", "NACK 9 5", "NACK 9 17", "NACK 9 40"),
                r.events);
    }

    @Test
    void nothingToNackWritesNothing() {
        assertEquals(0, RtcpWriter.writeNack(new byte[16], 0, 1, 2, new int[0], 0));
    }
}
