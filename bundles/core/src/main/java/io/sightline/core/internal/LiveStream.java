package io.sightline.core.internal;

import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.MediaSubscriber;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream: it supervises its capture source (start, failure, backoff, on-demand), turns the source's media into
 * tracks and units (encoding pictures when needed, decoding a passthrough source's video once for raw-picture
 * subscribers when they exist), and fans them out to its subscribers' queues.
 *
 * <p>Threads: life-cycle changes run on the stream's own supervisor thread, one at a time, so they need no locks.
 * Media arrives on the source's thread; fan-out holds {@link #fanOut} only while offering to non-blocking queues.
 */
final class LiveStream implements Stream {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);
    private static final long KEYFRAME_REQUEST_INTERVAL_MS = 250;
    private static final int HISTORY = 10;

    private final StreamHub hub;
    private final ScheduledExecutorService supervisor;
    private final Object fanOut = new Object();
    private final List<SubscriberQueue> subscribers = new CopyOnWriteArrayList<>();
    private final GopCache gop = new GopCache();
    private final InputMeter meter = new InputMeter();
    private final AtomicInteger subscriptionNumbers = new AtomicInteger();
    private final Path dataDirectory;

    private volatile StreamSettings settings;
    private volatile StreamStatus status;
    /** The last {@value #HISTORY} statuses, oldest first; guarded by itself. */
    private final java.util.ArrayDeque<StreamStatus> history = new java.util.ArrayDeque<>();
    private volatile List<Track> sourceTracks = List.of();
    private volatile Track encodedVideoTrack;
    private volatile List<Track> tracks = List.of();
    private volatile boolean keyframeWanted;
    private volatile long lastKeyframeRequest;
    /** Written on the supervisor thread under {@link #fanOut}, read by the producer under it. */
    private StreamDecoder decoder;

    // Supervisor-thread state.
    private CaptureSource source;
    private SourceSink sink;
    private int generation;
    private int failures;
    private ScheduledFuture<?> pending;
    private long lastDemandMillis;
    private boolean removed;
    private String missingDecoderLogged;

    LiveStream(StreamHub hub, StreamSettings settings, Path dataDirectory) {
        this.hub = hub;
        this.settings = settings;
        this.dataDirectory = dataDirectory;
        this.status = new StreamStatus(StreamState.IDLE, "", System.currentTimeMillis());
        this.history.add(status);
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-stream-" + settings.name());
            t.setDaemon(true);
            return t;
        });
        supervisor.scheduleWithFixedDelay(this::watchdog, 1, 1, TimeUnit.SECONDS);
        supervisor.execute(this::reconcile);
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
        return status;
    }

    @Override
    public List<StreamStatus> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    @Override
    public List<Track> tracks() {
        return tracks;
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

    StreamSettings settings() {
        return settings;
    }

    @Override
    public Subscription subscribe(MediaSubscriber subscriber, SubscribeOptions options) {
        SubscriberQueue queue = new SubscriberQueue(this, subscriber, options, subscriptionNumbers.incrementAndGet());
        boolean needKeyframe;
        synchronized (fanOut) {
            if (!tracks.isEmpty()) {
                queue.offerTracks(tracks);
            }
            queue.offerStatus(status);
            List<EncodedUnit> cached = options.startWithGop() ? gop.units() : List.of();
            for (EncodedUnit unit : cached) {
                queue.offer(unit);
            }
            needKeyframe = options.encoded() && cached.isEmpty();
            if (needKeyframe) {
                queue.waitForKeyframe();
            }
            subscribers.add(queue);
        }
        queue.start();
        if (needKeyframe) {
            requestKeyframe();
        }
        supervisor.execute(this::reconcile);
        return queue;
    }

    void unsubscribe(SubscriberQueue queue) {
        subscribers.remove(queue);
        lastDemandMillis = System.currentTimeMillis();
        if (!supervisor.isShutdown()) {
            supervisor.execute(this::reconcile);
        }
    }

    @Override
    public void requestKeyframe() {
        long now = System.currentTimeMillis();
        if (now - lastKeyframeRequest < KEYFRAME_REQUEST_INTERVAL_MS) {
            return;
        }
        lastKeyframeRequest = now;
        keyframeWanted = true;
        CaptureSource s = source;
        if (s != null) {
            try {
                s.requestKeyframe();
            } catch (RuntimeException e) {
                LOG.debug("Keyframe request to source of '{}' failed", name(), e);
            }
        }
    }

    // ---- life cycle (supervisor thread) -------------------------------------------------------------------------

    /** The configuration changed: restart the source with the new settings, keeping subscribers. */
    void reconfigure(StreamSettings newSettings) {
        supervisor.execute(() -> {
            stopSource(StreamState.IDLE, "reconfigured");
            settings = newSettings;
            failures = 0;
            reconcile();
        });
    }

    /** A capture plugin came or went. */
    void sourceFactoriesChanged() {
        supervisor.execute(this::reconcile);
    }

    /** The stream's definition was deleted: stop everything and release subscribers. */
    void remove() {
        supervisor.execute(() -> {
            removed = true;
            stopSource(StreamState.IDLE, "removed");
            for (SubscriberQueue q : subscribers) {
                q.closeFromStream();
            }
            subscribers.clear();
            supervisor.shutdown();
        });
    }

    private void reconcile() {
        reconcileSource();
        reconcileDecoder();
    }

    private void reconcileSource() {
        if (removed) {
            return;
        }
        if (!settings.enabled()) {
            // Stopped by an operator (enabled = false): no source, whatever the plugins and viewers.
            stopSource(StreamState.STOPPED, "stopped by an operator (enabled = false)");
            return;
        }
        CaptureSourceFactory factory = hub.sourceFactory(settings.sourceType());
        if (factory == null) {
            stopSource(StreamState.FAILED, "no capture plugin for source.type=" + settings.sourceType()
                    + " is installed");
            return;
        }
        if (sink != null && sink.factory != factory) {
            stopSource(StreamState.IDLE, "capture plugin replaced");
        }
        if (!wanted()) {
            if (source != null) {
                stopSource(StreamState.IDLE, "no viewers");
            } else if (status.state() != StreamState.IDLE && pending == null) {
                setStatus(StreamState.IDLE, settings.onDemand() ? "on demand: starts with the first viewer" : "");
            }
            return;
        }
        if (source == null && pending == null) {
            startSource(factory);
        }
    }

    private boolean wanted() {
        if (!settings.onDemand()) {
            return true;
        }
        if (!subscribers.isEmpty()) {
            return true;
        }
        long idleFor = System.currentTimeMillis() - lastDemandMillis;
        if (source != null && idleFor < settings.closeAfterSeconds() * 1000L) {
            schedule(this::reconcile, settings.closeAfterSeconds() * 1000L - idleFor);
            return true;
        }
        return false;
    }

    private void startSource(CaptureSourceFactory factory) {
        int gen = ++generation;
        SourceSink newSink = new SourceSink(gen, factory, hub.encoderFactory(settings.videoCodec()));
        setStatus(StreamState.STARTING, "opening " + settings.sourceType() + " source");
        CaptureSource created;
        try {
            created = factory.create(newSink);
        } catch (IllegalArgumentException e) {
            LOG.error("Stream '{}': invalid source configuration: {}", name(), e.getMessage());
            setStatus(StreamState.FAILED, "invalid source configuration: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.error("Stream '{}': capture plugin {} failed to create a source", name(), settings.sourceType(), e);
            setStatus(StreamState.FAILED, "capture plugin error: " + e);
            return;
        }
        source = created;
        sink = newSink;
        newSink.startedAt = System.currentTimeMillis();
        try {
            created.start();
            LOG.info("Stream '{}': {} source started", name(), settings.sourceType());
        } catch (Exception e) {
            sourceFailed(gen, "could not open source: " + e.getMessage(), e);
        }
    }

    private void sourceFailed(int gen, String reason, Throwable cause) {
        if (gen != generation || source == null) {
            return;
        }
        stopSource(StreamState.RECONNECTING, reason);
        meter.reconnected();
        long delay = Math.min((long) settings.reconnectMaxMs(),
                (long) settings.reconnectInitialMs() << Math.min(failures, 20));
        failures++;
        LOG.warn("Stream '{}': source failed ({}); reconnect #{} in {} ms", name(), reason, failures, delay,
                LOG.isDebugEnabled() ? cause : null);
        setStatus(StreamState.RECONNECTING, reason + "; retrying in " + delay + " ms");
        schedule(this::reconcile, delay);
    }

    private void schedule(Runnable task, long delayMs) {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = supervisor.schedule(() -> {
            pending = null;
            task.run();
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private void stopSource(StreamState newState, String detail) {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
        CaptureSource s = source;
        SourceSink k = sink;
        source = null;
        sink = null;
        generation++;
        stopDecoder();
        if (s != null) {
            try {
                s.stop();
            } catch (RuntimeException e) {
                LOG.warn("Stream '{}': source stop failed", name(), e);
            }
            LOG.info("Stream '{}': source stopped ({})", name(), detail);
        }
        if (k != null) {
            k.close();
        }
        meter.idle();
        if (newState != StreamState.RECONNECTING) {
            synchronized (fanOut) {
                gop.clear();
            }
        }
        setStatus(newState, detail);
    }

    /** A source that stops delivering without saying so (a hung socket) is treated as failed. */
    private void watchdog() {
        SourceSink k = sink;
        if (k == null || source == null) {
            return;
        }
        long last = Math.max(meter.lastUnitMillis(), k.startedAt);
        if (System.currentTimeMillis() - last > settings.sourceTimeoutMs()) {
            sourceFailed(k.generation, "no media for " + settings.sourceTimeoutMs() + " ms", null);
        }
    }

    private void setStatus(StreamState state, String detail) {
        StreamStatus old = status;
        if (old.state() == state && old.detail().equals(detail)) {
            return;
        }
        StreamStatus s = new StreamStatus(state, detail, System.currentTimeMillis());
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(s);
        }
        synchronized (fanOut) {
            status = s;
            for (SubscriberQueue q : subscribers) {
                q.offerStatus(s);
            }
        }
        if (state != old.state()) {
            LOG.info("Stream '{}': {} -> {}{}", name(), old.state(), state, detail.isEmpty() ? "" : " (" + detail + ")");
        }
        hub.statusChanged(this, s);
    }

    // ---- media (source thread) ----------------------------------------------------------------------------------

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
        synchronized (fanOut) {
            tracks = List.copyOf(all);
            gop.clear();
            for (SubscriberQueue q : subscribers) {
                q.offerTracks(tracks);
            }
        }
    }

    /** Fans a unit out; {@code fromSource} units (not our own encodings) also feed the decoder, if one runs. */
    private void deliver(EncodedUnit unit, boolean fromSource) {
        meter.unit(unit, System.currentTimeMillis());
        synchronized (fanOut) {
            gop.add(unit);
            for (SubscriberQueue q : subscribers) {
                q.offer(unit);
            }
            if (fromSource && decoder != null) {
                decoder.offer(unit);
            }
        }
        if (unit.keyframe() && unit.codec().kind() == MediaKind.VIDEO) {
            keyframeWanted = false;
        }
    }

    private void publishDecoded(RawVideoFrame picture) {
        for (SubscriberQueue q : subscribers) {
            q.offer(picture);
        }
    }

    // ---- decoding for raw-picture subscribers (supervisor thread) ------------------------------------------------

    /**
     * Runs one decoder while the source delivers encoded video and someone wants raw pictures, and none otherwise;
     * restarts it when the video track's codec or the best decoder plugin changes.
     */
    private void reconcileDecoder() {
        Track video = decodableTrack();
        VideoDecoderFactory factory = video == null ? null : hub.decoderFactory(codecKey(video));
        StreamDecoder running = decoder;
        if (running != null && (video == null || running.factory() != factory
                || running.track().parameters().codec() != video.parameters().codec())) {
            stopDecoder();
        }
        if (video == null || decoder != null) {
            return;
        }
        if (factory == null) {
            if (!codecKey(video).equals(missingDecoderLogged)) {
                missingDecoderLogged = codecKey(video);
                LOG.warn("Stream '{}': no {} decoder is installed, so raw-picture subscribers (P2P viewers) get no "
                        + "pictures from this passthrough source", name(), missingDecoderLogged);
            }
            return;
        }
        missingDecoderLogged = null;
        StreamDecoder started;
        synchronized (fanOut) {
            // Seed and hand-off start under the lock, so the decoder sees the cached GOP and every later unit.
            started = new StreamDecoder(name(), factory, video, List.copyOf(gop.units()), this::publishDecoded,
                    this::requestKeyframe);
            decoder = started;
        }
        started.start();
    }

    /** The source's video track when the source delivers it encoded and a subscriber wants pictures, else null. */
    private Track decodableTrack() {
        SourceSink k = sink;
        if (removed || k == null || k.pictures || !wantsRaw()) {
            return null;
        }
        for (Track t : sourceTracks) {
            if (t.kind() == MediaKind.VIDEO) {
                return t;
            }
        }
        return null;
    }

    private static String codecKey(Track track) {
        return track.parameters().codec().name().toLowerCase(Locale.ROOT);
    }

    private void stopDecoder() {
        StreamDecoder d;
        synchronized (fanOut) {
            d = decoder;
            decoder = null;
        }
        if (d != null) {
            d.close();
        }
    }

    /** The running decoder, for tests. */
    StreamDecoder decoder() {
        synchronized (fanOut) {
            return decoder;
        }
    }

    private boolean wantsRaw() {
        for (SubscriberQueue q : subscribers) {
            if (q.options().rawVideo()) {
                return true;
            }
        }
        return false;
    }

    private boolean wantsEncoded() {
        for (SubscriberQueue q : subscribers) {
            if (q.options().encoded()) {
                return true;
            }
        }
        return false;
    }

    /** The sink handed to one run of the source; media from an older run is ignored. */
    private final class SourceSink implements MediaSink, SourceContext {
        final int generation;
        final CaptureSourceFactory factory;
        final PictureEncoder encoder;
        volatile long startedAt;
        volatile boolean pictures;
        private boolean live;
        private boolean encoderPaused;

        SourceSink(int generation, CaptureSourceFactory factory, VideoEncoderFactory encoderFactory) {
            this.generation = generation;
            this.factory = factory;
            this.encoder = encoderFactory == null ? null : new PictureEncoder(encoderFactory, settings);
        }

        private boolean current() {
            return generation == LiveStream.this.generation;
        }

        @Override
        public void tracks(List<Track> announced) {
            if (!current()) {
                return;
            }
            sourceTracks = List.copyOf(announced);
            publishTracks();
            supervisor.execute(LiveStream.this::reconcileDecoder);
        }

        @Override
        public void push(EncodedUnit unit) {
            if (!current()) {
                return;
            }
            markLive();
            deliver(unit, true);
        }

        @Override
        public void push(RawVideoFrame frame) {
            if (!current()) {
                return;
            }
            markLive();
            if (!pictures) {
                // A source that makes pictures itself needs no decoder.
                pictures = true;
                supervisor.execute(LiveStream.this::reconcileDecoder);
            }
            for (SubscriberQueue q : subscribers) {
                q.offer(frame);
            }
            if (encoder == null || !wantsEncoded()) {
                meter.picture(System.currentTimeMillis());
                encoderPaused = true;
                return;
            }
            if (encoderPaused) {
                // Pictures were skipped while nobody wanted them: the cached GOP is stale, restart with a keyframe.
                encoderPaused = false;
                keyframeWanted = true;
                synchronized (fanOut) {
                    gop.clear();
                }
            }
            EncodedUnit unit = encoder.encode(frame, keyframeWanted, track -> {
                encodedVideoTrack = track;
                publishTracks();
            });
            if (unit != null) {
                deliver(unit, false);
            }
        }

        private void markLive() {
            if (!live) {
                live = true;
                supervisor.execute(() -> {
                    if (current()) {
                        failures = 0;
                        String detail = encoder == null && sourceTracks.isEmpty()
                                ? "raw pictures only: no " + settings.videoCodec() + " encoder installed" : "";
                        setStatus(StreamState.LIVE, detail);
                    }
                });
            }
        }

        @Override
        public void failed(String reason, Throwable cause) {
            supervisor.execute(() -> sourceFailed(generation, reason, cause));
        }

        void close() {
            if (encoder != null) {
                encoder.close();
            }
        }

        // SourceContext
        @Override
        public String streamName() {
            return settings.name();
        }

        @Override
        public Map<String, Object> config() {
            return settings.properties();
        }

        @Override
        public MediaSink sink() {
            return this;
        }

        @Override
        public Path dataDirectory() {
            return dataDirectory;
        }
    }
}
