package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fan-out and the GOP cache: what a subscriber sees first, in which order, and what the decoder is seeded with. */
class MediaFanoutTest {
    private static final StreamStatus LIVE = new StreamStatus(StreamState.LIVE, "", 1);
    private final MediaFanout fanout = new MediaFanout(new StreamStatus(StreamState.IDLE, "", 0));
    private final List<SubscriberQueue> queues = new ArrayList<>();
    private int keyframeRequests;

    @AfterEach
    void closeQueues() {
        queues.forEach(SubscriberQueue::closeFromStream);
    }

    /** Everything a subscriber is handed, in order, on its queue's thread. */
    private static final class Events implements MediaSubscriber {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

        @Override
        public void onTracks(List<Track> tracks) {
            received.add(tracks);
        }

        @Override
        public void onStatus(StreamStatus status) {
            received.add(status);
        }

        @Override
        public void onMedia(EncodedUnit unit) {
            received.add(unit);
        }

        @Override
        public void onRawVideo(RawVideoFrame frame) {
            received.add(frame);
        }

        Object next() throws InterruptedException {
            Object o = received.poll(5, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("nothing delivered");
            }
            return o;
        }
    }

    private SubscriberQueue queue(Events events, SubscribeOptions options) {
        SubscriberQueue q = new SubscriberQueue("cam", new SubscriberQueue.Owner() {
            @Override
            public void unsubscribe(SubscriberQueue queue) {
                fanout.unsubscribe(queue);
            }

            @Override
            public void requestKeyframe() {
                keyframeRequests++;
            }
        }, events, options, queues.size() + 1);
        queues.add(q);
        return q;
    }

    private boolean subscribe(SubscriberQueue q) {
        boolean needKeyframe = fanout.subscribe(q);
        q.start();
        return needKeyframe;
    }

    @Test
    void aNewSubscriberGetsTracksStatusAndTheCachedGopFromItsKeyframe() throws Exception {
        List<Track> tracks = List.of(ControlledSources.VIDEO);
        fanout.publishTracks(tracks);
        fanout.publishStatus(LIVE);
        fanout.deliver(ControlledSources.unit(0, false), true); // before any keyframe: not cacheable
        EncodedUnit key = ControlledSources.unit(1, true);
        EncodedUnit delta = ControlledSources.unit(2, false);
        fanout.deliver(key, true);
        fanout.deliver(delta, true);

        Events events = new Events();
        assertFalse(subscribe(queue(events, SubscribeOptions.ENCODED)), "a cached GOP: no keyframe needed");
        assertEquals(tracks, events.next());
        assertSame(LIVE, events.next());
        assertSame(key, events.next());
        assertSame(delta, events.next());
        EncodedUnit live = ControlledSources.unit(3, false);
        fanout.deliver(live, true);
        assertSame(live, events.next(), "then the live units");
    }

    @Test
    void withoutACachedGopAnEncodedSubscriberWaitsForTheNextKeyframe() throws Exception {
        fanout.publishTracks(List.of(ControlledSources.VIDEO));
        Events events = new Events();
        assertTrue(subscribe(queue(events, SubscribeOptions.ENCODED)));
        events.next(); // tracks
        events.next(); // status
        fanout.deliver(ControlledSources.unit(1, false), true);
        EncodedUnit key = ControlledSources.unit(2, true);
        fanout.deliver(key, true);
        assertSame(key, events.next(), "the delta unit before it was not delivered");
    }

    @Test
    void newTracksInvalidateTheCachedGop() {
        fanout.deliver(ControlledSources.unit(0, true), true);
        assertEquals(1, fanout.cachedGop().size());
        fanout.publishTracks(List.of(ControlledSources.VIDEO));
        assertTrue(fanout.cachedGop().isEmpty());
        fanout.deliver(ControlledSources.unit(1, true), true);
        fanout.clearGop();
        assertTrue(fanout.cachedGop().isEmpty());
    }

    @Test
    void aRawSubscriberGetsPicturesButNoUnitsAndNeedsNoKeyframe() throws Exception {
        Events events = new Events();
        assertFalse(subscribe(queue(events, SubscribeOptions.RAW)));
        assertTrue(fanout.wantsRaw());
        assertFalse(fanout.wantsEncoded());
        events.next(); // status
        fanout.deliver(ControlledSources.unit(0, true), true);
        RawVideoFrame picture = new RawVideoFrame(16, 16, new byte[RawVideoFrame.i420Size(16, 16)], 0, 0);
        fanout.deliver(picture);
        assertSame(picture, events.next());
    }

    @Test
    void theDecoderIsSeededWithTheCachedGopAndFedOnlyTheSourcesUnits() {
        EncodedUnit key = ControlledSources.unit(0, true);
        fanout.deliver(key, true);
        List<List<EncodedUnit>> seeds = new ArrayList<>();
        StreamDecoder attached = fanout.attachDecoder(seed -> {
            seeds.add(seed);
            return new StreamDecoder("cam", p -> null, ControlledSources.VIDEO, seed, p -> { }, () -> { });
        });
        assertEquals(List.of(List.of(key)), seeds);
        assertSame(attached, fanout.decoder());
        assertSame(attached, fanout.detachDecoder());
        assertNull(fanout.decoder());
    }

    @Test
    void closingFromTheStreamDetachesEveryone() throws Exception {
        Events events = new Events();
        subscribe(queue(events, SubscribeOptions.ENCODED));
        assertTrue(fanout.hasSubscribers());
        fanout.closeAll();
        assertFalse(fanout.hasSubscribers());
    }
}
