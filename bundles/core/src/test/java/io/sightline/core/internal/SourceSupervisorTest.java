package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Source supervision on a hand-driven clock: start, doubling backoff with its cap, the silence watchdog, on-demand
 * close, and stale runs being ignored. The host is a small recording stand-in for the stream; the sources are
 * {@link ControlledSources}.
 */
class SourceSupervisorTest {
    private final ManualScheduler clock = new ManualScheduler(1_000_000);
    private final ControlledSources sources = new ControlledSources();
    private final InputMeter meter = new InputMeter();
    private final OnDemandClose onDemand = new OnDemandClose();
    private final Host host = new Host();
    private SourceSupervisor supervisor;

    private void start(String... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", "cam");
        m.put("source.type", "controlled");
        m.put("reconnect.initial.delay.ms", "500");
        m.put("reconnect.max.delay.ms", "3000");
        m.put("source.timeout.ms", "2500");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        host.settings = StreamSettings.from(m);
        supervisor = new SourceSupervisor("cam", clock, host, meter, onDemand);
        clock.execute(host::reconcile);
        clock.runPending();
    }

    /** The stream side, reduced to what supervision touches: states, subscribers, the current run's media. */
    private final class Host implements SourceSupervisor.Host, SourceRun.Target {
        StreamSettings settings;
        CaptureSourceFactory factory = sources;
        boolean awaitingPlugins;
        boolean subscribed;
        final List<StreamStatus> statuses = new ArrayList<>(List.of(new StreamStatus(StreamState.IDLE, "", 0)));
        int stopsKeepingMedia;

        public StreamSettings settings() {
            return settings;
        }

        public CaptureSourceFactory sourceFactory(String type) {
            return factory;
        }

        public boolean awaitingPlugins() {
            return awaitingPlugins;
        }

        public boolean hasSubscribers() {
            return subscribed;
        }

        public SourceRun newRun(int generation, CaptureSourceFactory f) {
            return new SourceRun(generation, f, settings, Path.of("unused"), this,
                    new EncodePolicy(null, new MediaFanout(statuses.get(0)), new KeyframeRequests(),
                            new EncodePolicy.Output() {
                                public void skipped() {
                                }

                                public void track(Track track) {
                                }

                                public void unit(EncodedUnit unit) {
                                }
                            }));
        }

        public StreamState state() {
            return last().state();
        }

        StreamStatus last() {
            return statuses.get(statuses.size() - 1);
        }

        public void status(StreamState state, String detail) {
            statuses.add(new StreamStatus(state, detail, clock.millis()));
        }

        public void sourceStopping() {
        }

        public void sourceStopped(boolean reconnecting) {
            if (reconnecting) {
                stopsKeepingMedia++;
            }
        }

        public void reconcile() {
            supervisor.reconcile();
        }

        // SourceRun.Target: what the stream does with the run's media, reduced to metering and going live.
        public boolean isCurrent(int generation) {
            return supervisor.isCurrent(generation);
        }

        public void tracks(List<Track> announced) {
        }

        public void unit(EncodedUnit unit) {
            meter.unit(unit, clock.millis());
        }

        public void picture(RawVideoFrame frame) {
        }

        public void firstMedia(SourceRun run) {
            clock.execute(() -> {
                if (supervisor.live(run)) {
                    status(StreamState.LIVE, "");
                }
            });
        }

        public void firstPicture() {
        }

        public void failed(int generation, String reason, Throwable cause) {
            clock.execute(() -> supervisor.failed(generation, reason, cause));
        }

        @Override
        public void waiting(SourceRun run, StreamState waitingState, String detail) {
            clock.execute(() -> {
                if (supervisor.waiting(run)) {
                    status(waitingState, detail);
                }
            });
        }
    }

    @Test
    void failedOpensAreRetriedWithADoublingBackoffUpToTheMaximum() {
        sources.failingStarts = 5;
        start();
        assertEquals(1, sources.created.size());
        assertEquals(StreamState.RECONNECTING, host.state());
        assertTrue(host.last().detail().endsWith("retrying in 500 ms"), host.last().detail());

        long[] waits = {500, 1000, 2000, 3000, 3000};
        for (int i = 0; i < waits.length; i++) {
            clock.advance(waits[i] - 1);
            assertEquals(i + 1, sources.created.size(), "no retry before " + waits[i] + " ms");
            clock.advance(1);
            assertEquals(i + 2, sources.created.size(), "retry #" + (i + 1) + " after exactly " + waits[i] + " ms");
        }
        assertEquals(1, sources.running(), "the sixth attempt opened");
        assertEquals(StreamState.STARTING, host.state());
        sources.last().open();
        clock.runPending();
        assertEquals(StreamState.LIVE, host.state());
        assertEquals(5, meter.stats().reconnects());
        assertEquals(5, host.stopsKeepingMedia, "reconnects keep the cached media");
    }

    @Test
    void goingLiveResetsTheBackoff() {
        start();
        sources.last().open();
        sources.last().fail("peer closed");
        clock.runPending();
        clock.advance(500);
        sources.last().fail("peer closed"); // failed again before any media: the next wait doubles
        clock.runPending();
        assertTrue(host.last().detail().endsWith("retrying in 1000 ms"), host.last().detail());
        clock.advance(1000);
        sources.last().open();
        clock.runPending();
        sources.last().fail("peer closed");
        clock.runPending();
        assertTrue(host.last().detail().endsWith("retrying in 500 ms"), "live again: back to the initial delay");
    }

    @Test
    void aSilentSourceIsReopenedAfterTheTimeout() {
        start();
        ControlledSources.Source first = sources.last();
        first.open();
        clock.runPending();
        assertEquals(StreamState.LIVE, host.state());
        // The watchdog looks once a second; a unit at +2000 ms keeps the source until 2500 ms of silence after it.
        clock.advance(2000);
        first.push(1, false);
        clock.advance(2000);
        assertEquals(StreamState.LIVE, host.state(), "2000 ms of silence are within the 2500 ms timeout");
        assertTrue(first.running);
        clock.advance(1000);
        assertEquals(StreamState.RECONNECTING, host.state());
        assertEquals("no media for 2500 ms; retrying in 500 ms", host.last().detail());
        assertTrue(!first.running, "the silent source was stopped");
        clock.advance(500);
        assertEquals(2, sources.created.size());
    }

    @Test
    void aSourceThatNeverDeliversCountsFromItsStart() {
        start();
        clock.advance(2000);
        assertEquals(StreamState.STARTING, host.state());
        clock.advance(1000);
        assertEquals(StreamState.RECONNECTING, host.state());
    }

    @Test
    void mediaAndFailuresOfAStoppedRunAreIgnored() {
        start();
        ControlledSources.Source old = sources.last();
        old.open();
        clock.runPending();
        supervisor.reconfigure();
        clock.execute(host::reconcile);
        clock.runPending();
        assertEquals(2, sources.created.size());
        long before = meter.stats().unitsIn();
        old.push(1, false);
        old.fail("late failure of the old run");
        clock.runPending();
        assertEquals(before, meter.stats().unitsIn(), "the old run's unit is dropped");
        assertEquals(StreamState.STARTING, host.state(), "the old run's failure does not touch the new one");
        assertTrue(sources.last().running);
    }

    @Test
    void onDemandSourceClosesExactlyTheConfiguredTimeAfterTheLastViewer() {
        start("mode", "on-demand", "on.demand.close.after.seconds", "10", "source.timeout.ms", "600000");
        assertEquals(0, sources.created.size(), "no viewer, no source");

        host.subscribed = true;
        host.reconcile();
        assertEquals(1, sources.running());
        sources.last().open();
        clock.runPending();

        host.subscribed = false;
        onDemand.demandEnded(clock.millis());
        host.reconcile();
        clock.advance(9_999);
        assertEquals(1, sources.running(), "kept for a viewer who comes back");
        assertEquals(StreamState.LIVE, host.state());
        clock.advance(1);
        assertEquals(0, sources.running());
        assertEquals(StreamState.IDLE, host.state());
        assertEquals("no viewers", host.last().detail());
    }

    @Test
    void aViewerReturningWithinTheGraceTimeKeepsTheSameSource() {
        start("mode", "on-demand", "on.demand.close.after.seconds", "10", "source.timeout.ms", "600000");
        host.subscribed = true;
        host.reconcile();
        sources.last().open();
        clock.runPending();
        host.subscribed = false;
        onDemand.demandEnded(clock.millis());
        host.reconcile();
        clock.advance(5_000);
        host.subscribed = true;
        host.reconcile();
        clock.advance(60_000);
        assertEquals(1, sources.created.size(), "never restarted");
        assertEquals(1, sources.running());
    }

    @Test
    void withoutItsPluginTheStreamFailsAndStartsWhenItArrives() {
        host.factory = null;
        start();
        assertEquals(StreamState.FAILED, host.state());
        assertEquals("no capture plugin for source.type=controlled is installed", host.last().detail());
        host.factory = sources;
        host.reconcile();
        assertEquals(1, sources.running());
    }

    @Test
    void atBootAStreamWaitsForItsPluginThenFails() {
        host.awaitingPlugins = true; // the core is starting: the capture features may still be registering
        host.factory = null;
        start();
        assertEquals(StreamState.STARTING, host.state(), "not failed (health down) while the plugins come up");
        assertEquals("waiting for a capture plugin for source.type=controlled", host.last().detail());
        clock.advance(SourceSupervisor.PLUGIN_RECHECK_MS);
        assertEquals(StreamState.STARTING, host.state());
        host.awaitingPlugins = false; // the boot is over and nothing provides the type
        clock.advance(SourceSupervisor.PLUGIN_RECHECK_MS);
        assertEquals(StreamState.FAILED, host.state(), "failed without any other event");
    }

    @Test
    void aPluginThatRegistersAtBootStartsTheStreamAndItsLossLaterFailsItAtOnce() {
        host.awaitingPlugins = true;
        host.factory = null;
        start();
        host.factory = sources;
        host.reconcile();
        assertEquals(1, sources.running());
        host.factory = null; // removed while the boot grace still runs: the stream had its plugin
        host.reconcile();
        assertEquals(StreamState.FAILED, host.state());
    }
}
