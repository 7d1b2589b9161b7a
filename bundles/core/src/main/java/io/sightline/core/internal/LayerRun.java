package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One layer of a simulcast publisher as a rung of its stream (decision 0048): the layer's video as the publisher sent
 * it, with the stream's audio, fanned out to the rung's subscribers with a GOP cache of its own, exactly as a
 * {@link RenditionRun} does with what it encodes, but with nothing to encode. It lives as long as the publisher
 * announces the layer; its audio feed (a subscription to the stream) runs only while the rung has subscribers.
 *
 * <p>Threads: video comes from the source's thread ({@link #video}), audio from the feed's delivery thread; the
 * fan-out orders both under its own lock. Subscribe and unsubscribe come from transports' threads.
 */
final class LayerRun implements MediaSubscriber, SubscriberQueue.Owner, Rung {
    private static final Logger LOG = LoggerFactory.getLogger(LayerRun.class);
    /** The feed takes only the stream's audio: a second of Opus units. */
    static final SubscribeOptions FEED = new SubscribeOptions(64, true, false, false);
    /** How long the bitrate is averaged over. */
    static final long RATE_WINDOW_MILLIS = 1000;

    /** What a layer needs from its stream. */
    interface Host {
        /** The last subscriber of {@code run} left. */
        void idle(LayerRun run);

        /** A subscriber wants a keyframe of the layer (asked of the source, which rate limits its PLIs). */
        void requestKeyframe(Rendition layer);
    }

    private final String streamName;
    private final Host host;
    private final LongSupplier clock;
    private final MediaFanout fanout;
    private final KeyframeRequests keyframes = new KeyframeRequests();
    private final long startedMillis;
    private volatile Rendition layer;
    private volatile SubscriberQueue feed;
    private volatile Track video;
    private volatile List<Track> others = List.of();
    private volatile long units;
    private volatile int measuredKbps;
    private long bytesInWindow;
    private long windowStart;

    LayerRun(String streamName, Rendition layer, Host host, LongSupplier clock, StreamStatus status) {
        this.streamName = streamName;
        this.layer = layer;
        this.host = host;
        this.clock = clock;
        this.fanout = new MediaFanout(status);
        this.startedMillis = clock.getAsLong();
        this.windowStart = startedMillis;
    }

    @Override
    public Rendition rendition() {
        return layer;
    }

    /** The publisher announced the layer again (a new size, another bitrate). */
    void announced(Rendition latest) {
        layer = latest;
    }

    /** Whether the audio feed runs. */
    boolean fed() {
        return feed != null;
    }

    void feed(SubscriberQueue audio) {
        feed = audio;
        LOG.info("Stream '{}': layer {} serves viewers", streamName, layer.key());
    }

    /** Closes the audio feed (nobody watches the layer); the layer's video keeps its GOP for the next subscriber. */
    void unfeed() {
        SubscriberQueue f = feed;
        feed = null;
        if (f != null) {
            f.close();
        }
    }

    /** The layer is gone (its publisher left and another one announced no such layer): its subscribers end. */
    void stop() {
        unfeed();
        fanout.closeAll();
        LOG.info("Stream '{}': layer {} removed ({} units)", streamName, layer.key(), units);
    }

    @Override
    public MediaFanout fanout() {
        return fanout;
    }

    @Override
    public RenditionStatus status() {
        Rendition l = layer;
        int kbps = measuredKbps;
        Rendition measured = kbps > 0 && kbps != l.bitrateKbps()
                ? Rendition.layer(l.layer(), l.codec(), l.width(), l.height(), Math.max(10, kbps)) : l;
        return new RenditionStatus(measured, fanout.subscriberCount(), fanout.viewerCount(), units, 0, startedMillis);
    }

    /** One video unit of the layer, on the source's thread: fanned out as it came. */
    void video(Track track, EncodedUnit unit) {
        if (track != video) {
            video = track;
            publishTracks();
        }
        units++;
        meter(unit);
        fanout.deliver(unit, false);
        if (unit.keyframe()) {
            keyframes.satisfied();
        }
    }

    private void meter(EncodedUnit unit) {
        long now = clock.getAsLong();
        bytesInWindow += unit.size();
        long elapsed = now - windowStart;
        if (elapsed >= RATE_WINDOW_MILLIS) {
            measuredKbps = (int) (bytesInWindow * 8 / elapsed);
            bytesInWindow = 0;
            windowStart = now;
        }
    }

    // ---- SubscriberQueue.Owner (the layer's subscribers) ----------------------------------------------------------

    @Override
    public void unsubscribe(SubscriberQueue queue) {
        fanout.unsubscribe(queue);
        if (!fanout.hasSubscribers()) {
            host.idle(this);
        }
    }

    @Override
    public void requestKeyframe() {
        if (keyframes.request(clock.getAsLong())) {
            host.requestKeyframe(layer);
        }
    }

    // ---- MediaSubscriber (the audio feed's thread) ------------------------------------------------------------------

    @Override
    public void onTracks(List<Track> tracks) {
        List<Track> nonVideo = new ArrayList<>();
        for (Track t : tracks) {
            if (t.kind() != MediaKind.VIDEO) {
                nonVideo.add(t);
            }
        }
        others = List.copyOf(nonVideo);
        publishTracks();
    }

    @Override
    public void onMedia(EncodedUnit unit) {
        if (unit.codec().kind() != MediaKind.VIDEO) {
            fanout.deliver(unit, false);
        }
    }

    @Override
    public void onStatus(StreamStatus status) {
        fanout.publishStatus(status);
    }

    private void publishTracks() {
        Track v = video;
        if (v == null) {
            return; // no tracks before the layer's first unit: a subscriber waits for them
        }
        List<Track> all = new ArrayList<>();
        all.add(v);
        all.addAll(others);
        fanout.publishTracks(all);
    }
}
