package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub with a real (in-test) capture plugin that produces H.264-shaped units on its own thread: life cycle,
 * reconnects, plugin removal, GOP start for new subscribers and slow-subscriber isolation.
 */
class StreamHubTest {
    private final SettlingSchedulers schedulers = new SettlingSchedulers();
    private final StreamHub hub = new StreamHub(schedulers);
    private final SyntheticSourceFactory factory = new SyntheticSourceFactory();

    @AfterEach
    void tearDown() {
        hub.deactivate();
        factory.stopAll();
    }

    private static Map<String, Object> config(String name, String... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", name);
        m.put("source.type", "synthetic");
        m.put("reconnect.initial.delay.ms", "50");
        m.put("reconnect.max.delay.ms", "200");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private Stream define(String name, String... kv) {
        assertTrue(hub.define(StreamSettings.from(config(name, kv))));
        return hub.find(name).orElseThrow();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void streamWithoutPluginFailsAndRecoversWhenThePluginArrives() throws Exception {
        Stream s = define("cam");
        await("failed", () -> s.status().state() == StreamState.FAILED);
        assertTrue(s.status().detail().contains("source.type=synthetic"));
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        await("live", () -> s.status().state() == StreamState.LIVE);
        hub.unbindSourceFactory(factory);
        await("failed again", () -> s.status().state() == StreamState.FAILED);
        assertEquals(0, factory.running.get(), "the plugin's source was stopped");
    }

    @Test
    void sourceFailureReconnectsWithBackoffAndSubscribersStay() throws Exception {
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        Stream s = define("cam");
        Recorder rec = new Recorder();
        Subscription sub = s.subscribe(rec, SubscribeOptions.ENCODED);
        await("live", () -> s.status().state() == StreamState.LIVE);
        await("media", () -> rec.units.size() > 5);
        factory.lastSource.fail();
        await("reconnecting", () -> rec.states.contains(StreamState.RECONNECTING));
        int before = rec.units.size();
        await("live again", () -> s.status().state() == StreamState.LIVE && rec.units.size() > before + 5);
        assertEquals(1, s.stats().reconnects());
        assertEquals(0, sub.droppedUnits());
        sub.close();
    }

    @Test
    void newSubscriberStartsWithTheCachedGopAtAKeyframe() throws Exception {
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        Stream s = define("cam");
        await("several units", () -> s.stats().unitsIn() > 12);
        Recorder rec = new Recorder();
        try (Subscription sub = s.subscribe(rec, SubscribeOptions.ENCODED)) {
            await("media", () -> !rec.units.isEmpty());
            assertTrue(rec.units.get(0).keyframe(), "first unit is a keyframe");
            assertEquals(List.of(Track.video(CodecParameters.h264("42e01f"), 320, 240, 100)), rec.tracks.get(0));
        }
    }

    @Test
    void slowSubscriberDropsWithoutSlowingOthers() throws Exception {
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        Stream s = define("cam");
        CountDownLatch release = new CountDownLatch(1);
        Recorder stuck = new Recorder() {
            @Override
            public void onMedia(EncodedUnit unit) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Recorder fast = new Recorder();
        Subscription slow = s.subscribe(stuck, new SubscribeOptions(8, true, false, false));
        Subscription quick = s.subscribe(fast, SubscribeOptions.ENCODED);
        await("fast subscriber keeps receiving", () -> fast.units.size() > 60);
        assertTrue(slow.droppedUnits() > 0, "the stuck subscriber lost units");
        assertEquals(0, quick.droppedUnits());
        release.countDown();
        slow.close();
        quick.close();
    }

    @Test
    void onDemandStreamRunsOnlyWhileSubscribed() throws Exception {
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        Stream s = define("cam", "mode", "on-demand", "on.demand.close.after.seconds", "0");
        schedulers.settle("cam");
        assertEquals(StreamState.IDLE, s.status().state());
        assertEquals(0, factory.running.get());
        Subscription sub = s.subscribe(new Recorder(), SubscribeOptions.ENCODED);
        await("live", () -> s.status().state() == StreamState.LIVE);
        sub.close();
        await("idle", () -> s.status().state() == StreamState.IDLE && factory.running.get() == 0);
    }

    @Test
    void removingAStreamLeavesOthersAlone() throws Exception {
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        Stream a = define("a");
        define("b");
        await("a live", () -> a.status().state() == StreamState.LIVE);
        long since = a.status().sinceMillis();
        hub.undefine("b");
        assertFalse(hub.find("b").isPresent());
        schedulers.settle("a");
        assertEquals(since, a.status().sinceMillis());
        assertEquals(StreamState.LIVE, a.status().state());
    }

    @Test
    void duplicateNamesAndBadSettingsAreRefused() {
        define("x");
        assertFalse(hub.define(StreamSettings.from(config("x"))));
        assertThrows(IllegalArgumentException.class, () -> StreamSettings.from(config("bad name")));
        assertThrows(IllegalArgumentException.class, () -> StreamSettings.from(config("ok", "mode", "sometimes")));
        assertThrows(IllegalArgumentException.class,
                () -> StreamSettings.from(config("ok", "video.bitrate.kbps", "fast")));
    }

    @Test
    void aRefusedFileDefinesItsStreamFailedWithTheReasonWithoutSourceOrAccess() throws Exception {
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        ManualScheduler garbageClock = schedulers.manual("garbage");
        Stream good = define("good");
        await("good live", () -> good.status().state() == StreamState.LIVE);
        Map<String, Object> raw = config("garbage", "mode", "sometimes");
        raw.put("felix.fileinstall.filename", "file:/etc/sightline/io.sightline.stream-garbage.cfg");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> StreamSettings.from(raw));
        StreamSettings refused = StreamSettings.refused(raw, "configuration refused: " + bad.getMessage());

        assertTrue(hub.define(refused));
        Stream s = hub.find("garbage").orElseThrow();
        garbageClock.runPending();
        assertEquals(StreamState.FAILED, s.status().state());
        assertTrue(s.status().detail().contains("mode must be always-on or on-demand, got 'sometimes'"),
                s.status().detail());
        assertEquals("disabled", s.properties().get(Stream.ACCESS), "nobody may watch a refused stream");
        assertEquals("synthetic", s.sourceType(), "the type as written, for the operator to recognise");
        garbageClock.advance(5_000); // five watchdog rounds: none may start a source or log again
        assertEquals(1, factory.sources.size(), "only the good stream has a source");
        assertEquals(StreamState.FAILED, s.status().state());
        assertEquals(2, s.history().size(), "IDLE then FAILED, once: " + s.history());
        assertEquals(StreamState.LIVE, good.status().state(), "the other stream is not affected");
        assertTrue(hub.runsValidSettings("good"));
        assertFalse(hub.runsValidSettings("garbage"));

        // Fixing the file redefines it in place; a name the file cannot give is not defined at all.
        hub.redefine(StreamSettings.from(config("garbage")));
        await("fixed live", () -> {
            garbageClock.advance(10); // this stream's supervisor (and its clock) is the test thread
            return s.status().state() == StreamState.LIVE;
        });
        assertEquals(null, StreamSettings.refused(config("bad name"), "x"));
    }

    @Test
    void nameComesFromTheKarafFileName() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("felix.fileinstall.filename", "file:/opt/sightline/etc/io.sightline.stream-lobby.cfg");
        assertEquals("lobby", StreamSettings.from(raw).name());
    }

    /** Records what a subscriber receives. */
    @Test
    void stoppedStreamClosesItsSourceAndViewersKeepsItsDefinitionAndStartsAgain() throws Exception {
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        Stream s = define("cam");
        Recorder rec = new Recorder();
        Subscription sub = s.subscribe(rec, SubscribeOptions.ENCODED);
        await("live", () -> s.status().state() == StreamState.LIVE);
        AtomicInteger closed = new AtomicInteger();
        hub.register(new ClosingSession("v1", "cam", closed));
        hub.register(new ClosingSession("v2", "other", closed));

        hub.redefine(StreamSettings.from(config("cam", "enabled", "false")));
        await("stopped", () -> s.status().state() == StreamState.STOPPED);
        await("source closed", () -> factory.running.get() == 0);
        await("subscribers are told", () -> rec.states.contains(StreamState.STOPPED));
        await("the stream's viewer disconnected", () -> closed.get() == 1);
        schedulers.settle("cam");
        assertEquals(1, closed.get(), "the other stream's viewer is not disconnected");
        assertTrue(hub.find("cam").isPresent(), "still defined");
        // A new subscriber (a viewer's transport) does not reopen a stopped stream.
        try (Subscription again = s.subscribe(new Recorder(), SubscribeOptions.ENCODED)) {
            schedulers.settle("cam");
            assertEquals(0, factory.running.get());
            assertEquals(StreamState.STOPPED, s.status().state());
        }

        hub.redefine(StreamSettings.from(config("cam")));
        await("live again", () -> s.status().state() == StreamState.LIVE);
        List<StreamState> history = s.history().stream().map(h -> h.state()).toList();
        assertTrue(history.indexOf(StreamState.STOPPED) < history.lastIndexOf(StreamState.LIVE), history.toString());
        sub.close();
    }

    @Test
    void changingOnlyNonSourceKeysKeepsTheSourceAndAChangedSourceKeyRestartsIt() throws Exception {
        hub.bindSourceFactory(factory, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        Stream s = define("cam", "source.url", "rtsp://a/1");
        await("live", () -> s.status().state() == StreamState.LIVE);
        SyntheticSource first = factory.lastSource;

        hub.redefine(StreamSettings.from(config("cam", "source.url", "rtsp://a/1", "access", "public",
                "access.public.from", "127.0.0.1/8", "renditions", "640x360@600", "transport.mode", "p2p",
                "publish.takeover", "true", "source.timeout.ms", "20000")));
        await("the new access applies", () -> "public".equals(s.properties().get(Stream.ACCESS)));
        schedulers.settle("cam");
        assertEquals(1, factory.sources.size(), "no second source was created");
        assertEquals(1, factory.running.get());
        assertEquals("true", first.context.config("publish.takeover", "false"),
                "the running source reads the new settings");
        assertEquals(StreamState.LIVE, s.status().state());

        hub.redefine(StreamSettings.from(config("cam", "source.url", "rtsp://a/2", "access", "public")));
        await("a second source", () -> factory.sources.size() == 2);
        await("live on the new source", () -> s.status().state() == StreamState.LIVE && factory.running.get() == 1);
    }

    /** A viewer session as signaling registers it; only closing matters here. */
    private record ClosingSession(String id, String streamName, AtomicInteger closed)
            implements io.sightline.api.transport.ViewerSession {
        public String transportMode() {
            return "sfu";
        }

        public String answerSdp() {
            return "";
        }

        public String remoteAddress() {
            return "127.0.0.1";
        }

        public long createdMillis() {
            return 0;
        }

        public String state() {
            return "connected";
        }

        public void addRemoteCandidates(String sdpFragment) {
        }

        public String restartIce(String sdpFragment) {
            return "";
        }

        public io.sightline.api.transport.ViewerStats stats() {
            return null;
        }

        public void onClosed(Runnable listener) {
        }

        public void close() {
            closed.incrementAndGet();
        }
    }

    static class Recorder implements MediaSubscriber {
        final List<EncodedUnit> units = new CopyOnWriteArrayList<>();
        final List<List<Track>> tracks = new CopyOnWriteArrayList<>();
        final List<StreamState> states = new CopyOnWriteArrayList<>();

        @Override
        public void onTracks(List<Track> t) {
            tracks.add(t);
        }

        @Override
        public void onMedia(EncodedUnit unit) {
            units.add(unit);
        }

        @Override
        public void onStatus(io.sightline.api.stream.StreamStatus status) {
            states.add(status.state());
        }
    }

    /** A capture plugin producing 100 units/s, a keyframe every 10, on its own thread. */
    static final class SyntheticSourceFactory implements CaptureSourceFactory {
        final AtomicInteger running = new AtomicInteger();
        final List<SyntheticSource> sources = new CopyOnWriteArrayList<>();
        volatile SyntheticSource lastSource;

        @Override
        public CaptureSource create(SourceContext context) {
            SyntheticSource s = new SyntheticSource(context, running);
            sources.add(s);
            lastSource = s;
            return s;
        }

        void stopAll() {
            sources.forEach(SyntheticSource::stop);
        }
    }

    static final class SyntheticSource implements CaptureSource {
        private final SourceContext context;
        private final AtomicInteger running;
        private volatile Thread thread;
        private volatile boolean failNow;

        SyntheticSource(SourceContext context, AtomicInteger running) {
            this.context = context;
            this.running = running;
        }

        @Override
        public void start() {
            failNow = false;
            running.incrementAndGet();
            Thread t = new Thread(this::produce, "synthetic-" + context.streamName());
            thread = t;
            t.start();
        }

        private void produce() {
            context.sink().tracks(List.of(Track.video(CodecParameters.h264("42e01f"), 320, 240, 100)));
            long n = 0;
            while (thread == Thread.currentThread()) {
                if (failNow) {
                    context.sink().failed("synthetic failure", null);
                    return;
                }
                boolean key = n % 10 == 0;
                ByteBuffer nal = ByteBuffer.wrap(new byte[] {(byte) (key ? 0x65 : 0x41), 1, 2, 3});
                context.sink().push(new EncodedUnit(Track.VIDEO, Codec.H264, n * 10_000, System.currentTimeMillis(),
                        key, List.of(nal)));
                n++;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void fail() {
            failNow = true;
        }

        @Override
        public void stop() {
            Thread t = thread;
            thread = null;
            if (t != null) {
                running.decrementAndGet();
                t.interrupt();
            }
        }
    }
}
