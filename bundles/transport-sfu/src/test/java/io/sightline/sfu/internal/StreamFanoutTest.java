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

/**
 * The fan-out alone, with {@link RecordingViewer}s: one packetization per stream, per-viewer sequence and timestamps,
 * GOP start, isolation, keyframe coalescing. What a session makes of the packets is in {@link SfuViewerSessionTest}.
 */
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
    void everyViewerGetsTheSamePayloadsUnderItsOwnSequenceAndTimestamps() {
        RecordingViewer a = new RecordingViewer("a", 100, 1_000_000L).joining(fanout);
        RecordingViewer b = new RecordingViewer("b", 65_530, 0xfffff000L).joining(fanout);
        fanout.onMedia(Units.frame(0, true, 3000));
        fanout.onMedia(Units.frame(1, false, 900));

        // keyframe: STAP-A (SPS+PPS) + 3 FU-A for the 3000-byte IDR; then one packet for the delta frame
        assertEquals(5, a.sent.size());
        assertEquals(a.sent.size(), b.sent.size());
        assertEquals(5, fanoutHistoryWritten(), "packetized once for both viewers");
        for (int i = 0; i < a.sent.size(); i++) {
            RecordingViewer.Sent pa = a.sent.get(i);
            RecordingViewer.Sent pb = b.sent.get(i);
            assertArrayEquals(pa.payload(), pb.payload());
            assertEquals((100 + i) & 0xffff, pa.seq());
            assertEquals((65_530 + i) & 0xffff, pb.seq(), "wraps at 65535");
            long streamTs = i < 4 ? 0 : Units.FRAME_MICROS * 90 / 1000;
            assertEquals((streamTs + 1_000_000L) & 0xffffffffL, pa.timestamp());
            assertEquals((streamTs + 0xfffff000L) & 0xffffffffL, pb.timestamp(), "wraps at 2^32");
        }
        assertEquals(24, a.sent.get(0).nalType(), "STAP-A first");
        assertFalse(a.sent.get(2).marker());
        assertTrue(a.sent.get(3).marker(), "marker on the last packet of the keyframe");
        assertTrue(a.sent.get(4).marker());
        assertEquals(1, a.admissions);
        assertEquals(2, a.reportCalls, "reports may be due after each unit");
    }

    @Test
    void aViewerWaitsForAKeyframeWhenNoGroupOfPicturesIsCached() {
        RecordingViewer v = new RecordingViewer("v", 7, 0).joining(fanout);
        fanout.onMedia(Units.frame(0, false, 500));
        fanout.onMedia(Units.frame(1, false, 500));
        assertTrue(v.sent.isEmpty(), "no picture before a keyframe");
        assertEquals(1, stream.keyframeRequests(), "admission asked for a keyframe");
        fanout.onMedia(Units.frame(2, true, 500));
        assertEquals(7, v.sent.get(0).seq(), "the viewer's sequence starts at its keyframe");
    }

    @Test
    void aLateViewerStartsOnTheCachedGroupOfPicturesWithoutAKeyframeRequest() {
        RecordingViewer early = new RecordingViewer("early", 0, 0).joining(fanout);
        fanout.onMedia(Units.frame(0, true, 3000));
        int requestsAfterFirst = stream.keyframeRequests();
        fanout.onMedia(Units.frame(1, false, 500));
        fanout.onMedia(Units.frame(2, false, 500));
        RecordingViewer late = new RecordingViewer("late", 1000, 0).joining(fanout);
        fanout.onMedia(Units.frame(3, false, 500));

        List<RecordingViewer.Sent> p = late.sent;
        assertEquals(early.sent.size(), p.size(), "the whole GOP, then live");
        assertEquals(requestsAfterFirst, stream.keyframeRequests(), "the cached GOP serves the late viewer");
        assertEquals(24, p.get(0).nalType(), "starts with SPS+PPS");
        for (int i = 0; i < p.size(); i++) {
            assertEquals(1000 + i, p.get(i).seq(), "gapless sequence");
        }
        // cached frames 0..2 are squeezed 1 ms apart, ending at frame 2's place; frame 3 follows at its own time
        long frame2 = 2 * Units.FRAME_MICROS * 90 / 1000;
        assertEquals(frame2 - 2 * 90, p.get(0).timestamp());
        assertEquals(frame2, p.get(p.size() - 2).timestamp());
        assertEquals(3 * Units.FRAME_MICROS * 90 / 1000, p.get(p.size() - 1).timestamp());
    }

    @Test
    void aViewerWhoseSendingThrowsIsClosedAndTheOthersGoOn() {
        RecordingViewer broken = new RecordingViewer("broken", 0, 0).joining(fanout);
        broken.failure = new IllegalStateException("path gone");
        RecordingViewer fine = new RecordingViewer("fine", 0, 0).joining(fanout);
        for (int f = 0; f < 5; f++) {
            fanout.onMedia(Units.frame(f, f == 0, 800));
        }
        assertEquals(1, fanout.viewerFailures());
        assertTrue(broken.closed);
        assertEquals(fanoutHistoryWritten(), fine.sent.size());
        assertEquals(1, fanout.viewerCount());
    }

    @Test
    void aViewerThatFailsWhileStartingOnTheCachedGopIsClosedOnTheJoiningThread() {
        fanout.onMedia(Units.frame(0, true, 500));
        RecordingViewer broken = new RecordingViewer("broken", 0, 0);
        broken.failure = new IllegalStateException("path gone");
        broken.joining(fanout);
        assertTrue(broken.closed);
        assertEquals(1, fanout.viewerFailures());
        assertEquals(0, fanout.viewerCount());
    }

    @Test
    void keyframeRequestsAreCoalescedUntilTheKeyframeArrives() {
        fanout.onMedia(Units.frame(0, true, 500));
        new RecordingViewer("a", 0, 0).joining(fanout);
        fanout.onMedia(Units.frame(1, false, 500));
        int before = stream.keyframeRequests();
        for (int i = 0; i < 30; i++) {
            fanout.keyframeRequested();
        }
        assertEquals(before + 1, stream.keyframeRequests(), "30 requests, one to the source");
        assertEquals(29, fanout.keyframeRequestsCoalesced());
        fanout.onMedia(Units.frame(2, true, 500));
        fanout.keyframeRequested();
        assertEquals(before + 2, stream.keyframeRequests(), "after the keyframe a new loss asks again");
        assertEquals(2, fanout.keyframeRequestsForwarded());
    }

    @Test
    void viewersJoiningBeforeAnyKeyframeCostOneRequest() {
        for (int i = 0; i < 20; i++) {
            new RecordingViewer("v" + i, 0, 0).joining(fanout);
        }
        fanout.onMedia(Units.frame(0, false, 500));
        assertEquals(1, stream.keyframeRequests());
        assertEquals(19, fanout.keyframeRequestsCoalesced());
    }

    @Test
    void aViewerThatLeftGetsNothingMoreAndTheStreamsEndClosesTheOthers() {
        RecordingViewer leaving = new RecordingViewer("leaving", 0, 0).joining(fanout);
        RecordingViewer staying = new RecordingViewer("staying", 0, 0).joining(fanout);
        fanout.leave(leaving);
        fanout.onMedia(Units.frame(0, true, 500));
        assertTrue(leaving.sent.isEmpty());
        assertEquals(fanoutHistoryWritten(), staying.sent.size());
        assertEquals(1, fanout.viewerCount());

        fanout.onClosed();
        assertFalse(leaving.closed, "it left on its own");
        assertTrue(staying.closed);
    }

    @Test
    void aViewerStillWaitingForItsFirstKeyframeIsClosedWithTheStream() {
        RecordingViewer waiting = new RecordingViewer("waiting", 0, 0).joining(fanout);
        assertEquals(1, fanout.viewerCount());
        fanout.onClosed();
        assertTrue(waiting.closed);
        assertEquals(0, waiting.admissions);
    }

    @Test
    void gopBurstIsTheDefaultAndStartsALateViewerAtOnce() {
        assertEquals(ViewerStart.GOP_BURST, ViewerStart.parse(" gop-burst "));
        StreamFanout burst = modeFanout(ViewerStart.GOP_BURST);
        RecordingViewer late = lateViewerOnACachedGop(burst);
        assertEquals(4 + 1 + 1 + 1, late.sent.size(), "the cached keyframe and two delta frames, then frame 3");
        assertEquals(0, stream.keyframeRequests(), "the early viewer started on keyframe 0, the late on the GOP");
    }

    @Test
    void nextKeyframeModeAsksForAKeyframeAndStartsTheLateViewerOnIt() {
        StreamFanout next = modeFanout(ViewerStart.NEXT_KEYFRAME);
        RecordingViewer late = lateViewerOnACachedGop(next);
        assertTrue(late.sent.isEmpty(), "nothing from the cached GOP");
        assertEquals(1, stream.keyframeRequests(), "the late viewer's admission asked for a keyframe");
        stream.subscriber().onMedia(Units.frame(4, true, 3000));
        assertLiveFromKeyframe(late, 4);
    }

    @Test
    void waitModeAsksForNothingAndStartsTheLateViewerOnTheNaturalKeyframe() {
        StreamFanout wait = modeFanout(ViewerStart.WAIT);
        RecordingViewer late = lateViewerOnACachedGop(wait);
        for (int f = 4; f < 10; f++) {
            stream.subscriber().onMedia(Units.frame(f, false, 500));
        }
        assertTrue(late.sent.isEmpty(), "no picture before the source's own keyframe");
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
        RecordingViewer v = new RecordingViewer("v", 500, 0).joining(fanout);

        List<RecordingViewer.Sent> burst = List.copyOf(v.sent);
        assertEquals(5, burst.size(), "the keyframe (4 packets) and picture 1, before any further unit");
        assertEquals(500, burst.get(0).seq());
        long newest = burst.get(4).timestamp();
        assertEquals(Units.FRAME_MICROS * 90 / 1000, newest, "the newest picture at its own time");
        assertEquals(newest - 90, burst.get(0).timestamp(), "the keyframe squeezed 1 ms before it");

        fanout.onMedia(Units.frame(2, true, 3000));
        assertEquals(9, v.sent.size(), "live from there, nothing twice");
        assertEquals(505, v.sent.get(5).seq());
        assertEquals(2 * Units.FRAME_MICROS * 90 / 1000, v.sent.get(5).timestamp());
        assertEquals(0, stream.keyframeRequests());
    }

    /** An early viewer watches keyframe 0 and deltas 1-2; a late viewer joins and frame 3 (a delta) follows. */
    private RecordingViewer lateViewerOnACachedGop(StreamFanout f) {
        new RecordingViewer("early", 0, 0).joining(f);
        f.onMedia(Units.frame(0, true, 3000));
        f.onMedia(Units.frame(1, false, 500));
        f.onMedia(Units.frame(2, false, 500));
        RecordingViewer late = new RecordingViewer("late", 500, 0).joining(f);
        f.onMedia(Units.frame(3, false, 500));
        return late;
    }

    /** The viewer's first packet is the keyframe's SPS+PPS at its sequence base, with the keyframe's own timestamp. */
    private static void assertLiveFromKeyframe(RecordingViewer v, int keyframe) {
        List<RecordingViewer.Sent> p = v.sent;
        assertEquals(24, p.get(0).nalType(), "starts with SPS+PPS");
        assertEquals(500, p.get(0).seq());
        assertEquals(keyframe * Units.FRAME_MICROS * 90 / 1000, p.get(0).timestamp(), "not squeezed");
        assertEquals(4, p.size(), "STAP-A and the IDR in 3 fragments");
    }

    private long fanoutHistoryWritten() {
        return fanout.historyWritten(Units.VIDEO.id());
    }
}
