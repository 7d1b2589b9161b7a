package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.testing.TestStream;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fan-out: one packetization per stream, per-viewer rewriting, GOP start, isolation, keyframe coalescing. */
class StreamFanoutTest {
    private TestStream stream;
    private StreamFanout fanout;

    @BeforeEach
    void start() {
        stream = new TestStream("cam");
        fanout = new StreamFanout(stream);
        fanout.start();
        fanout.onTracks(List.of(Units.VIDEO));
    }

    @Test
    void everyViewerGetsTheSamePayloadsUnderItsOwnSsrcSequenceAndTimestamps() {
        TestViewer a = new TestViewer(fanout, 0x11111111L, 100, 1_000_000L).connect();
        TestViewer b = new TestViewer(fanout, 0x22222222L, 65_530, 0xfffff000L).connect();
        fanout.onMedia(Units.frame(0, true, 3000));
        fanout.onMedia(Units.frame(1, false, 900));

        List<byte[]> pa = a.rtp();
        List<byte[]> pb = b.rtp();
        // keyframe: STAP-A (SPS+PPS) + 3 FU-A for the 3000-byte IDR; then one packet for the delta frame
        assertEquals(5, pa.size());
        assertEquals(pa.size(), pb.size());
        assertEquals(5, fanoutHistoryWritten(), "packetized once for both viewers");
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(TestViewer.payload(pa.get(i)), TestViewer.payload(pb.get(i)));
            assertEquals(0x11111111L, TestViewer.ssrc(pa.get(i)));
            assertEquals(0x22222222L, TestViewer.ssrc(pb.get(i)));
            assertEquals(102, TestViewer.payloadType(pa.get(i)));
            assertEquals((100 + i) & 0xffff, TestViewer.seq(pa.get(i)));
            assertEquals((65_530 + i) & 0xffff, TestViewer.seq(pb.get(i)), "wraps at 65535");
            long streamTs = i < 4 ? 0 : Units.FRAME_MICROS * 90 / 1000;
            assertEquals((streamTs + 1_000_000L) & 0xffffffffL, TestViewer.timestamp(pa.get(i)));
            assertEquals((streamTs + 0xfffff000L) & 0xffffffffL, TestViewer.timestamp(pb.get(i)), "wraps at 2^32");
        }
        assertEquals(24, TestViewer.payload(pa.get(0))[0] & 0x1f, "STAP-A first");
        assertFalse(TestViewer.marker(pa.get(2)));
        assertTrue(TestViewer.marker(pa.get(3)), "marker on the last packet of the keyframe");
        assertTrue(TestViewer.marker(pa.get(4)));
    }

    @Test
    void aViewerWaitsForAKeyframeWhenNoGroupOfPicturesIsCached() {
        TestViewer v = new TestViewer(fanout, 0x33333333L, 7, 0).connect();
        fanout.onMedia(Units.frame(0, false, 500));
        fanout.onMedia(Units.frame(1, false, 500));
        assertTrue(v.rtp().isEmpty(), "no picture before a keyframe");
        assertEquals(1, stream.keyframeRequests(), "admission asked for a keyframe");
        fanout.onMedia(Units.frame(2, true, 500));
        assertEquals(7, TestViewer.seq(v.rtp().get(0)), "the viewer's sequence starts at its keyframe");
    }

    @Test
    void aLateViewerStartsOnTheCachedGroupOfPicturesWithoutAKeyframeRequest() {
        TestViewer early = new TestViewer(fanout, 0x44444444L, 0, 0).connect();
        fanout.onMedia(Units.frame(0, true, 3000));
        int requestsAfterFirst = stream.keyframeRequests();
        fanout.onMedia(Units.frame(1, false, 500));
        fanout.onMedia(Units.frame(2, false, 500));
        TestViewer late = new TestViewer(fanout, 0x55555555L, 1000, 0).connect();
        fanout.onMedia(Units.frame(3, false, 500));

        List<byte[]> p = late.rtp();
        assertEquals(early.rtp().size(), p.size(), "the whole GOP, then live");
        assertEquals(requestsAfterFirst, stream.keyframeRequests(), "the cached GOP serves the late viewer");
        assertEquals(24, TestViewer.payload(p.get(0))[0] & 0x1f, "starts with SPS+PPS");
        for (int i = 0; i < p.size(); i++) {
            assertEquals(1000 + i, TestViewer.seq(p.get(i)), "gapless sequence");
        }
        // cached frames 0..2 are squeezed 1 ms apart, ending at frame 2's place; frame 3 follows at its own time
        long frame2 = 2 * Units.FRAME_MICROS * 90 / 1000;
        assertEquals(frame2 - 2 * 90, TestViewer.timestamp(p.get(0)));
        assertEquals(frame2, TestViewer.timestamp(p.get(p.size() - 2)));
        assertEquals(3 * Units.FRAME_MICROS * 90 / 1000, TestViewer.timestamp(p.get(p.size() - 1)));
    }

    @Test
    void aViewerWhosePathDropsIsCountedAndTheOthersGetEverything() {
        TestViewer slow = new TestViewer(fanout, 0x66666666L, 0x66666667L, 102, 103, 0, 0, packet -> false).connect();
        TestViewer fine = new TestViewer(fanout, 0x77777777L, 0, 0).connect();
        for (int f = 0; f < 30; f++) {
            fanout.onMedia(Units.frame(f, f % 10 == 0, 1200));
        }
        assertEquals(fanoutHistoryWritten(), fine.rtp().size());
        assertEquals(fanoutHistoryWritten(), slow.session.stats().packetsDropped());
        assertEquals(0, slow.session.stats().packetsSent());
        assertEquals(0, fine.session.stats().packetsDropped());
    }

    @Test
    void aViewerWhoseSendingThrowsIsClosedAndTheOthersGoOn() {
        TestViewer broken = new TestViewer(fanout, 0x88888888L, 0x88888889L, 102, 103, 0, 0, packet -> {
            throw new IllegalStateException("path gone");
        }).connect();
        TestViewer fine = new TestViewer(fanout, 0x99999999L, 0, 0).connect();
        for (int f = 0; f < 5; f++) {
            fanout.onMedia(Units.frame(f, f == 0, 800));
        }
        assertEquals(1, fanout.viewerFailures());
        assertEquals("closed", broken.session.state());
        assertEquals(fanoutHistoryWritten(), fine.rtp().size());
        assertEquals(1, fanout.viewerCount());
    }

    @Test
    void keyframeRequestsAreCoalescedUntilTheKeyframeArrives() {
        fanout.onMedia(Units.frame(0, true, 500));
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
        fanout.onMedia(Units.frame(2, true, 500));
        viewers.get(0).session.onPli(9, 1);
        assertEquals(before + 2, stream.keyframeRequests(), "after the keyframe a new loss asks again");
        assertEquals(10, viewers.get(1).session.stats().keyframeRequests());
    }

    @Test
    void viewersJoiningBeforeAnyKeyframeCostOneRequest() {
        for (int i = 0; i < 20; i++) {
            new TestViewer(fanout, 100 + i, 0, 0).connect();
        }
        fanout.onMedia(Units.frame(0, false, 500));
        assertEquals(1, stream.keyframeRequests());
        assertEquals(19, fanout.keyframeRequestsCoalesced());
    }

    @Test
    void gopBurstIsTheDefaultAndStartsALateViewerAtOnce() {
        assertEquals(ViewerStart.GOP_BURST, ViewerStart.parse(" gop-burst "));
        StreamFanout burst = modeFanout(ViewerStart.GOP_BURST);
        TestViewer late = lateViewerOnACachedGop(burst);
        assertEquals(4 + 1 + 1 + 1, late.rtp().size(), "the cached keyframe and two delta frames, then frame 3");
        assertEquals(0, stream.keyframeRequests(), "the early viewer started on keyframe 0, the late on the GOP");
    }

    @Test
    void nextKeyframeModeAsksForAKeyframeAndStartsTheLateViewerOnIt() {
        StreamFanout next = modeFanout(ViewerStart.NEXT_KEYFRAME);
        TestViewer late = lateViewerOnACachedGop(next);
        assertTrue(late.rtp().isEmpty(), "nothing from the cached GOP");
        assertEquals(1, stream.keyframeRequests(), "the late viewer's admission asked for a keyframe");
        stream.subscriber().onMedia(Units.frame(4, true, 3000));
        assertLiveFromKeyframe(late, 4);
    }

    @Test
    void waitModeAsksForNothingAndStartsTheLateViewerOnTheNaturalKeyframe() {
        StreamFanout wait = modeFanout(ViewerStart.WAIT);
        TestViewer late = lateViewerOnACachedGop(wait);
        for (int f = 4; f < 10; f++) {
            stream.subscriber().onMedia(Units.frame(f, false, 500));
        }
        assertTrue(late.rtp().isEmpty(), "no picture before the source's own keyframe");
        assertEquals(0, stream.keyframeRequests(), "neither viewer asked for a keyframe");
        stream.subscriber().onMedia(Units.frame(10, true, 3000));
        assertLiveFromKeyframe(late, 10);
    }

    @Test
    void anUnknownViewerStartIsRejected() {
        assertEquals(ViewerStart.NEXT_KEYFRAME, ViewerStart.parse("Next-Keyframe"));
        assertEquals(ViewerStart.WAIT, ViewerStart.parse("wait"));
        assertThrows(IllegalArgumentException.class, () -> ViewerStart.parse("gop_burst"));
    }

    /** A fan-out in the given mode on a fresh stream (the one from {@link #start()} is left unused). */
    private StreamFanout modeFanout(ViewerStart mode) {
        stream = new TestStream("cam");
        StreamFanout f = new StreamFanout(stream, mode);
        f.start();
        f.onTracks(List.of(Units.VIDEO));
        return f;
    }

    @Test
    void aViewerJoiningWithACachedGopGetsItWhenItsKeysAreReadyNotWithTheNextUnit() {
        fanout.onMedia(Units.frame(0, true, 3000));
        fanout.onMedia(Units.frame(1, false, 500));
        TestViewer v = new TestViewer(fanout, 0x56565656L, 500, 0).connect();

        List<byte[]> burst = v.rtp();
        assertEquals(5, burst.size(), "the keyframe (4 packets) and picture 1, before any further unit");
        assertEquals(500, TestViewer.seq(burst.get(0)));
        long newest = TestViewer.timestamp(burst.get(4));
        assertEquals(Units.FRAME_MICROS * 90 / 1000, newest, "the newest picture at its own time");
        assertEquals(newest - 90, TestViewer.timestamp(burst.get(0)), "the keyframe squeezed 1 ms before it");

        fanout.onMedia(Units.frame(2, true, 3000));
        List<byte[]> all = v.rtp();
        assertEquals(9, all.size(), "live from there, nothing twice");
        assertEquals(505, TestViewer.seq(all.get(5)));
        assertEquals(2 * Units.FRAME_MICROS * 90 / 1000, TestViewer.timestamp(all.get(5)));
        assertEquals(0, stream.keyframeRequests());
    }

    /** An early viewer watches keyframe 0 and deltas 1-2; a late viewer joins and frame 3 (a delta) follows. */
    private TestViewer lateViewerOnACachedGop(StreamFanout f) {
        new TestViewer(f, 0x12121212L, 0, 0).connect();
        f.onMedia(Units.frame(0, true, 3000));
        f.onMedia(Units.frame(1, false, 500));
        f.onMedia(Units.frame(2, false, 500));
        TestViewer late = new TestViewer(f, 0x34343434L, 500, 0).connect();
        f.onMedia(Units.frame(3, false, 500));
        return late;
    }

    /** The viewer's first packet is the keyframe's SPS+PPS at its sequence base, with the keyframe's own timestamp. */
    private static void assertLiveFromKeyframe(TestViewer v, int keyframe) {
        List<byte[]> p = v.rtp();
        assertEquals(24, TestViewer.payload(p.get(0))[0] & 0x1f, "starts with SPS+PPS");
        assertEquals(500, TestViewer.seq(p.get(0)));
        assertEquals(keyframe * Units.FRAME_MICROS * 90 / 1000, TestViewer.timestamp(p.get(0)), "not squeezed");
        assertEquals(4, p.size(), "STAP-A and the IDR in 3 fragments");
    }

    private long fanoutHistoryWritten() {
        return fanout.historyWritten(Units.VIDEO.id());
    }
}
