package io.sightline.testing;

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
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;

/**
 * A {@link Stream} a plugin's test sets up and drives by hand: what it reports (status, tracks, stats, properties,
 * viewers) is whatever the test set last, and the test pushes media to {@link #subscriber()} itself, on its own
 * thread. It records what the code under test did to it (subscriptions open, keyframe requests).
 *
 * <p>Defaults: source type {@code test}, transport {@code sfu}, {@link StreamState#LIVE} since 0, no tracks, empty
 * stats and properties, no viewers. The core's real stream is tested in the core; this is for code that consumes
 * the {@code Stream} contract.
 */
public final class TestStream implements Stream {
    /** What a subscription does besides being counted; the returned action runs once when it is closed. */
    public interface OnSubscribe extends BiFunction<MediaSubscriber, SubscribeOptions, Runnable> {
    }

    private final String name;
    private volatile String sourceType = "test";
    private volatile String transportMode = "sfu";
    private volatile StreamStatus status = new StreamStatus(StreamState.LIVE, "", 0);
    private volatile List<Track> tracks = List.of();
    private volatile StreamStats stats = StreamStats.EMPTY;
    private volatile Map<String, Object> properties = Map.of();
    private volatile IntSupplier viewers = () -> 0;
    private volatile OnSubscribe onSubscribe = (subscriber, options) -> () -> { };
    private volatile String readOnlyBecause;
    private volatile MediaSubscriber subscriber;
    private final AtomicInteger openSubscriptions = new AtomicInteger();
    private final AtomicInteger keyframeRequests = new AtomicInteger();

    public TestStream(String name) {
        this.name = Objects.requireNonNull(name);
    }

    public TestStream sourceType(String type) {
        this.sourceType = type;
        return this;
    }

    public TestStream transportMode(String mode) {
        this.transportMode = mode;
        return this;
    }

    public TestStream status(StreamState state) {
        return status(new StreamStatus(state, "", 0));
    }

    public TestStream status(StreamStatus s) {
        this.status = s;
        return this;
    }

    public TestStream tracks(List<Track> t) {
        this.tracks = List.copyOf(t);
        return this;
    }

    public TestStream stats(StreamStats s) {
        this.stats = s;
        return this;
    }

    public TestStream properties(Map<String, Object> p) {
        this.properties = Map.copyOf(p);
        return this;
    }

    /** Where {@link #viewerCount()} comes from (a test's session registry, or a check that it is never asked). */
    public TestStream viewers(IntSupplier count) {
        this.viewers = count;
        return this;
    }

    /** What each new subscription starts (a thread painting pictures, say) and how it is undone on close. */
    public TestStream onSubscribe(OnSubscribe action) {
        this.onSubscribe = action;
        return this;
    }

    /**
     * For code that must only read streams (metrics, admin, access checks): subscribing or asking for a keyframe
     * then fails the test with {@code why}.
     */
    public TestStream readOnly(String why) {
        this.readOnlyBecause = why;
        return this;
    }

    /** The latest subscriber, to push media to; null before the first subscription. */
    public MediaSubscriber subscriber() {
        return subscriber;
    }

    /** Subscriptions made and not closed yet. */
    public int openSubscriptions() {
        return openSubscriptions.get();
    }

    /** Keyframe requests, to the stream or to one of its subscriptions. */
    public int keyframeRequests() {
        return keyframeRequests.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String sourceType() {
        return sourceType;
    }

    @Override
    public String transportMode() {
        return transportMode;
    }

    @Override
    public StreamStatus status() {
        return status;
    }

    @Override
    public List<Track> tracks() {
        return tracks;
    }

    @Override
    public StreamStats stats() {
        return stats;
    }

    @Override
    public int viewerCount() {
        return viewers.getAsInt();
    }

    @Override
    public Map<String, Object> properties() {
        return properties;
    }

    @Override
    public Subscription subscribe(MediaSubscriber s, SubscribeOptions options) {
        refuseIfReadOnly("subscribe");
        subscriber = s;
        openSubscriptions.incrementAndGet();
        Runnable undo = onSubscribe.apply(s, options);
        return new Subscription() {
            private boolean closed;

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
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    openSubscriptions.decrementAndGet();
                    undo.run();
                }
            }
        };
    }

    @Override
    public void requestKeyframe() {
        refuseIfReadOnly("requestKeyframe");
        keyframeRequests.incrementAndGet();
    }

    private void refuseIfReadOnly(String call) {
        String why = readOnlyBecause;
        if (why != null) {
            throw new AssertionError(call + " on stream '" + name + "': " + why);
        }
    }

    @Override
    public String toString() {
        return "TestStream[" + name + ", " + status.state() + "]";
    }
}
