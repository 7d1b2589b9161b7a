package io.sightline.sfu.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.TransportException;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whip capture plugin: waiting, one publisher or takeover, reconnecting then idle. */
class PublishedStreamsTest {
    private final PublishedStreams plugin = new PublishedStreams();
    private final List<String> states = new CopyOnWriteArrayList<>();
    /** The stream's configuration as the core hands it: a new map when the stream's file changed. */
    private volatile Map<String, Object> config;

    PublishedStreamsTest() {
        plugin.configure(new WhipSourceDefaults() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WhipSourceDefaults.class;
            }

            @Override
            public boolean publish_takeover() {
                return false;
            }

            @Override
            public int publish_reconnect_seconds() {
                return 15;
            }

            @Override
            public int publish_keyframe_seconds() {
                return 2;
            }
        });
    }

    @AfterEach
    void stop() {
        plugin.deactivate();
    }

    private CaptureSource source(String... kv) {
        config = with(Map.of(), kv);
        MediaSink sink = new MediaSink() {
            @Override
            public void tracks(List<Track> tracks) {
            }

            @Override
            public void push(EncodedUnit unit) {
            }

            @Override
            public void push(RawVideoFrame frame) {
            }

            @Override
            public void failed(String reason, Throwable cause) {
            }

            @Override
            public void waiting(StreamState state, String detail) {
                states.add(state + " " + detail);
            }
        };
        return plugin.create(new SourceContext() {
            @Override
            public String streamName() {
                return "cam";
            }

            @Override
            public Map<String, Object> config() {
                return config;
            }

            @Override
            public MediaSink sink() {
                return sink;
            }

            @Override
            public Path dataDirectory() {
                return Path.of("unused");
            }
        });
    }

    private static Map<String, Object> with(Map<String, Object> base, String... kv) {
        Map<String, Object> next = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            next.put(kv[i], kv[i + 1]);
        }
        return next;
    }

    @Test
    void publishSettingsChangedWhileRunningApplyToTheNextPublicationAndAnInvalidOneIsNotTaken() throws Exception {
        CaptureSource source = source();
        source.start();
        Pub first = new Pub();
        plugin.slot("cam").attach(first);
        assertThrows(TransportException.class, () -> plugin.slot("cam").attach(new Pub()), "no takeover yet");

        config = with(config, PublishedStreams.TAKEOVER, "true", PublishedStreams.RECONNECT_SECONDS, "0");
        assertThrows(TransportException.class, () -> plugin.slot("cam").attach(new Pub()),
                "a change with an invalid value is not taken, not even in part");
        config = with(config, PublishedStreams.RECONNECT_SECONDS, "20");
        Pub second = new Pub();
        plugin.slot("cam").attach(second);
        assertEquals("taken over by a new publisher", first.ended, "the changed takeover applies at once");
        config = with(config, PublishedStreams.RECONNECT_SECONDS, "0");
        second.lastMedia = System.nanoTime();
        plugin.slot("cam").detach(second, "gone");
        assertTrue(states.get(states.size() - 1).contains("idle after 20 s"),
                "reconnect.seconds = 0 is refused, the running value stays: " + states);
        source.stop();
    }

    private static final class Pub implements PublishedStreams.Publisher {
        String ended;
        int keyframes;
        volatile long lastMedia;

        @Override
        public long lastMediaNanos() {
            return lastMedia;
        }

        @Override
        public void requestKeyframe() {
            keyframes++;
        }

        @Override
        public void end(String reason) {
            ended = reason;
        }
    }

    @Test
    void aStartedSourceWaitsAndTakesOnePublisher() throws Exception {
        CaptureSource source = source();
        assertNull(plugin.slot("cam"), "not waiting before it starts");
        source.start();
        assertEquals(List.of("IDLE waiting for a publisher"), states);
        Pub first = new Pub();
        plugin.slot("cam").attach(first);
        TransportException second = assertThrows(TransportException.class, () -> plugin.slot("cam").attach(new Pub()));
        assertEquals(409, second.reason().httpStatus());
        source.requestKeyframe();
        assertEquals(1, first.keyframes, "the hub's keyframe requests reach the publisher");
        plugin.slot("cam").detach(first, "consent expired");
        assertEquals("RECONNECTING publisher left (consent expired); idle after 15 s", states.get(1));
        plugin.slot("cam").detach(first, "again");
        assertEquals(2, states.size(), "a publisher leaves once");
        source.stop();
        assertNull(plugin.slot("cam"));
    }

    @Test
    void withTakeoverANewPublisherEndsTheOldOne() throws Exception {
        CaptureSource source = source("publish.takeover", "true");
        source.start();
        Pub first = new Pub();
        Pub second = new Pub();
        PublishedStreams.Slot slot = plugin.slot("cam");
        slot.attach(first);
        slot.attach(second);
        assertEquals("taken over by a new publisher", first.ended);
        slot.detach(first, "late close of the old one");
        assertEquals(1, states.size(), "the old publisher leaving does not touch the new one");
        source.stop();
        assertEquals("the stream's source stopped", second.ended);
    }

    @Test
    void theStreamGoesIdleAfterTheReconnectWait() throws Exception {
        CaptureSource source = source("publish.reconnect.seconds", "1");
        source.start();
        Pub p = new Pub();
        plugin.slot("cam").attach(p);
        plugin.slot("cam").detach(p, "DTLS closed");
        long deadline = System.currentTimeMillis() + 5000;
        while (states.size() < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of("IDLE waiting for a publisher", "RECONNECTING publisher left (DTLS closed); idle after "
                + "1 s", "IDLE waiting for a publisher"), states);
        assertSame(plugin.slot("cam"), plugin.slot("cam"));
        source.stop();
    }

    @Test
    void aReconnectWaitOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> source("publish.reconnect.seconds", "0"));
        assertThrows(IllegalArgumentException.class, () -> source("publish.keyframe.seconds", "61"));
    }

    @Test
    void silenceIsNoticedBeforeTheCoreWatchdog() {
        assertEquals(2000, PublishedStreams.silenceMillis(10_000));
        assertEquals(1500, PublishedStreams.silenceMillis(3000), "half a short watchdog timeout");
        assertEquals(250, PublishedStreams.silenceMillis(100));
    }

    @Test
    void aSilentPublisherMakesTheStreamReconnectingWhileItsSessionLivesThenIdleWhenItEnds() throws Exception {
        PublishedStreams.WhipSource source = (PublishedStreams.WhipSource) source("publish.reconnect.seconds", "5");
        source.start();
        Pub first = new Pub();
        PublishedStreams.Slot slot = plugin.slot("cam");
        slot.attach(first);
        long t0 = System.nanoTime();
        source.checkSilence(t0);
        assertEquals(1, states.size(), "a publisher that has sent nothing yet leaves the stream idle");
        first.lastMedia = t0;
        source.checkSilence(t0 + 1_900_000_000L);
        assertEquals(1, states.size(), "media 1.9 s ago is not silence yet");
        source.checkSilence(t0 + 2_000_000_000L);
        assertEquals("RECONNECTING publisher connected but sends no media; idle 5 s after its session ends",
                states.get(1));
        source.checkSilence(t0 + 2_500_000_000L);
        assertEquals(2, states.size(), "said once");
        TransportException conflict = assertThrows(TransportException.class, () -> slot.attach(new Pub()));
        assertEquals(409, conflict.reason().httpStatus());
        assertTrue(conflict.getMessage().contains("session is up but sends no media"), conflict.getMessage());
        first.lastMedia = t0 + 3_000_000_000L; // media again: the core made the stream live with it
        source.checkSilence(t0 + 3_100_000_000L);
        source.checkSilence(t0 + 5_100_000_000L);
        assertEquals(3, states.size(), "silent again after the media came back");
        first.lastMedia = System.nanoTime() - 6_000_000_000L; // quiet longer than publish.reconnect.seconds
        slot.detach(first, "consent expired");
        assertEquals("IDLE waiting for a publisher", states.get(3), "its reconnect time passed while it was silent");
        assertNull(first.ended);
        source.stop();
    }

    @Test
    void aSilentPublisherIsTakenOverWithoutAWindow() throws Exception {
        PublishedStreams.WhipSource source = (PublishedStreams.WhipSource) source("publish.takeover", "true");
        source.start();
        Pub first = new Pub();
        PublishedStreams.Slot slot = plugin.slot("cam");
        slot.attach(first);
        first.lastMedia = System.nanoTime() - 3_000_000_000L;
        source.checkSilence(System.nanoTime());
        assertTrue(states.get(1).startsWith("RECONNECTING publisher connected but sends no media"), states.toString());
        Pub second = new Pub();
        slot.attach(second);
        assertEquals("taken over by a new publisher", first.ended);
        source.checkSilence(System.nanoTime());
        assertEquals(2, states.size(), "the new publisher has sent nothing yet: no new state");
        source.stop();
    }

    @Test
    void aPublisherLeavingSoonAfterItsMediaStoppedGetsTheRestOfTheWait() throws Exception {
        PublishedStreams.WhipSource source = (PublishedStreams.WhipSource) source("publish.reconnect.seconds", "10");
        source.start();
        Pub p = new Pub();
        plugin.slot("cam").attach(p);
        p.lastMedia = System.nanoTime() - 4_000_000_000L;
        source.checkSilence(System.nanoTime());
        plugin.slot("cam").detach(p, "DTLS closed");
        assertEquals("RECONNECTING publisher left (DTLS closed); idle after 6 s", states.get(2));
        source.stop();
    }
}
