package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.testing.TestStream;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer moving between two rungs of a stream (decision 0039), on two real fan-outs fed the same pictures (the
 * second one's units are larger, as another encoding of them would be): the move happens at the target's keyframe,
 * which the target is asked for; the viewer keeps one SSRC, and its sequence numbers and timestamps run on without
 * a gap, a repeat or a step back; the old rung's packets stop at the switch point and it lets the viewer go.
 */
class MoveBetweenRungsTest {
    private TestStream highStream;
    private TestStream lowStream;
    private StreamFanout high;
    private StreamFanout low;

    @BeforeEach
    void start() {
        highStream = new TestStream("cam");
        lowStream = new TestStream("cam");
        high = new StreamFanout(highStream);
        low = new StreamFanout(lowStream);
        high.start();
        low.start();
        high.onTracks(List.of(Units.VIDEO));
        low.onTracks(List.of(Units.VIDEO));
    }

    @Test
    void theMoveHappensAtTheTargetsKeyframeWithOneSsrcAndUnbrokenSequenceAndTimestamps() {
        TestViewer v = new TestViewer(high, 0x5151_5151L, 65_530, 0).connect(); // wraps during the test
        for (int f = 0; f < 4; f++) {
            high.onMedia(Units.frame(f, f == 0, 1500));
            low.onMedia(Units.frame(f, f == 0, 300));
        }
        int requests = lowStream.keyframeRequests();
        assertTrue(v.session.moveTo(low));
        assertFalse(v.session.moveTo(high), "one move at a time");
        assertEquals(requests + 1, lowStream.keyframeRequests(), "the target rung is asked for a keyframe");

        // The target's delta frames do not reach the viewer: it stays on the old rung until the keyframe.
        high.onMedia(Units.frame(4, false, 1500));
        low.onMedia(Units.frame(4, false, 300));
        // The old rung sends picture 5 first, then the target's keyframe of the same picture arrives: the switch.
        high.onMedia(Units.frame(5, false, 1500));
        long fromHigh = high.historyWritten(Units.VIDEO.id());
        long lowBeforeKeyframe = low.historyWritten(Units.VIDEO.id());
        low.onMedia(Units.frame(5, true, 300));
        int switchAt = (int) fromHigh;
        // After the switch the old rung's packets are dropped, and the viewer left it.
        high.onMedia(Units.frame(6, false, 1500));
        low.onMedia(Units.frame(6, false, 300));
        high.onMedia(Units.frame(7, false, 1500));
        low.onMedia(Units.frame(7, false, 300));

        List<byte[]> got = v.rtp();
        long fromLow = low.historyWritten(Units.VIDEO.id()) - lowBeforeKeyframe;
        assertEquals(fromHigh + fromLow, got.size(), "the old rung up to picture 5, the target from its keyframe");
        for (int i = 0; i < got.size(); i++) {
            assertEquals(0x5151_5151L, TestViewer.ssrc(got.get(i)), "one SSRC");
            assertEquals((65_530 + i) & 0xffff, TestViewer.seq(got.get(i)), "no gap, no repeat at packet " + i);
            if (i > 0) {
                long step = (TestViewer.timestamp(got.get(i)) - TestViewer.timestamp(got.get(i - 1))) & 0xffffffffL;
                assertTrue(step < 0x8000_0000L, "timestamps never step back, packet " + i);
                if (i == switchAt) {
                    assertTrue(step > 0 && step < 10, "the target's picture 5 a tick after the old one: " + step);
                }
            }
        }
        assertSame(low, v.session.fanout());
        assertNull(v.session.nextFanout());
        assertEquals(0, high.viewerCount(), "the old rung let the viewer go");
        assertEquals(1, low.viewerCount());
    }

    @Test
    void anUrgentMoveHoldsTheOldRungsVideoUntilTheSwitchAndTheSequenceRunsOn() {
        TestViewer v = new TestViewer(high, 0x7171_7171L, 100, 0).connect();
        high.onMedia(Units.frame(0, true, 1500));
        low.onMedia(Units.frame(0, true, 300));
        int sentBefore = v.rtp().size();
        assertTrue(v.session.moveTo(low, true));
        // The old rung goes on producing: nothing of it reaches the viewer while it waits for the target's keyframe.
        high.onMedia(Units.frame(1, false, 1500));
        low.onMedia(Units.frame(1, false, 300));
        high.onMedia(Units.frame(2, false, 1500));
        assertEquals(sentBefore, v.rtp().size(), "the old rung's video is held");
        ViewerTrack video = v.session.tracks().get(0);
        int onWire = v.wire.size();
        v.session.resend(video, high.history(video), video.lastSentIndex);
        assertEquals(onWire, v.wire.size(), "and a NACKed packet of it is not resent");
        low.onMedia(Units.frame(2, true, 300));
        high.onMedia(Units.frame(3, false, 1500));
        low.onMedia(Units.frame(3, false, 300));
        List<byte[]> got = v.rtp();
        assertTrue(got.size() > sentBefore, "the target from its keyframe");
        for (int i = 0; i < got.size(); i++) {
            assertEquals((100 + i) & 0xffff, TestViewer.seq(got.get(i)), "no gap where the held packets were: " + i);
        }
        assertSame(low, v.session.fanout());
        // A move after the switch is an ordinary one again: the rung it leaves is sent until the target's keyframe.
        assertTrue(v.session.moveTo(high));
        int before = v.rtp().size();
        low.onMedia(Units.frame(4, false, 300));
        assertTrue(v.rtp().size() > before, "not held");
    }

    @Test
    void theTargetsAudioWaitsForItsVideoAndAMoveCanBeCalledOff() {
        TestViewer v = new TestViewer(high, 0x6161_6161L, 0, 100).connect();
        high.onMedia(Units.frame(0, true, 1500));
        low.onMedia(Units.frame(0, true, 300));
        assertTrue(v.session.moveTo(low));
        low.onMedia(Units.frame(1, false, 300)); // no keyframe: nothing from the target
        int before = v.rtp().size();
        assertTrue(v.session.cancelMove());
        assertNull(v.session.nextFanout());
        assertEquals(0, low.viewerCount(), "the target let the viewer go");
        low.onMedia(Units.frame(2, true, 300));
        high.onMedia(Units.frame(1, false, 1500));
        List<byte[]> got = v.rtp();
        assertEquals(before + 2, got.size(), "only the old rung's next picture (2 packets)");
        assertSame(high, v.session.fanout());
    }

}
