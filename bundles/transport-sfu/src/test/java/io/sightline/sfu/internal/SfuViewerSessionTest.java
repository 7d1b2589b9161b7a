package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.rtp.rtcp.ReportBlock;
import io.sightline.testing.TestStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer session on a real fan-out: its packets as the viewer decrypts them (payload type, SSRC, sequence),
 * its drops, keyframe requests and retransmissions (NACK, transport-wide feedback) from the shared packet history.
 */
class SfuViewerSessionTest {
    private TestStream stream;
    private StreamFanout fanout;

    @BeforeEach
    void start() {
        stream = new TestStream("cam");
        fanout = new StreamFanout(stream);
        fanout.start();
        fanout.onTracks(List.of(Units.VIDEO));
    }

    private void play(int frames) {
        for (int f = 0; f < frames; f++) {
            fanout.onMedia(Units.frame(f, f == 0, 900 + f));
        }
    }

    @Test
    void eachViewerGetsTheStreamUnderItsOwnSsrcPayloadTypeAndSequenceEncryptedForIt() {
        TestViewer a = new TestViewer(fanout, 0x11111111L, 100, 1_000_000L).connect();
        TestViewer b = new TestViewer(fanout, 0x22222222L, 0x22222223L, 96, 97, 65_534, 0, p -> true).connect();
        fanout.onMedia(Units.frame(0, true, 3000));
        fanout.onMedia(Units.frame(1, false, 900));

        List<byte[]> pa = a.rtp();
        List<byte[]> pb = b.rtp();
        assertEquals(5, pa.size(), "a keyframe in 4 packets and a delta frame");
        assertEquals(pa.size(), pb.size());
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(TestViewer.payload(pa.get(i)), TestViewer.payload(pb.get(i)));
            assertEquals(0x11111111L, TestViewer.ssrc(pa.get(i)));
            assertEquals(0x22222222L, TestViewer.ssrc(pb.get(i)));
            assertEquals(102, TestViewer.payloadType(pa.get(i)));
            assertEquals(96, TestViewer.payloadType(pb.get(i)));
            assertEquals((100 + i) & 0xffff, TestViewer.seq(pa.get(i)));
            assertEquals((65_534 + i) & 0xffff, TestViewer.seq(pb.get(i)));
            assertEquals(TestViewer.timestamp(pb.get(i)) + 1_000_000L, TestViewer.timestamp(pa.get(i)));
        }
        assertTrue(TestViewer.marker(pa.get(3)), "marker on the last packet of the keyframe");
        assertEquals(5, a.session.stats().packetsSent());
    }

    @Test
    void aViewerWhosePathDropsIsCountedAndTheOthersGetEverything() {
        TestViewer slow = new TestViewer(fanout, 0x66666666L, 0x66666667L, 102, 103, 0, 0, packet -> false).connect();
        TestViewer fine = new TestViewer(fanout, 0x77777777L, 0, 0).connect();
        for (int f = 0; f < 30; f++) {
            fanout.onMedia(Units.frame(f, f % 10 == 0, 1200));
        }
        long written = fanout.historyWritten(Units.VIDEO.id());
        assertEquals(written, fine.rtp().size());
        assertEquals(written, slow.session.stats().packetsDropped());
        assertEquals(0, slow.session.stats().packetsSent());
        assertEquals(0, fine.session.stats().packetsDropped());
    }

    @Test
    void aViewerWhoseSendingThrowsEndsClosedAndLeavesTheFanout() {
        TestViewer broken = new TestViewer(fanout, 0x88888888L, 0x88888889L, 102, 103, 0, 0, packet -> {
            throw new IllegalStateException("path gone");
        }).connect();
        TestViewer fine = new TestViewer(fanout, 0x99999999L, 0, 0).connect();
        play(5);
        assertEquals("closed", broken.session.state());
        assertEquals(1, fanout.viewerCount());
        assertEquals(fanout.historyWritten(Units.VIDEO.id()), fine.rtp().size());
    }

    @Test
    void pliFromManyViewersReachTheSourceAsOneKeyframeRequest() {
        play(1);
        List<TestViewer> viewers = List.of(new TestViewer(fanout, 1, 0, 0).connect(),
                new TestViewer(fanout, 2, 0, 0).connect(), new TestViewer(fanout, 3, 0, 0).connect());
        fanout.onMedia(Units.frame(1, false, 500));
        int before = stream.keyframeRequests();
        for (int round = 0; round < 10; round++) {
            for (TestViewer v : viewers) {
                v.session.onPli(9, v.track.negotiated.ssrc());
            }
        }
        assertEquals(before + 1, stream.keyframeRequests(), "30 PLIs, one request");
        assertEquals(29, fanout.keyframeRequestsCoalesced());
        assertEquals(10, viewers.get(1).session.stats().keyframeRequests());
    }

    @Test
    void nackIsAnsweredAsRtxWithTheOriginalSequenceNumberInFront() {
        TestViewer v = new TestViewer(fanout, 0xa0a0a0a0L, 0xb0b0b0b0L, 102, 103, 40_000, 77, p -> true).connect();
        play(6);
        List<byte[]> sent = v.rtp();
        byte[] lost = sent.get(2);
        int before = v.wire.size();

        v.session.onNack(1, 0xa0a0a0a0L, TestViewer.seq(lost));
        v.session.resendNacked(System.nanoTime());

        assertEquals(before + 1, v.wire.size());
        byte[] rtx = v.decryptFresh(v.wire.get(before));
        assertEquals(103, TestViewer.payloadType(rtx));
        assertEquals(0xb0b0b0b0L, TestViewer.ssrc(rtx));
        assertEquals(5000, TestViewer.seq(rtx), "RTX has its own sequence");
        assertEquals(TestViewer.timestamp(lost), TestViewer.timestamp(rtx));
        byte[] payload = TestViewer.payload(rtx);
        assertEquals(TestViewer.seq(lost), ((payload[0] & 0xff) << 8) | (payload[1] & 0xff), "OSN (RFC 4588)");
        assertArrayEquals(TestViewer.payload(lost), Arrays.copyOfRange(payload, 2, payload.length));
        assertEquals(1, v.session.stats().nacksReceived());
    }

    @Test
    void withoutRtxTheSamePacketIsSentAgain() {
        TestViewer v = new TestViewer(fanout, 0xc0c0c0c0L, 0, 102, -1, 9, 0, p -> true).connect();
        play(6);
        byte[] lost = v.rtp().get(1);
        int before = v.wire.size();

        v.session.onNack(1, 0xc0c0c0c0L, TestViewer.seq(lost));
        v.session.resendNacked(System.nanoTime());

        byte[] again = v.decryptFresh(v.wire.get(before));
        assertArrayEquals(lost, again);
    }

    @Test
    void packetsNoLongerHeldOrBeforeTheViewersStartAreNotResent() {
        TestViewer early = new TestViewer(fanout, 0xd0d0d0d0L, 0, 0).connect();
        play(3);
        TestViewer late = new TestViewer(fanout, 0xe0e0e0e0L, 500, 0).connect();
        for (int f = 3; f < 2500; f++) {
            fanout.onMedia(Units.frame(f, false, 200));
        }
        int before = late.wire.size();
        late.session.onNack(1, 0xe0e0e0e0L, 500); // its first packet: gone from the 2048-packet history
        late.session.onNack(1, 0xe0e0e0e0L, 499); // before its start
        late.session.onNack(1, 0x12345678L, 600); // not its SSRC
        late.session.resendNacked(System.nanoTime());
        assertEquals(before, late.wire.size());
        early.session.onNack(1, 0xd0d0d0d0L, TestViewer.seq(early.rtp().get(early.rtp().size() - 3)));
        early.session.resendNacked(System.nanoTime());
        assertEquals(103, TestViewer.payloadType(early.decryptFresh(early.wire.get(early.wire.size() - 1))),
                "a recent packet is still resent");
    }

    @Test
    void aPacketOfTheStartBurstIsResentWithTheSqueezedTimestampItWasSentWith() {
        play(4); // a keyframe and three pictures cached
        TestViewer v = new TestViewer(fanout, 0xf0f0f0f0L, 0xf1f1f1f1L, 102, 103, 100, 5_000, p -> true).connect();
        List<byte[]> burst = v.rtp();
        byte[] lost = burst.get(burst.size() - 2); // a packet of the third picture, timestamp squeezed
        long newest = TestViewer.timestamp(burst.get(burst.size() - 1));
        assertEquals(newest - 90, TestViewer.timestamp(lost), "1 ms before the newest cached picture, not its own time");
        int before = v.wire.size();

        v.session.onNack(1, 0xf0f0f0f0L, TestViewer.seq(lost));
        v.session.resendNacked(System.nanoTime());

        byte[] rtx = v.decryptFresh(v.wire.get(before));
        assertEquals(TestViewer.timestamp(lost), TestViewer.timestamp(rtx));
    }

    @Test
    void aRepeatedNackWithinTheHoldOffIsNotAnsweredTwiceButALaterOneIs() {
        TestViewer v = new TestViewer(fanout, 0xa1a1a1a1L, 0xb1b1b1b1L, 102, 103, 0, 0, p -> true).connect();
        play(6);
        int seq = TestViewer.seq(v.rtp().get(3));
        long t0 = 1_000_000_000L;
        int before = v.wire.size();

        v.session.onNack(1, 0xa1a1a1a1L, seq);
        v.session.resendNacked(t0);
        v.session.onNack(1, 0xa1a1a1a1L, seq); // the viewer repeats before the retransmission could arrive
        v.session.resendNacked(t0 + 5_000_000L);
        assertEquals(before + 1, v.wire.size());

        v.session.onNack(1, 0xa1a1a1a1L, seq); // an RTT later: the retransmission was lost too
        v.session.resendNacked(t0 + 30_000_000L);
        assertEquals(before + 2, v.wire.size());
    }

    @Test
    void onALossyLinkEachRetransmissionGoesOutTwice() {
        TestViewer v = new TestViewer(fanout, 0xa2a2a2a2L, 0xb2b2b2b2L, 102, 103, 0, 0, p -> true).connect();
        play(6);
        int seq = TestViewer.seq(v.rtp().get(3));
        v.session.onReportBlock(1, new ReportBlock(0xa2a2a2a2L, 13, 1, 6, 0, 0, 0)); // 5% lost
        v.session.maybeSendReports(System.nanoTime() + 2_000_000_000L); // the next report time
        assertTrue(v.session.lossyLink());
        int wireBefore = v.wire.size();

        v.session.onNack(1, 0xa2a2a2a2L, seq);
        v.session.resendNacked(System.nanoTime());

        assertEquals(wireBefore + 2, v.wire.size());
        byte[] first = v.decryptFresh(v.wire.get(wireBefore));
        byte[] second = v.decryptFresh(v.wire.get(wireBefore + 1));
        assertArrayEquals(TestViewer.payload(first), TestViewer.payload(second), "the same OSN and payload");
        assertEquals(TestViewer.seq(first) + 1, TestViewer.seq(second), "two RTX packets");
    }

    @Test
    void aLinkIsLossyFromOnePercentReportedOrNackedOn() {
        assertFalse(SfuViewerSession.isLossy(0.005, 0, 0));
        assertTrue(SfuViewerSession.isLossy(0.02, 0, 0));
        assertTrue(SfuViewerSession.isLossy(0, 3, 200), "1.5% of the packets sent were NACKed");
        assertFalse(SfuViewerSession.isLossy(0, 1, 200));
    }

    @Test
    void aPacketMissingInTransportWideFeedbackIsRepairedWithoutANack() {
        TestViewer v = new TestViewer(fanout, 0xa3a3a3a3L, 0xb3b3b3b3L, 102, 103, 0, 0, p -> true, 0,
                PlayoutDelay.parse("0"), 5);
        v.connect();
        play(6);
        List<byte[]> sent = v.rtp();
        byte[] lost = sent.get(2);
        int before = v.wire.size();

        // The third packet (transport-wide sequence 2) missing, the ones around it received.
        v.session.onTransportCcStatus(1, true);
        v.session.onTransportCcStatus(2, false);
        v.session.onTransportCcStatus(3, true);
        v.session.onTransportCcStatus(4000, false); // never sent: ignored
        v.session.resendNacked(System.nanoTime());

        assertEquals(before + 1, v.wire.size());
        byte[] rtx = v.decryptFresh(v.wire.get(before));
        byte[] payload = TestViewer.payload(rtx);
        assertEquals(TestViewer.seq(lost), ((payload[0] & 0xff) << 8) | (payload[1] & 0xff));

        v.session.onNack(1, 0xa3a3a3a3L, TestViewer.seq(lost)); // the NACK for it comes right after
        v.session.resendNacked(System.nanoTime());
        assertEquals(before + 1, v.wire.size(), "not repaired twice within the hold-off");
    }

    @Test
    void transportWideFeedbackBecomesTheSessionsBandwidthEstimate() {
        TestViewer v = new TestViewer(fanout, 0xa4a4a4a4L, 0xb4b4b4b4L, 102, 103, 0, 0, p -> true, 0,
                PlayoutDelay.parse("0"), 5);
        v.connect();
        assertEquals("none", v.session.stats().bandwidthEstimateSource());
        play(40);
        int packets = v.rtp().size();
        // Every packet received, 33 ms apart, reported in feedback packets of 5.
        for (int seq = 0; seq < packets; seq++) {
            v.session.onTransportCcStatus(seq, true);
            v.session.onTransportCcArrival(seq, 1_000_000 + seq * 33_000L);
            if (seq % 5 == 4) {
                v.session.rtcpParsed(System.nanoTime());
            }
        }
        assertEquals("transport-cc", v.session.stats().bandwidthEstimateSource());
        assertTrue(v.session.stats().bandwidthEstimateBps() > 0, "" + v.session.stats());
    }

    @Test
    void rembIsTheEstimateOfAViewerWithoutTransportWideFeedback() {
        TestViewer v = new TestViewer(fanout, 0xa5a5a5a5L, 0, 102, -1, 0, 0, p -> true).connect();
        v.session.onRemb(1, 1_500_000, new long[] {0xa5a5a5a5L});
        assertEquals(1_500_000, v.session.stats().bandwidthEstimateBps());
        assertEquals("remb", v.session.stats().bandwidthEstimateSource());
    }
}
