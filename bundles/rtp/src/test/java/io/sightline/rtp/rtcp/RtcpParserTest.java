package io.sightline.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpParserTest {

    /** Records every callback as a line of text. */
    private static final class Recorder implements RtcpHandler {
        final List<String> events = new ArrayList<>();
        final List<ReportBlock> blocks = new ArrayList<>();
        TransportCcFeedback transportCc;
        final List<String> statuses = new ArrayList<>();
        final List<String> arrivals = new ArrayList<>();
        long[] rembSsrcs;

        @Override
        public void onSenderReport(long ssrc, long ntp, long rtp, long packets, long octets) {
            events.add("SR " + ssrc + " " + Long.toHexString(ntp) + " " + rtp + " " + packets + " " + octets);
        }

        @Override
        public void onReportBlock(long sender, ReportBlock block) {
            blocks.add(block);
            events.add("RB " + sender + " " + Long.toHexString(block.ssrc()));
        }

        @Override
        public void onNack(long sender, long media, int seq) {
            events.add("NACK " + seq);
        }

        @Override
        public void onPli(long sender, long media) {
            events.add("PLI " + sender + " " + Long.toHexString(media));
        }

        @Override
        public void onFir(long sender, long media, int seq) {
            events.add("FIR " + Long.toHexString(media) + " " + seq);
        }

        @Override
        public void onRemb(long sender, long bitrate, long[] ssrcs) {
            events.add("REMB " + bitrate);
            rembSsrcs = ssrcs;
        }

        @Override
        public void onTransportCc(TransportCcFeedback f) {
            transportCc = f;
            events.add("TCC");
        }

        @Override
        public void onTransportCcStatus(int seq, boolean received) {
            statuses.add(seq + (received ? "+" : "-"));
        }

        @Override
        public void onTransportCcArrival(int seq, long arrivalMicros) {
            arrivals.add(seq + "@" + arrivalMicros);
        }

        @Override
        public void onBye(long ssrc) {
            events.add("BYE " + ssrc);
        }
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** A receiver report plus REMB laid out as Chromium sends them (sender SSRC 1 for a receive-only peer). */
    @Test
    void receiverReportWithRembCompound() {
        byte[] rtcp = hex("81c90007 00000001 12345678 0a000005 00010203 00000020 11223344 00010000"
                + "8fce0005 00000001 00000000 52454d42 010edc6c 12345678");
        Recorder r = new Recorder();
        assertTrue(RtcpParser.parse(rtcp, 0, rtcp.length, r));
        assertEquals(List.of("RB 1 12345678", "REMB 1500000"), r.events);
        ReportBlock b = r.blocks.get(0);
        assertEquals(10, b.fractionLost());
        assertEquals(5, b.cumulativeLost());
        assertEquals(0x10203, b.highestSequence());
        assertEquals(32, b.jitter());
        assertEquals(0x11223344L, b.lastSr());
        assertEquals(65536, b.delaySinceLastSr());
        assertEquals(99, b.rttMillis(0x11223344L + 0x10000 + 0x1999), "100 ms less rounding");
        assertArrayEquals(new long[] {0x12345678L}, r.rembSsrcs);
    }

    @Test
    void negativeCumulativeLossAndUnsentSenderReport() {
        byte[] rtcp = hex("81c90007 00000001 12345678 00fffffe 00000001 00000000 00000000 00000000");
        Recorder r = new Recorder();
        assertTrue(RtcpParser.parse(rtcp, 0, rtcp.length, r));
        assertEquals(-2, r.blocks.get(0).cumulativeLost());
        assertEquals(-1, r.blocks.get(0).rttMillis(123456), "no SR received yet");
    }

    @Test
    void genericNackExpandsPidAndBitmaskAcrossWrap() {
        byte[] rtcp = hex("81cd0004 00000001 12345678 00648001 ffff0001");
        Recorder r = new Recorder();
        assertTrue(RtcpParser.parse(rtcp, 0, rtcp.length, r));
        assertEquals(List.of("NACK 100", "NACK 101", "NACK 116", "NACK 65535", "NACK 0"), r.events);
    }

    @Test
    void reducedSizePliAloneAndFir() {
        byte[] pli = hex("81ce0002 00000001 12345678");
        Recorder r = new Recorder();
        assertTrue(RtcpParser.parse(pli, 0, pli.length, r), "RFC 5506: no leading RR needed");
        byte[] fir = hex("84ce0004 00000001 00000000 12345678 07000000");
        assertTrue(RtcpParser.parse(fir, 0, fir.length, r));
        assertEquals(List.of("PLI 1 12345678", "FIR 12345678 7"), r.events);
    }

    @Test
    void transportCcFeedbackCountsAndPadding() {
        // base 10, 10 packets, reference time 257 (x64 ms), feedback #3;
        // run-length chunk: 5 x "received, small delta"; 2-bit vector: lost, large, small, lost, small;
        // deltas 5x1 + 2 + 1 + 1 = 9 bytes, then 3 padding bytes (P bit set).
        byte[] rtcp = hex("afcd0008 00000001 12345678 000a000a 00010103 2005c910"
                + "0101010101 0010 01 01 000003");
        Recorder r = new Recorder();
        assertTrue(RtcpParser.parse(rtcp, 0, rtcp.length, r));
        TransportCcFeedback f = r.transportCc;
        assertEquals(10, f.baseSequence());
        assertEquals(10, f.statusCount());
        assertEquals(257, f.referenceTime());
        assertEquals(257 * 64_000L, f.referenceTimeMicros());
        assertEquals(3, f.feedbackCount());
        assertEquals(8, f.received());
        assertEquals(2, f.lost());
        assertEquals(0x12345678L, f.mediaSsrc());
        assertEquals(List.of("10+", "11+", "12+", "13+", "14+", "15-", "16+", "17+", "18-", "19+"), r.statuses,
                "each packet's status, by transport sequence number");
        long ref = 257 * 64_000L;
        assertEquals(List.of("10@" + (ref + 250), "11@" + (ref + 500), "12@" + (ref + 750), "13@" + (ref + 1000),
                "14@" + (ref + 1250), "16@" + (ref + 5250), "17@" + (ref + 5500), "19@" + (ref + 5750)), r.arrivals,
                "arrival times: the reference time plus the small (1 byte) and large (2 byte) deltas so far");
    }

    @Test
    void negativeLargeDeltaMovesTheArrivalTimeBack() {
        // 2 packets, run-length chunk "received, large delta" x2; deltas +1000 (250 ms) and -4 (-1 ms).
        byte[] rtcp = hex("8fcd0006 00000001 12345678 00640002 00000100 4002 03e8 fffc 0000");
        Recorder r = new Recorder();
        assertTrue(RtcpParser.parse(rtcp, 0, rtcp.length, r));
        assertEquals(List.of("100@" + (64_000 + 250_000), "101@" + (64_000 + 249_000)), r.arrivals);
    }

    @Test
    void noStatusesFromAFeedbackPacketWhoseDeltasAreCutOff() {
        byte[] rtcp = hex("afcd0006 00000001 12345678 000a000a 00010103 2005c910 01010101");
        Recorder r = new Recorder();
        RtcpParser.parse(rtcp, 0, rtcp.length, r);
        assertEquals(List.of(), r.statuses, "nothing half-applied");
    }

    @Test
    void oneBitStatusVectorAndNegativeReferenceTime() {
        // 14 packets in one 1-bit vector: 10110000000001 -> 4 received
        byte[] rtcp = hex("8fcd0006 00000001 00000002 0000000e ffffff00 ac01 01010101 0000");
        Recorder r = new Recorder();
        assertTrue(RtcpParser.parse(rtcp, 0, rtcp.length, r));
        assertEquals(4, r.transportCc.received());
        assertEquals(10, r.transportCc.lost());
        assertEquals(List.of("0+", "1-", "2+", "3+"), r.statuses.subList(0, 4));
        assertEquals(-1, r.transportCc.referenceTime());
    }

    @Test
    void writerOutputParsesBack() {
        byte[] buf = new byte[100];
        long ntp = NtpTime.fromEpochMillis(1_700_000_000_250L);
        int n = RtcpWriter.writeSenderReport(buf, 0, 0xdeadbeefL, ntp, 90_000, 10, 12_000);
        int sdes = RtcpWriter.writeSdesCname(buf, n, 0xdeadbeefL, "abc");
        assertEquals(16, sdes);
        n += sdes;
        n += RtcpWriter.writeBye(buf, n, 0xdeadbeefL);
        Recorder r = new Recorder();
        assertTrue(RtcpParser.parse(buf, 0, n, r));
        assertEquals(List.of("SR 3735928559 " + Long.toHexString(ntp) + " 90000 10 12000", "BYE 3735928559"),
                r.events);
        assertEquals(1_700_000_000_250L, NtpTime.toEpochMillis(ntp));
        assertEquals(0x4000, NtpTime.compact(ntp) & 0xffff, "250 ms is a quarter second: 0x4000/65536");
    }

    @Test
    void malformedPacketsStopParsing() {
        Recorder r = new Recorder();
        assertFalse(RtcpParser.parse(new byte[0], 0, 0, r));
        assertFalse(RtcpParser.parse(hex("81c90007 00000001"), 0, 8, r), "length beyond the buffer");
        assertFalse(RtcpParser.parse(hex("41c90001 00000001"), 0, 8, r), "version 1");
        assertFalse(RtcpParser.parse(hex("82c90001 00000001"), 0, 8, r), "two report blocks announced, none there");
        byte[] tcc = hex("8fcd0005 00000001 00000002 00000064 00000000 2064");
        assertFalse(RtcpParser.parse(tcc, 0, tcc.length, r), "100 received packets but no deltas");
        assertFalse(RtcpParser.parse(hex("a1c90001 000000ff"), 0, 8, r), "padding larger than the packet");
        // a good PLI before a broken packet is still reported
        byte[] mixed = hex("81ce0002 00000001 00000002 81c90009");
        assertFalse(RtcpParser.parse(mixed, 0, mixed.length, r));
        assertEquals(List.of("PLI 1 2"), r.events);
    }
}
