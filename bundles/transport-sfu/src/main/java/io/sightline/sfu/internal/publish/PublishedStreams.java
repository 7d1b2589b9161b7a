package io.sightline.sfu.internal.publish;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.StreamState;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportException.Reason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture plugin {@code source.type = whip}: a stream of this type has a source that opens nothing and waits for
 * a publisher. The SFU's publish side finds the waiting stream here ({@link #slot}) and attaches the publisher's
 * session to it; the session pushes media into the stream's sink like any capture source.
 *
 * <p>States (through {@code MediaSink.waiting}): {@code idle} "waiting for a publisher" while none is attached;
 * {@code live} with its first media; {@code reconnecting} when it drops (consent expiry, DTLS close, DELETE) for
 * {@code publish.reconnect.seconds}, then {@code idle} again. Viewers stay on their sessions throughout.
 */
@Component(service = {CaptureSourceFactory.class, PublishedStreams.class},
        property = CaptureSourceFactory.SOURCE_TYPE + "=" + PublishedStreams.TYPE,
        configurationPid = PublishedStreams.PID)
@Designate(ocd = WhipSourceDefaults.class)
public final class PublishedStreams implements CaptureSourceFactory {
    static final String TYPE = "whip";
    static final String PID = "io.sightline.source.whip";
    static final String TAKEOVER = "publish.takeover";
    static final String RECONNECT_SECONDS = "publish.reconnect.seconds";
    private static final Logger LOG = LoggerFactory.getLogger(PublishedStreams.class);

    private final Map<String, WhipSource> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sightline-whip-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile WhipSourceDefaults defaults;

    @Activate
    @Modified
    void configure(WhipSourceDefaults configuration) {
        this.defaults = configuration;
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    @Override
    public CaptureSource create(SourceContext context) {
        reconnectSeconds(context); // a bad value fails the stream's start with the key named
        return new WhipSource(context);
    }

    /*
     * The publish.* settings are read where they are used, from the stream's current configuration: the core does not
     * restart a whip stream's source (and so end its publisher) when only publish.* keys changed.
     */
    private boolean takeover(SourceContext context) {
        return Boolean.parseBoolean(context.config(TAKEOVER, String.valueOf(defaults.publish_takeover())));
    }

    private int reconnectSeconds(SourceContext context) {
        int reconnect = context.config(RECONNECT_SECONDS, defaults.publish_reconnect_seconds());
        if (reconnect < 1 || reconnect > 3600) {
            throw new IllegalArgumentException(RECONNECT_SECONDS + " must be 1..3600, got " + reconnect);
        }
        return reconnect;
    }

    /** The reconnect wait of a running stream; a value changed to something invalid since the start is not used. */
    private int reconnectSecondsOrDefault(SourceContext context) {
        try {
            return reconnectSeconds(context);
        } catch (IllegalArgumentException e) {
            int fallback = defaults.publish_reconnect_seconds();
            LOG.warn("Stream '{}': {}; using {} s", context.streamName(), e.getMessage(), fallback);
            return fallback;
        }
    }

    /** The waiting stream of this name, or null when no whip source of that stream runs. */
    public Slot slot(String streamName) {
        return waiting.get(streamName);
    }

    /** The shared timer for publishers' feedback (NACK, PLI, reports) and the reconnect wait. */
    public ScheduledExecutorService timer() {
        return timer;
    }

    /** What the publish side sees of a waiting stream. */
    public interface Slot {
        /**
         * Makes {@code publisher} the stream's publisher; an existing one is closed when the stream lets a new one
         * take over.
         *
         * @throws TransportException PUBLISH_CONFLICT when the stream has a publisher and no takeover
         */
        void attach(Publisher publisher) throws TransportException;

        /** The publisher ended; the stream waits for it to come back. */
        void detach(Publisher publisher, String reason);

        /** Where the publisher pushes: the current run's context. */
        SourceContext context();
    }

    /** What a waiting stream sees of its publisher. */
    public interface Publisher {
        void requestKeyframe();

        /** Ends the session because the stream no longer wants it (source stopped, taken over). */
        void end(String reason);
    }

    /** The source of one whip stream: a slot in {@link #waiting} while started. */
    final class WhipSource implements CaptureSource, Slot {
        private final SourceContext context;
        private Publisher current;
        private ScheduledFuture<?> idleTimer;
        private boolean started;

        WhipSource(SourceContext context) {
            this.context = context;
        }

        @Override
        public synchronized void start() {
            started = true;
            waiting.put(context.streamName(), this);
            context.sink().waiting(StreamState.IDLE, "waiting for a publisher");
        }

        @Override
        public void stop() {
            Publisher p;
            synchronized (this) {
                started = false;
                waiting.remove(context.streamName(), this);
                cancelIdleTimer();
                p = current;
                current = null;
            }
            if (p != null) {
                p.end("the stream's source stopped");
            }
        }

        @Override
        public void requestKeyframe() {
            Publisher p;
            synchronized (this) {
                p = current;
            }
            if (p != null) {
                p.requestKeyframe();
            }
        }

        @Override
        public void attach(Publisher publisher) throws TransportException {
            Publisher old;
            synchronized (this) {
                if (!started) {
                    throw new TransportException(Reason.PUBLISH_CONFLICT, "stream '" + context.streamName()
                            + "' is not waiting for a publisher");
                }
                old = current;
                if (old != null && !takeover(context)) {
                    throw new TransportException(Reason.PUBLISH_CONFLICT, "stream '" + context.streamName()
                            + "' already has a publisher (" + TAKEOVER + " = false)");
                }
                cancelIdleTimer();
                current = publisher;
            }
            if (old != null) {
                LOG.info("Stream '{}': a new publisher takes over", context.streamName());
                old.end("taken over by a new publisher");
            }
        }

        @Override
        public void detach(Publisher publisher, String reason) {
            synchronized (this) {
                if (current != publisher || !started) {
                    return;
                }
                current = null;
                int reconnectSeconds = reconnectSecondsOrDefault(context);
                context.sink().waiting(StreamState.RECONNECTING, "publisher left (" + reason + "); idle after "
                        + reconnectSeconds + " s");
                cancelIdleTimer();
                idleTimer = timer.schedule(this::idleIfStillAlone, reconnectSeconds, TimeUnit.SECONDS);
            }
        }

        private synchronized void idleIfStillAlone() {
            if (started && current == null) {
                context.sink().waiting(StreamState.IDLE, "waiting for a publisher");
            }
        }

        private void cancelIdleTimer() {
            if (idleTimer != null) {
                idleTimer.cancel(false);
                idleTimer = null;
            }
        }

        @Override
        public SourceContext context() {
            return context;
        }
    }
}
