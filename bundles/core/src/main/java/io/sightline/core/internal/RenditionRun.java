package io.sightline.core.internal;

import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Track;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running rendition of a stream: a subscriber of the stream that takes its pictures (the source's, or the shared
 * decoder's for a passthrough source) and its audio, shrinks and encodes each picture once, and fans the result out
 * to the rendition's own subscribers with a GOP cache of its own, exactly as the stream does with its own media.
 *
 * <p>Threads: pictures arrive on the feed's own delivery thread ({@code sightline-sub-<stream>-<n>}), which does the
 * scaling and encoding, so a slow encoder loses pictures in its feed queue (2 pictures) and never slows the source or
 * the stream's other subscribers. Subscribe and unsubscribe come from transports' threads.
 */
final class RenditionRun implements MediaSubscriber, SubscriberQueue.Owner, Rung {
    private static final Logger LOG = LoggerFactory.getLogger(RenditionRun.class);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    /** The feed: pictures and audio; room for a second of audio units besides the pictures. */
    static final SubscribeOptions FEED = new SubscribeOptions(64, true, true, false);
    /** Two pictures: an encoder that falls behind should encode the newest picture, not a backlog. */
    static final int FEED_PICTURES = 2;

    /** What a run needs from its stream. */
    interface Host {
        /** The last subscriber of {@code run} left. */
        void idle(RenditionRun run);
    }

    private final String streamName;
    private final Rendition rendition;
    private final Host host;
    private final LongSupplier clock;
    private final MediaFanout fanout;
    private final PictureEncoder encoder;
    private final PictureScaler scaler;
    private final PictureRateCap rateCap;
    private final KeyframeRequests keyframes = new KeyframeRequests();
    private final AtomicLong pictures = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private final long startedMillis;
    private volatile SubscriberQueue feed;
    private volatile Track video;
    private volatile List<Track> others = List.of();

    RenditionRun(String streamName, Rendition rendition, VideoEncoderFactory encoders, int gopFrames, Host host,
            LongSupplier clock, StreamStatus status) {
        this(streamName, rendition, encoders, gopFrames, 0, host, clock, status);
    }

    /** @param maxFps at most this many pictures per second (the ladder's floor, decision 0042); 0: the source's rate */
    RenditionRun(String streamName, Rendition rendition, VideoEncoderFactory encoders, int gopFrames, int maxFps,
            Host host, LongSupplier clock, StreamStatus status) {
        this.streamName = streamName;
        this.rendition = rendition;
        this.host = host;
        this.clock = clock;
        this.fanout = new MediaFanout(status, false);
        this.encoder = new PictureEncoder(encoders, rendition.codec(), rendition.bitrateKbps(), gopFrames, maxFps);
        this.rateCap = new PictureRateCap(maxFps);
        this.scaler = new PictureScaler(rendition.width(), rendition.height());
        this.startedMillis = clock.getAsLong();
        keyframes.want();
    }

    @Override
    public Rendition rendition() {
        return rendition;
    }

    /** Starts encoding: {@code feed} is this run's subscription to the stream's pictures and audio. */
    void start(SubscriberQueue feedQueue) {
        this.feed = feedQueue;
        LOG.info("Stream '{}': rendition {} started", streamName, rendition.key());
    }

    @Override
    public MediaFanout fanout() {
        return fanout;
    }

    @Override
    public RenditionStatus status() {
        return new RenditionStatus(rendition, fanout.subscriberCount(), fanout.viewerCount(), pictures.get(),
                cpuNanos.get(), startedMillis);
    }

    /** Stops encoding and ends the subscriptions (none are left when a run stops for being idle). */
    void stop() {
        SubscriberQueue f = feed;
        if (f != null) {
            f.close();
        }
        fanout.closeAll();
        LOG.info("Stream '{}': rendition {} stopped ({} pictures, {} ms of encoder CPU)", streamName, rendition.key(),
                pictures.get(), cpuNanos.get() / 1_000_000);
    }

    // ---- SubscriberQueue.Owner (the rendition's own subscribers) -------------------------------------------------

    @Override
    public void unsubscribe(SubscriberQueue queue) {
        fanout.unsubscribe(queue);
        if (!fanout.hasSubscribers()) {
            host.idle(this);
        }
    }

    /** A subscriber (a viewer's PLI, a new viewer) wants a keyframe: the next picture is one, at most every 250 ms. */
    @Override
    public void requestKeyframe() {
        keyframes.request(clock.getAsLong());
    }

    // ---- MediaSubscriber (the feed's thread) ---------------------------------------------------------------------

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
        // Only audio arrives here (the feed does not take the stream's encoded video): passed through as it is.
        fanout.deliver(unit, false);
    }

    @Override
    public void onRawVideo(RawVideoFrame frame) {
        if (!fanout.hasSubscribers() || !rateCap.take(frame.ptsMicros(), keyframes.wanted())) {
            return;
        }
        long before = CPU.getCurrentThreadCpuTime();
        EncodedUnit unit;
        try {
            unit = encoder.encode(scaler.scale(frame), keyframes.wanted(), this::videoTrack);
        } catch (RuntimeException e) {
            LOG.warn("Stream '{}': rendition {} cannot encode a {}x{} picture: {}", streamName, rendition.key(),
                    frame.width(), frame.height(), e.getMessage());
            return;
        } finally {
            cpuNanos.addAndGet(CPU.getCurrentThreadCpuTime() - before);
        }
        if (unit == null) {
            return;
        }
        pictures.incrementAndGet();
        fanout.deliver(unit, false);
        if (unit.keyframe()) {
            keyframes.satisfied();
        }
    }

    @Override
    public void onStatus(StreamStatus status) {
        fanout.publishStatus(status);
    }

    @Override
    public void onClosed() {
        encoder.close();
    }

    private void videoTrack(Track track) {
        video = track;
        publishTracks();
    }

    private void publishTracks() {
        Track v = video;
        if (v == null) {
            return; // no tracks before the first picture: a subscriber waits for them, as for a starting stream
        }
        List<Track> all = new ArrayList<>();
        all.add(v);
        all.addAll(others);
        fanout.publishTracks(all);
    }
}
