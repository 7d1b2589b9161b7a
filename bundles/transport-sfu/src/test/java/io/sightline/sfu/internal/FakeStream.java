package io.sightline.sfu.internal;

import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A live stream the test drives by hand: it records the subscriber and counts keyframe requests. */
final class FakeStream implements Stream {
    final AtomicInteger keyframeRequests = new AtomicInteger();
    MediaSubscriber subscriber;
    Map<String, Object> properties = Map.of();

    @Override
    public String name() {
        return "cam";
    }

    @Override
    public String sourceType() {
        return "test";
    }

    @Override
    public String transportMode() {
        return "sfu";
    }

    @Override
    public StreamStatus status() {
        return new StreamStatus(StreamState.LIVE, "", 0);
    }

    @Override
    public List<Track> tracks() {
        return List.of();
    }

    @Override
    public StreamStats stats() {
        return StreamStats.EMPTY;
    }

    @Override
    public int viewerCount() {
        return 0;
    }

    @Override
    public Map<String, Object> properties() {
        return properties;
    }

    @Override
    public Subscription subscribe(MediaSubscriber s, SubscribeOptions options) {
        this.subscriber = s;
        return new Subscription() {
            @Override
            public long droppedUnits() {
                return 0;
            }

            @Override
            public long deliveredUnits() {
                return 0;
            }

            @Override
            public void requestKeyframe() {
                keyframeRequests.incrementAndGet();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void requestKeyframe() {
        keyframeRequests.incrementAndGet();
    }
}
