package io.sightline.core.internal;

import io.sightline.api.source.CaptureSource;
import io.sightline.api.stream.Rendition;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.stream.StreamState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a stream's capture source running as its settings, the installed plugins and its viewers require: starts
 * it, stops it, and when it fails or goes silent, reports {@link StreamState#RECONNECTING} and retries with a
 * doubling backoff ({@code reconnect.initial.delay.ms} up to {@code reconnect.max.delay.ms}). A source that delivers
 * nothing for {@code source.timeout.ms} (a hung socket) counts as failed.
 *
 * <p>Everything but {@link #requestKeyframe()} and {@link #isCurrent} runs on the stream's supervisor thread, one
 * task at a time, so the state here needs no lock; at most one timer (backoff or on-demand close) is pending.
 */
final class SourceSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(SourceSupervisor.class);
    static final long WATCHDOG_PERIOD_MS = 1000;
    /** How long after the core started a stream waits for a capture plugin it never had before it counts as failed. */
    static final long PLUGIN_GRACE_MS = 30_000;
    /** While it waits, how often it looks again (a plugin that registers starts it at once anyway). */
    static final long PLUGIN_RECHECK_MS = 1_000;

    /** The stream around the supervisor. */
    interface Host {
        StreamSettings settings();

        /** The best capture plugin for a {@code source.type}, or null. */
        CaptureSourceFactory sourceFactory(String type);

        /** Whether the core is still starting: capture plugins may still be registering. */
        boolean awaitingPlugins();

        boolean hasSubscribers();

        SourceRun newRun(int generation, CaptureSourceFactory factory);

        StreamState state();

        void status(StreamState state, String detail);

        /** The source is about to stop: what depends on its media (the decoder) goes first. */
        void sourceStopping();

        /** The source stopped; {@code reconnecting}: it is coming back, so cached media stays. */
        void sourceStopped(boolean reconnecting);

        /** Re-evaluates the whole stream (source and decoder); called when a timer fires. */
        void reconcile();
    }

    private final String streamName;
    private final StreamScheduler scheduler;
    private final Host host;
    private final InputMeter meter;
    private final OnDemandClose onDemand;

    private volatile CaptureSource source;
    private SourceRun run;
    private volatile int generation;
    private int failures;
    private StreamScheduler.Cancellable pending;
    private boolean removed;
    /** Whether a capture plugin for the stream's source type was ever there (then its loss fails the stream at once). */
    private boolean hadPlugin;
    /** A look for the plugin is scheduled (at boot, while the stream waits for it). */
    private boolean pluginRecheck;

    SourceSupervisor(String streamName, StreamScheduler scheduler, Host host, InputMeter meter, OnDemandClose onDemand) {
        this.streamName = streamName;
        this.scheduler = scheduler;
        this.host = host;
        this.meter = meter;
        this.onDemand = onDemand;
        scheduler.schedule(this::watchdog, WATCHDOG_PERIOD_MS);
    }

    /** The current run, or null when no source runs. */
    SourceRun run() {
        return run;
    }

    boolean removed() {
        return removed;
    }

    /** Whether media of run {@code gen} is still wanted; any thread. */
    boolean isCurrent(int gen) {
        return gen == generation;
    }

    void reconcile() {
        if (removed) {
            return;
        }
        StreamSettings settings = host.settings();
        if (settings.refusal() != null) {
            // Its file was refused: shown failed with the reason until the file is fixed, never started.
            stop(StreamState.FAILED, settings.refusal());
            return;
        }
        if (!settings.enabled()) {
            // Stopped by an operator (enabled = false): no source, whatever the plugins and viewers.
            stop(StreamState.STOPPED, "stopped by an operator (enabled = false)");
            return;
        }
        CaptureSourceFactory factory = host.sourceFactory(settings.sourceType());
        if (factory == null) {
            missingPlugin(settings.sourceType());
            return;
        }
        hadPlugin = true;
        if (run != null && run.factory() != factory) {
            stop(StreamState.IDLE, "capture plugin replaced");
        }
        OnDemandClose.Verdict verdict = onDemand.verdict(settings, host.hasSubscribers(), source != null,
                scheduler.millis());
        if (!verdict.wanted()) {
            if (source != null) {
                stop(StreamState.IDLE, "no viewers");
            } else if (host.state() != StreamState.IDLE && pending == null) {
                host.status(StreamState.IDLE, settings.onDemand() ? "on demand: starts with the first viewer" : "");
            }
            return;
        }
        if (verdict.recheckInMs() > 0) {
            reconcileIn(verdict.recheckInMs());
        }
        if (source == null && pending == null) {
            start(factory, settings);
        }
    }

    /** The settings are about to change: stop, and forget past failures. */
    void reconfigure() {
        stop(StreamState.IDLE, "reconfigured");
        failures = 0;
    }

    /** The stream is being removed: stop for good. */
    void remove() {
        removed = true;
        stop(StreamState.IDLE, "removed");
    }

    /** The run's input is away (a publisher source); whether it is still the current run. Supervisor thread. */
    boolean waiting(SourceRun waitingRun) {
        if (!isCurrent(waitingRun.generation())) {
            return false;
        }
        failures = 0;
        meter.idle();
        return true;
    }

    /** The run delivered its first media; returns whether it is still the current run (then the stream is live). */
    boolean live(SourceRun liveRun) {
        if (!isCurrent(liveRun.generation())) {
            return false;
        }
        failures = 0;
        return true;
    }

    /** Asks the running source for a keyframe; any thread. */
    void requestKeyframe() {
        CaptureSource s = source;
        if (s != null) {
            try {
                s.requestKeyframe();
            } catch (RuntimeException e) {
                LOG.debug("Keyframe request to source of '{}' failed", streamName, e);
            }
        }
    }

    /** Asks the running source for a keyframe of one of its layers; any thread. */
    void requestKeyframe(Rendition layer) {
        CaptureSource s = source;
        if (s != null) {
            try {
                s.requestKeyframe(layer);
            } catch (RuntimeException e) {
                LOG.debug("Keyframe request for layer {} to source of '{}' failed", layer.key(), streamName, e);
            }
        }
    }

    private void start(CaptureSourceFactory factory, StreamSettings settings) {
        int gen = ++generation;
        SourceRun newRun = host.newRun(gen, factory);
        host.status(StreamState.STARTING, "opening " + settings.sourceType() + " source");
        CaptureSource created;
        try {
            created = factory.create(newRun);
        } catch (IllegalArgumentException e) {
            LOG.error("Stream '{}': invalid source configuration: {}", streamName, e.getMessage());
            host.status(StreamState.FAILED, "invalid source configuration: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.error("Stream '{}': capture plugin {} failed to create a source", streamName, settings.sourceType(), e);
            host.status(StreamState.FAILED, "capture plugin error: " + e);
            return;
        }
        source = created;
        run = newRun;
        newRun.started(scheduler.millis());
        try {
            created.start();
            LOG.info("Stream '{}': {} source started", streamName, settings.sourceType());
        } catch (Exception e) {
            failed(gen, "could not open source: " + e.getMessage(), e);
        }
    }

    /** Run {@code gen} failed: stop it and retry after the backoff. Stale runs are ignored. */
    void failed(int gen, String reason, Throwable cause) {
        if (gen != generation || source == null) {
            return;
        }
        stop(StreamState.RECONNECTING, reason);
        meter.reconnected();
        long delay = backoff(host.settings(), failures);
        failures++;
        LOG.warn("Stream '{}': source failed ({}); reconnect #{} in {} ms", streamName, reason, failures, delay,
                LOG.isDebugEnabled() ? cause : null);
        host.status(StreamState.RECONNECTING, reason + "; retrying in " + delay + " ms");
        reconcileIn(delay);
    }

    /** The wait before reconnect attempt {@code failures + 1}: doubling from the initial delay, capped. */
    static long backoff(StreamSettings settings, int failures) {
        return Math.min((long) settings.reconnectMaxMs(), (long) settings.reconnectInitialMs() << Math.min(failures, 20));
    }

    /**
     * No plugin for the stream's source type. At boot the streams are defined before the capture features have
     * registered their plugins, so within {@link #PLUGIN_GRACE_MS} of the core's start a stream that never had its
     * plugin is starting (health: degraded), not failed (down), and a plugin that registers meanwhile starts it. A
     * plugin removed at run time, or a type nothing provides after the grace, fails the stream at once.
     */
    private void missingPlugin(String sourceType) {
        if (!hadPlugin && host.awaitingPlugins()) {
            if (host.state() != StreamState.STARTING) {
                stop(StreamState.STARTING, "waiting for a capture plugin for source.type=" + sourceType);
            }
            if (!pluginRecheck) { // not the backoff timer: a plugin that registers must start the stream at once
                pluginRecheck = true;
                scheduler.schedule(() -> {
                    pluginRecheck = false;
                    host.reconcile();
                }, PLUGIN_RECHECK_MS);
            }
            return;
        }
        stop(StreamState.FAILED, "no capture plugin for source.type=" + sourceType + " is installed");
    }

    private void reconcileIn(long delayMs) {
        if (pending != null) {
            pending.cancel();
        }
        // Cancelled and fired on the same thread: a timer that fires is the pending one.
        pending = scheduler.schedule(() -> {
            pending = null;
            host.reconcile();
        }, delayMs);
    }

    private void stop(StreamState newState, String detail) {
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
        CaptureSource s = source;
        SourceRun r = run;
        source = null;
        run = null;
        generation++;
        host.sourceStopping();
        if (s != null) {
            try {
                s.stop();
            } catch (RuntimeException e) {
                LOG.warn("Stream '{}': source stop failed", streamName, e);
            }
            LOG.info("Stream '{}': source stopped ({})", streamName, detail);
        }
        if (r != null) {
            r.close();
        }
        meter.idle();
        host.sourceStopped(newState == StreamState.RECONNECTING);
        host.status(newState, detail);
    }

    /** A source that stops delivering without saying so (a hung socket) is treated as failed. */
    private void watchdog() {
        try {
            SourceRun r = run;
            if (r != null && source != null && !r.waiting()) {
                long last = Math.max(meter.lastUnitMillis(), r.startedAt());
                long timeout = host.settings().sourceTimeoutMs();
                if (scheduler.millis() - last > timeout) {
                    failed(r.generation(), "no media for " + timeout + " ms", null);
                }
            }
        } finally {
            scheduler.schedule(this::watchdog, WATCHDOG_PERIOD_MS);
        }
    }
}
