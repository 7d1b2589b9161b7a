package io.sightline.signaling.whep.internal;

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

/** A stream definition for gate tests: name and properties only; it carries no media. */
record TestStream(String name, Map<String, Object> properties) implements Stream {
    @Override
    public String sourceType() {
        return "testpattern";
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
    public Subscription subscribe(MediaSubscriber subscriber, SubscribeOptions options) {
        throw new UnsupportedOperationException("gate tests never subscribe");
    }

    @Override
    public void requestKeyframe() {
    }
}
