package io.sightline.core.internal;

import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream, coordinating its parts: {@link SourceSupervisor} keeps the capture source running, {@link MediaFanout}
 * hands media to the subscribers' queues, {@link EncodePolicy} encodes a picture-making source's pictures while they
 * are wanted, {@link SharedDecoder} decodes a passthrough source's video once for raw-picture subscribers, and
 * {@link StatusLog} keeps the states operators see.
 *
 * <p>Threads: life-cycle changes run on the stream's supervisor thread ({@link StreamScheduler}), one at a time, so
 * they need no locks. Media arrives on the source's thread and is fanned out without blocking.
 */
final class LiveStream implements Stream, SubscriberQueue.Owner, SourceSupervisor.Host, SourceRun.Target,
        Renditions.Host {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);

    private final StreamHub hub;
    private final StreamScheduler scheduler;
    private final Path dataDirectory;
    private final StatusLog statusLog;
    private final MediaFanout fanout;
    private final InputMeter meter = new InputMeter();
    private final KeyframeRequests keyframes = new KeyframeRequests();
    private final OnDemandClose onDemand = new OnDemandClose();
    private final SourceSupervisor supervisor;
    private final SharedDecoder decoder;
    private final AtomicInteger subscriptionNumbers = new AtomicInteger();
    private final Renditions renditions;

    private volatile StreamSettings settings;
    private volatile List<Track> sourceTracks = List.of();
    private volatile Track encodedVideoTrack;

    LiveStream(StreamHub hub, StreamSettings settings, Path dataDirectory, StreamScheduler scheduler) {
        this.hub = hub;
        this.settings = settings;
        this.dataDirectory = dataDirectory;
        this.scheduler = scheduler;
        this.statusLog = new StatusLog(scheduler.millis());
        this.fanout = new MediaFanout(statusLog.current());
        this.supervisor = new SourceSupervisor(settings.name(), scheduler, this, meter, onDemand);
        this.decoder = new SharedDecoder(settings.name(), fanout, hub::decoderFactory, fanout::deliver,
                this::requestKeyframe);
        this.renditions = new Renditions(settings.name(), this);
        scheduler.execute(this::reconcile);
    }

    // ---- Stream -------------------------------------------------------------------------------------------------

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String sourceType() {
        return settings.sourceType();
    }

    @Override
    public String transportMode() {
        return settings.transportMode();
    }

    @Override
    public StreamStatus status() {
        return statusLog.current();
    }

    @Override
    public List<StreamStatus> history() {
        return statusLog.history();
    }

    @Override
    public List<Track> tracks() {
        return fanout.tracks();
    }

    @Override
    public StreamStats stats() {
        return meter.stats();
    }

    @Override
    public int viewerCount() {
        return hub.sessions(name()).size();
    }

    @Override
    public Map<String, Object> properties() {
        return settings.properties();
    }

    @Override
    public StreamSettings settings() {
        return settings;
    }

    @Override
    public Subscription subscribe(MediaSubscriber subscriber, SubscribeOptions options) {
        SubscriberQueue queue = new SubscriberQueue(name(), this, subscriber, options,
                subscriptionNumbers.incrementAndGet());
        boolean needKeyframe = fanout.subscribe(queue);
        queue.start();
        if (needKeyframe) {
            requestKeyframe();
        }
        scheduler.execute(this::reconcile);
        return queue;
    }

    @Override
    public Subscription subscribe(MediaSubscriber subscriber, SubscribeOptions options, Rendition rendition) {
        return renditions.attach(rendition, run -> {
            SubscriberQueue queue = new SubscriberQueue(name(), run, subscriber, options,
                    subscriptionNumbers.incrementAndGet());
            run.subscribe(queue);
            return queue;
        });
    }

    /** The ladder in the codec the stream's video goes out in (its source's, or the one it encodes in). */
    @Override
    public List<Rendition> renditions() {
        Codec codec = settings.videoCodec().equals("vp8") ? Codec.VP8 : Codec.H264;
        for (Track t : fanout.tracks()) {
            Codec c = t.parameters().codec();
            if (t.kind() == MediaKind.VIDEO && (c == Codec.H264 || c == Codec.VP8)) {
                codec = c;
            }
        }
        List<Rendition> layers = renditions.layers();
        return layers.isEmpty() ? settings.ladder(codec) : layers;
    }

    @Override
    public List<RenditionStatus> renditionStatus() {
        return renditions.status();
    }

    // ---- Renditions.Host ----------------------------------------------------------------------------------------

    @Override
    public SubscriberQueue feed(RenditionRun run) {
        SubscriberQueue queue = new SubscriberQueue(name(), this, run, RenditionRun.FEED,
                subscriptionNumbers.incrementAndGet(), false, RenditionRun.FEED_PICTURES);
        fanout.subscribe(queue);
        queue.start();
        scheduler.execute(this::reconcile);
        return queue;
    }

    @Override
    public SubscriberQueue feed(LayerRun layer) {
        SubscriberQueue queue = new SubscriberQueue(name(), this, layer, LayerRun.FEED,
                subscriptionNumbers.incrementAndGet(), false, 1);
        fanout.subscribe(queue);
        queue.start();
        return queue;
    }

    @Override
    public void requestKeyframe(Rendition layer) {
        supervisor.requestKeyframe(layer);
    }

    @Override
    public void layers(List<Rendition> layers) {
        renditions.layers(layers);
    }

    @Override
    public void layerUnit(Rendition layer, Track video, EncodedUnit unit) {
        renditions.layerUnit(layer, video, unit);
    }

    @Override
    public VideoEncoderFactory encoderFactory(String codec) {
        return hub.encoderFactory(codec);
    }

    @Override
    public StreamScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void unsubscribe(SubscriberQueue queue) {
        fanout.unsubscribe(queue);
        onDemand.demandEnded(scheduler.millis());
        scheduler.execute(this::reconcile);
    }

    @Override
    public void requestKeyframe() {
        if (keyframes.request(scheduler.millis())) {
            supervisor.requestKeyframe();
        }
    }

    // ---- life cycle (supervisor thread) -------------------------------------------------------------------------

    /** The configuration changed: restart the source with the new settings, keeping subscribers. */
    void reconfigure(StreamSettings newSettings) {
        scheduler.execute(() -> {
            SourceRun run = supervisor.run();
            if (newSettings.sameSourceAs(settings)) {
                // Access, renditions, transport, timers, publish.*: the source, its viewers and publisher stay.
                settings = newSettings;
                if (run != null) {
                    run.settingsChanged(newSettings);
                }
                LOG.info("Stream '{}': settings applied, the source keeps running", name());
            } else {
                supervisor.reconfigure();
                settings = newSettings;
            }
            reconcile();
        });
    }

    /** A capture, encoder or decoder plugin came or went. */
    void sourceFactoriesChanged() {
        scheduler.execute(this::reconcile);
    }

    /** The stream's definition was deleted: stop everything and release subscribers. */
    void remove() {
        scheduler.execute(() -> {
            supervisor.remove();
            renditions.stopAll();
            fanout.closeAll();
            scheduler.shutdown();
        });
    }

    @Override
    public void reconcile() {
        supervisor.reconcile();
        reconcileDecoder();
    }

    private void reconcileDecoder() {
        SourceRun run = supervisor.run();
        decoder.reconcile(SharedDecoder.decodable(!supervisor.removed() && run != null,
                run != null && run.makesPictures(), fanout.wantsRaw(), sourceTracks));
    }

    /** Whether no GOP is cached, for tests. */
    boolean cachedGopIsEmpty() {
        return fanout.cachedGop().isEmpty();
    }

    /** The running decoder, for tests. */
    StreamDecoder decoder() {
        return fanout.decoder();
    }

    // ---- SourceSupervisor.Host ----------------------------------------------------------------------------------

    @Override
    public CaptureSourceFactory sourceFactory(String type) {
        return hub.sourceFactory(type);
    }

    @Override
    public boolean awaitingPlugins() {
        return hub.awaitingPlugins();
    }

    @Override
    public boolean hasSubscribers() {
        return fanout.hasSubscribers();
    }

    @Override
    public SourceRun newRun(int generation, CaptureSourceFactory factory) {
        StreamSettings s = settings;
        VideoEncoderFactory encoders = hub.encoderFactory(s.videoCodec());
        PictureEncoder encoder = encoders == null ? null : new PictureEncoder(encoders, s);
        return new SourceRun(generation, factory, s, dataDirectory, this,
                new EncodePolicy(encoder, fanout, keyframes, new EncodePolicy.Output() {
                    @Override
                    public void skipped() {
                        meter.picture(scheduler.millis());
                    }

                    @Override
                    public void track(Track track) {
                        encodedVideoTrack = track;
                        publishTracks();
                    }

                    @Override
                    public void unit(EncodedUnit unit) {
                        deliver(unit, false);
                    }
                }));
    }

    @Override
    public StreamState state() {
        return statusLog.current().state();
    }

    @Override
    public void status(StreamState state, String detail) {
        StreamStatus old = statusLog.current();
        StreamStatus s = statusLog.change(state, detail, scheduler.millis());
        if (s == null) {
            return;
        }
        fanout.publishStatus(s);
        if (state != old.state()) {
            LOG.info("Stream '{}': {} -> {}{}", name(), old.state(), state, detail.isEmpty() ? "" : " (" + detail + ")");
        }
        hub.statusChanged(this, s);
    }

    @Override
    public void sourceStopping() {
        decoder.stop();
    }

    @Override
    public void sourceStopped(boolean reconnecting) {
        if (!reconnecting) {
            fanout.clearGop();
        }
    }

    // ---- SourceRun.Target (source thread) -----------------------------------------------------------------------

    @Override
    public boolean isCurrent(int generation) {
        return supervisor.isCurrent(generation);
    }

    @Override
    public void tracks(List<Track> announced) {
        sourceTracks = announced;
        publishTracks();
        scheduler.execute(this::reconcileDecoder);
    }

    @Override
    public void unit(EncodedUnit unit) {
        deliver(unit, true);
    }

    @Override
    public void picture(RawVideoFrame frame) {
        fanout.deliver(frame);
    }

    @Override
    public void firstPicture() {
        scheduler.execute(this::reconcileDecoder);
    }

    @Override
    public void firstMedia(SourceRun run) {
        scheduler.execute(() -> {
            if (supervisor.live(run)) {
                String detail = !run.hasEncoder() && sourceTracks.isEmpty()
                        ? "raw pictures only: no " + settings.videoCodec() + " encoder installed" : "";
                status(StreamState.LIVE, detail);
            }
        });
    }

    @Override
    public void waiting(SourceRun run, StreamState state, String detail) {
        scheduler.execute(() -> {
            if (supervisor.waiting(run)) {
                if (state == StreamState.IDLE) {
                    // Nobody is coming back soon: a new publisher must not be preceded by the old one's pictures.
                    fanout.clearGop();
                }
                status(state, detail);
            }
        });
    }

    @Override
    public void failed(int generation, String reason, Throwable cause) {
        scheduler.execute(() -> supervisor.failed(generation, reason, cause));
    }

    private void publishTracks() {
        List<Track> all = new ArrayList<>();
        Track video = encodedVideoTrack;
        if (video != null) {
            all.add(video);
        }
        for (Track t : sourceTracks) {
            if (video == null || t.id() != video.id()) {
                all.add(t);
            }
        }
        fanout.publishTracks(all);
    }

    /** Meters and fans a unit out; {@code fromSource} units (not our own encodings) also feed the decoder. */
    private void deliver(EncodedUnit unit, boolean fromSource) {
        meter.unit(unit, scheduler.millis());
        fanout.deliver(unit, fromSource);
        if (unit.keyframe() && unit.codec().kind() == MediaKind.VIDEO) {
            keyframes.satisfied();
        }
    }
}
