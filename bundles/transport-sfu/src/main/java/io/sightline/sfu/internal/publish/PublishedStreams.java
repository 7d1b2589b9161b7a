package io.sightline.sfu.internal.publish;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Rendition;
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
 *
 * <p>A publisher whose session stays up but whose media stops (a paused encoder, a frozen tab) is noticed here, before
 * the core's silence watchdog would restart the source (which would drop the session and leave a window in which the
 * stream takes no publisher): after {@link #silenceMillis} the stream goes {@code reconnecting} while the session
 * lives, a second publisher gets a 409 that says so (or takes over), media coming back makes it {@code live} again,
 * and the end of the session leaves it {@code reconnecting} for what remains of {@code publish.reconnect.seconds}
 * counted from the last media, then {@code idle}.
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
    static final String KEYFRAME_SECONDS = "publish.keyframe.seconds";
    /** The core's silence watchdog key (read, not owned: the silence check must fire before the watchdog). */
    static final String SOURCE_TIMEOUT_MS = "source.timeout.ms";
    static final long SILENCE_MS = 2000;
    static final long SILENCE_CHECK_MS = 250;
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
        // A bad value fails the stream's start with the key named.
        return new WhipSource(context, PublishSettings.read(context.config(), defaults));
    }

    /**
     * A whip stream's publish settings, read from one configuration map. The core leaves a whip source running when
     * only {@code publish.*} keys (or its other live keys) changed (decision 0047), handing it a new map: the source
     * reads them again then, by a map identity check cheap enough for per-packet callers.
     */
    record PublishSettings(Map<String, Object> from, boolean takeover, int reconnectSeconds, long keyframeRefreshNanos,
            long silenceNanos) {
        static PublishSettings read(Map<String, Object> config, WhipSourceDefaults defaults) {
            Object takeoverValue = config.get(TAKEOVER);
            boolean takeover = takeoverValue == null || takeoverValue.toString().isBlank() ? defaults.publish_takeover()
                    : Boolean.parseBoolean(takeoverValue.toString().trim());
            int reconnect = number(config, RECONNECT_SECONDS, defaults.publish_reconnect_seconds());
            if (reconnect < 1 || reconnect > 3600) {
                throw new IllegalArgumentException(RECONNECT_SECONDS + " must be 1..3600, got " + reconnect);
            }
            int keyframe = number(config, KEYFRAME_SECONDS, defaults.publish_keyframe_seconds());
            if (keyframe < 0 || keyframe > 60) {
                throw new IllegalArgumentException(KEYFRAME_SECONDS + " must be 0..60, got " + keyframe);
            }
            return new PublishSettings(config, takeover, reconnect, TimeUnit.SECONDS.toNanos(keyframe),
                    TimeUnit.MILLISECONDS.toNanos(silenceMillis(number(config, SOURCE_TIMEOUT_MS, 10_000))));
        }

        private static int number(Map<String, Object> config, String key, int defaultValue) {
            Object v = config.get(key);
            if (v == null || v.toString().isBlank()) {
                return defaultValue;
            }
            try {
                return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
            }
        }
    }

    /** Silence of a live publisher noticed after 2 s, or half the core's watchdog timeout when that is shorter. */
    static long silenceMillis(int sourceTimeoutMs) {
        return Math.max(SILENCE_CHECK_MS, Math.min(SILENCE_MS, sourceTimeoutMs / 2L));
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

        /** How long the publisher may go without a keyframe before it is asked for one; 0: never asked. */
        long keyframeRefreshNanos();
    }

    /** What a waiting stream sees of its publisher. */
    public interface Publisher {
        void requestKeyframe();

        /** A keyframe of one of the simulcast layers the publisher announced (decision 0048). */
        default void requestKeyframe(Rendition layer) {
            requestKeyframe();
        }

        /** Ends the session because the stream no longer wants it (source stopped, taken over). */
        void end(String reason);

        /** {@link System#nanoTime()} of the publisher's last media packet, 0 before the first. */
        long lastMediaNanos();
    }

    /** The source of one whip stream: a slot in {@link #waiting} while started. */
    final class WhipSource implements CaptureSource, Slot {
        private final SourceContext context;
        private volatile PublishSettings settings;
        private Publisher current;
        private ScheduledFuture<?> idleTimer;
        private ScheduledFuture<?> silenceCheck;
        private boolean started;
        /** The current publisher's session is up but its media stopped: the stream shows reconnecting. */
        private boolean silent;

        WhipSource(SourceContext context, PublishSettings settings) {
            this.context = context;
            this.settings = settings;
        }

        /** The current publish settings; a value made invalid since the start is logged and the previous kept. */
        private PublishSettings settings() {
            PublishSettings s = settings;
            Map<String, Object> config = context.config();
            if (s.from() != config) {
                try {
                    s = PublishSettings.read(config, defaults);
                } catch (IllegalArgumentException e) {
                    LOG.warn("Stream '{}': {}; the previous publish settings stay", context.streamName(), e.getMessage());
                    s = new PublishSettings(config, s.takeover(), s.reconnectSeconds(), s.keyframeRefreshNanos(),
                            s.silenceNanos());
                }
                settings = s;
            }
            return s;
        }

        @Override
        public synchronized void start() {
            started = true;
            waiting.put(context.streamName(), this);
            context.sink().waiting(StreamState.IDLE, "waiting for a publisher");
            silenceCheck = timer.scheduleWithFixedDelay(() -> checkSilence(System.nanoTime()), SILENCE_CHECK_MS,
                    SILENCE_CHECK_MS, TimeUnit.MILLISECONDS);
        }

        /**
         * Puts the stream in {@code reconnecting} when the attached publisher's media stopped for the silence time
         * (a publisher that never sent media leaves the stream {@code idle}); notes when it comes back (the core has
         * made the stream {@code live} again with that media).
         */
        synchronized void checkSilence(long now) {
            if (!started || current == null) {
                return;
            }
            long last = current.lastMediaNanos();
            if (last == 0) {
                return;
            }
            PublishSettings s = settings();
            boolean quiet = now - last >= s.silenceNanos();
            if (quiet && !silent) {
                silent = true;
                context.sink().waiting(StreamState.RECONNECTING, "publisher connected but sends no media; idle "
                        + s.reconnectSeconds() + " s after its session ends");
                LOG.info("Stream '{}': the publisher's session is up but it sent no media for {} ms",
                        context.streamName(), (now - last) / 1_000_000);
            } else if (!quiet && silent) {
                silent = false;
                LOG.info("Stream '{}': the publisher sends media again", context.streamName());
            }
        }

        @Override
        public void stop() {
            Publisher p;
            synchronized (this) {
                started = false;
                waiting.remove(context.streamName(), this);
                cancelIdleTimer();
                if (silenceCheck != null) {
                    silenceCheck.cancel(false);
                }
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
        public void requestKeyframe(Rendition layer) {
            Publisher p;
            synchronized (this) {
                p = current;
            }
            if (p != null) {
                p.requestKeyframe(layer);
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
                if (old != null && !settings().takeover()) {
                    throw new TransportException(Reason.PUBLISH_CONFLICT, "stream '" + context.streamName()
                            + "' already has a publisher (" + TAKEOVER + " = false)" + (silent
                            ? "; its session is up but sends no media: it ends when the publisher's ICE consent "
                            + "expires or it sends DELETE" : ""));
                }
                cancelIdleTimer();
                current = publisher;
                silent = false;
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
                cancelIdleTimer();
                // The wait counts from the last media: a publisher that went quiet long ago has had its time.
                long last = publisher.lastMediaNanos();
                long quietFor = silent && last != 0 ? System.nanoTime() - last : 0;
                silent = false;
                long left = TimeUnit.SECONDS.toNanos(settings().reconnectSeconds()) - quietFor;
                if (left <= 0) {
                    context.sink().waiting(StreamState.IDLE, "waiting for a publisher");
                    return;
                }
                context.sink().waiting(StreamState.RECONNECTING, "publisher left (" + reason + "); idle after "
                        + TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999L) + " s");
                idleTimer = timer.schedule(this::idleIfStillAlone, left, TimeUnit.NANOSECONDS);
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

        @Override
        public long keyframeRefreshNanos() {
            return settings().keyframeRefreshNanos();
        }
    }
}
