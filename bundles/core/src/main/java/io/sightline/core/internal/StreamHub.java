package io.sightline.core.internal;

import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamListener;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the media side: holds the defined streams, tracks the capture plugins, encoders and
 * decoders in the service registry, and keeps the live viewer sessions. Plugins never see this class, only the API
 * services it registers.
 */
@Component(service = {StreamRegistry.class, SessionRegistry.class, StreamHub.class}, immediate = true)
public final class StreamHub implements StreamRegistry, SessionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

    private final Map<String, LiveStream> streams = new ConcurrentSkipListMap<>();
    private final Map<String, ViewerSession> sessions = new ConcurrentHashMap<>();
    private final DeliveryLog deliveryLog = new DeliveryLog();
    private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Ranked<CaptureSourceFactory>> sourceFactories = new CopyOnWriteArrayList<>();
    private final List<Ranked<VideoEncoderFactory>> encoderFactories = new CopyOnWriteArrayList<>();
    private final List<Ranked<VideoDecoderFactory>> decoderFactories = new CopyOnWriteArrayList<>();
    private Path dataRoot = Path.of(System.getProperty("java.io.tmpdir"), "sightline");
    private final Function<String, StreamScheduler> schedulers;
    /** Until then (System.nanoTime) the capture features may still be registering their plugins: the core's boot. */
    private final long pluginsSettleNanos;

    public StreamHub() {
        this(name -> new ThreadScheduler(name, Clock.systemUTC()), SourceSupervisor.PLUGIN_GRACE_MS);
    }

    /** With the schedulers the streams run on, by stream name: tests wait on them instead of sleeping; no boot grace. */
    StreamHub(Function<String, StreamScheduler> schedulers) {
        this(schedulers, 0);
    }

    private StreamHub(Function<String, StreamScheduler> schedulers, long pluginGraceMillis) {
        this.schedulers = schedulers;
        this.pluginsSettleNanos = System.nanoTime() + pluginGraceMillis * 1_000_000L;
    }

    /** Whether the core is still starting, so that a capture plugin no stream has seen yet may still register. */
    boolean awaitingPlugins() {
        return System.nanoTime() - pluginsSettleNanos < 0;
    }

    private record Ranked<T>(T service, String key, int ranking) {
    }

    @Activate
    void activate(BundleContext context) {
        if (context.getDataFile("streams") != null) {
            dataRoot = context.getDataFile("streams").toPath();
        }
    }

    @Deactivate
    void deactivate() {
        streams.values().forEach(LiveStream::remove);
        streams.clear();
        sessions.values().forEach(s -> deliveryLog.closing(s, "server stopping"));
        sessions.values().forEach(ViewerSession::close);
        sessions.clear();
    }

    // ---- streams ------------------------------------------------------------------------------------------------

    /** Defines a stream; returns false (and logs) if the name is taken. */
    boolean define(StreamSettings settings) {
        LiveStream stream = new LiveStream(this, settings, dataRoot.resolve(settings.name()),
                schedulers.apply(settings.name()));
        if (streams.putIfAbsent(settings.name(), stream) != null) {
            stream.remove();
            LOG.error("Stream '{}' is defined twice; ignoring the second definition", settings.name());
            return false;
        }
        if (settings.refusal() != null) {
            LOG.info("Stream '{}' defined from a refused file: failed, no source, access disabled", settings.name());
        } else {
            LOG.info("Stream '{}' defined (source.type={}, mode={}, transport={}, access={})", settings.name(),
                    settings.sourceType(), settings.onDemand() ? "on-demand" : "always-on", settings.transportMode(),
                    settings.access());
        }
        listeners.forEach(l -> safely(() -> l.streamAdded(stream)));
        return true;
    }

    void redefine(StreamSettings settings) {
        LiveStream stream = streams.get(settings.name());
        if (stream != null) {
            LOG.info("Stream '{}' reconfigured", settings.name());
            stream.reconfigure(settings);
        }
    }

    /** Whether the stream is defined from a valid file (not one shown failed for a refused file). */
    boolean runsValidSettings(String name) {
        LiveStream stream = streams.get(name);
        return stream != null && stream.settings().refusal() == null;
    }

    void undefine(String name) {
        LiveStream stream = streams.remove(name);
        if (stream != null) {
            stream.remove();
            sessions(name).forEach(s -> deliveryLog.closing(s, "stream removed"));
            sessions(name).forEach(ViewerSession::close);
            LOG.info("Stream '{}' removed", name);
            listeners.forEach(l -> safely(() -> l.streamRemoved(stream)));
        }
    }

    void statusChanged(LiveStream stream, StreamStatus status) {
        if (status.state() == StreamState.STOPPED) {
            // Stopped: its viewers go now, after the state changed, so their players' next offer gets WHEP 423.
            sessions(stream.name()).forEach(ViewerSession::close);
        }
        listeners.forEach(l -> safely(() -> l.streamStatusChanged(stream, status)));
    }

    @Override
    public Optional<Stream> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(streams.get(name));
    }

    @Override
    public List<Stream> streams() {
        return List.copyOf(streams.values());
    }

    @Override
    public AutoCloseable watch(StreamListener listener) {
        listeners.add(listener);
        streams.values().forEach(s -> safely(() -> listener.streamAdded(s)));
        return () -> listeners.remove(listener);
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("Stream listener failed", e);
        }
    }

    // ---- plugins ------------------------------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSourceFactory(CaptureSourceFactory factory, Map<String, Object> props) {
        String type = String.valueOf(props.get(CaptureSourceFactory.SOURCE_TYPE));
        sourceFactories.add(new Ranked<>(factory, type, ranking(props)));
        LOG.info("Capture plugin for source.type={} available", type);
        streams.values().forEach(LiveStream::sourceFactoriesChanged);
    }

    void unbindSourceFactory(CaptureSourceFactory factory) {
        sourceFactories.removeIf(r -> r.service() == factory);
        streams.values().forEach(LiveStream::sourceFactoriesChanged);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEncoderFactory(VideoEncoderFactory factory, Map<String, Object> props) {
        encoderFactories.add(new Ranked<>(factory, String.valueOf(props.get(VideoEncoderFactory.CODEC)), ranking(props)));
        // Streams pick up a new encoder when their source next starts; restart those that lack one.
        streams.values().forEach(LiveStream::sourceFactoriesChanged);
    }

    void unbindEncoderFactory(VideoEncoderFactory factory) {
        encoderFactories.removeIf(r -> r.service() == factory);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDecoderFactory(VideoDecoderFactory factory, Map<String, Object> props) {
        decoderFactories.add(new Ranked<>(factory, String.valueOf(props.get(VideoDecoderFactory.CODEC)), ranking(props)));
        // Passthrough streams with raw-picture subscribers start decoding now.
        streams.values().forEach(LiveStream::sourceFactoriesChanged);
    }

    void unbindDecoderFactory(VideoDecoderFactory factory) {
        decoderFactories.removeIf(r -> r.service() == factory);
        // Streams decoding with it stop (and switch to another decoder plugin, if there is one).
        streams.values().forEach(LiveStream::sourceFactoriesChanged);
    }

    /** The source types of the capture plugins installed now, sorted. */
    List<String> sourceTypes() {
        return sourceFactories.stream().map(Ranked::key).distinct().sorted().toList();
    }

    CaptureSourceFactory sourceFactory(String type) {
        return best(sourceFactories, type);
    }

    VideoEncoderFactory encoderFactory(String codec) {
        return best(encoderFactories, codec);
    }

    VideoDecoderFactory decoderFactory(String codec) {
        return best(decoderFactories, codec);
    }

    private static <T> T best(List<Ranked<T>> candidates, String key) {
        return candidates.stream().filter(r -> r.key().equalsIgnoreCase(key))
                .max(Comparator.comparingInt(Ranked::ranking)).map(Ranked::service).orElse(null);
    }

    private static int ranking(Map<String, Object> props) {
        return props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    // ---- sessions -----------------------------------------------------------------------------------------------

    @Override
    public void register(ViewerSession session) {
        sessions.put(session.id(), session);
        deliveryLog.started(session);
        session.onClosed(() -> {
            sessions.remove(session.id());
            deliveryLog.ended(session);
        });
    }

    @Override
    public Optional<ViewerSession> session(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(sessions.get(id));
    }

    @Override
    public List<ViewerSession> sessions() {
        return new ArrayList<>(sessions.values());
    }

    @Override
    public List<ViewerSession> sessions(String streamName) {
        List<ViewerSession> result = new ArrayList<>();
        for (ViewerSession s : sessions.values()) {
            if (s.streamName().equals(streamName)) {
                result.add(s);
            }
        }
        return result;
    }
}
