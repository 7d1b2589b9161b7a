package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coordinator on a hand-driven clock: subscribing opens an on-demand stream, the last viewer leaving closes it
 * after the configured time (not a millisecond earlier), keyframe requests reach the source rate-limited, pictures
 * reach raw subscribers.
 */
class LiveStreamTest {
    private final ManualScheduler clock = new ManualScheduler(50_000);
    private final ControlledSources sources = new ControlledSources();
    private final StreamHub hub = new StreamHub();

    private LiveStream stream(String... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", "cam");
        m.put("source.type", "controlled");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        hub.bindSourceFactory(sources, Map.of(CaptureSourceFactory.SOURCE_TYPE, "controlled"));
        LiveStream s = new LiveStream(hub, StreamSettings.from(m), Path.of("unused"), clock);
        clock.runPending();
        return s;
    }

    private static final MediaSubscriber NOTHING = new MediaSubscriber() {
        @Override
        public void onMedia(EncodedUnit unit) {
        }
    };

    @Test
    void anOnDemandStreamOpensWithItsFirstViewerAndClosesAfterTheGraceTime() {
        LiveStream s = stream("mode", "on-demand", "on.demand.close.after.seconds", "30", "source.timeout.ms", "600000");
        assertEquals(StreamState.IDLE, s.status().state());
        assertEquals(0, sources.created.size());

        Subscription viewer = s.subscribe(NOTHING, SubscribeOptions.ENCODED);
        clock.runPending();
        assertEquals(1, sources.running());
        sources.last().open();
        clock.runPending();
        assertEquals(StreamState.LIVE, s.status().state());

        viewer.close();
        clock.runPending();
        clock.advance(29_999);
        assertEquals(StreamState.LIVE, s.status().state());
        clock.advance(1);
        assertEquals(StreamState.IDLE, s.status().state());
        assertEquals(0, sources.running());
        assertTrue(s.cachedGopIsEmpty(), "a closed source's GOP is not served to the next viewer");
        s.remove();
        clock.runPending();
        assertTrue(clock.isShutdown());
    }

    @Test
    void aSourceWaitingForItsPublisherIsIdleThenLiveThenReconnectingWithoutTheWatchdogFiring() {
        LiveStream s = stream("source.timeout.ms", "2000");
        Subscription viewer = s.subscribe(NOTHING, SubscribeOptions.ENCODED);
        sources.last().context.sink().waiting(StreamState.IDLE, "waiting for a publisher");
        clock.runPending();
        assertEquals(StreamState.IDLE, s.status().state());
        assertEquals("waiting for a publisher", s.status().detail());
        clock.advance(10_000);
        assertEquals(StreamState.IDLE, s.status().state(), "no media while waiting is not a failure");
        assertEquals(1, sources.created.size(), "the source was not restarted");

        sources.last().open();
        clock.runPending();
        assertEquals(StreamState.LIVE, s.status().state());

        sources.last().context.sink().waiting(StreamState.RECONNECTING, "publisher left");
        clock.runPending();
        assertEquals(StreamState.RECONNECTING, s.status().state());
        assertEquals(false, s.cachedGopIsEmpty(), "viewers who join while it comes back still get a picture");
        sources.last().push(2, true);
        clock.runPending();
        assertEquals(StreamState.LIVE, s.status().state(), "media after waiting is live again");

        sources.last().context.sink().waiting(StreamState.IDLE, "waiting for a publisher");
        clock.runPending();
        assertTrue(s.cachedGopIsEmpty(), "a new publisher is not preceded by the old one's pictures");
        clock.advance(5_000);
        assertEquals(StreamState.IDLE, s.status().state());
        assertEquals(1, sources.running());
        viewer.close();
    }

    @Test
    void waitingIsOnlyIdleOrReconnecting() {
        stream();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> sources.last().context.sink().waiting(StreamState.LIVE, "no"));
    }

    @Test
    void keyframeRequestsReachTheSourceAtMostFourTimesASecond() {
        LiveStream s = stream();
        sources.last().open();
        clock.runPending();
        for (int i = 0; i < 10; i++) {
            s.requestKeyframe();
        }
        assertEquals(1, sources.last().keyframeRequests);
        clock.advance(KeyframeRequests.INTERVAL_MS);
        s.requestKeyframe();
        assertEquals(2, sources.last().keyframeRequests);
    }

    @Test
    void aNewSubscriberWithoutACachedGopAsksForAKeyframe() {
        LiveStream s = stream();
        sources.last().open();
        clock.runPending();
        sources.last().push(1, false);
        s.subscribe(NOTHING, new SubscribeOptions(8, true, false, true)).close();
        assertEquals(0, sources.last().keyframeRequests, "the cached GOP serves it");
        clock.advance(1000);
        s.subscribe(NOTHING, new SubscribeOptions(8, true, false, false)).close();
        assertEquals(1, sources.last().keyframeRequests, "no GOP start asked for: wait for a fresh keyframe");
    }

    @Test
    void picturesReachRawSubscribersAndTheStreamSaysWhenNoEncoderIsInstalled() throws Exception {
        LiveStream s = stream();
        java.util.concurrent.BlockingQueue<RawVideoFrame> got = new java.util.concurrent.LinkedBlockingQueue<>();
        s.subscribe(new MediaSubscriber() {
            @Override
            public void onMedia(EncodedUnit unit) {
            }

            @Override
            public void onRawVideo(RawVideoFrame frame) {
                got.add(frame);
            }
        }, SubscribeOptions.RAW);
        RawVideoFrame picture = new RawVideoFrame(16, 16, new byte[RawVideoFrame.i420Size(16, 16)], 0, 0, 25);
        sources.last().context.sink().push(picture);
        clock.runPending();
        assertSame(picture, got.poll(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(StreamState.LIVE, s.status().state());
        assertEquals("raw pictures only: no h264 encoder installed", s.status().detail());
        assertEquals(1, s.stats().unitsIn(), "counted though not encoded");
    }
}
