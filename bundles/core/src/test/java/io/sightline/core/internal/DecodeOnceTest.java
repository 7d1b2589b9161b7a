package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.core.internal.StreamHubTest.Recorder;
import io.sightline.core.internal.StreamHubTest.SyntheticSourceFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core's decode-once wiring for passthrough streams: one decoder per stream for all raw-picture subscribers,
 * started and stopped with them and with the source, fed without ever breaking a reference chain, and absent (with
 * no pictures) while no decoder plugin is installed.
 *
 * <p>The decoder here is a small real {@link VideoDecoderFactory} written for this test, not FFmpeg: the test is about
 * the wiring, and the synthetic source's units are H.264-shaped, not decodable H.264. It enforces the decoder contract
 * (start at a keyframe, resume at a keyframe after any gap) and counts violations. Real decoding is tested in
 * codec-ffmpeg.
 */
class DecodeOnceTest {
    private final SettlingSchedulers schedulers = new SettlingSchedulers();
    private final StreamHub hub = new StreamHub(schedulers);
    private final SyntheticSourceFactory source = new SyntheticSourceFactory();
    private final ContractDecoderFactory decoders = new ContractDecoderFactory();

    @AfterEach
    void tearDown() {
        hub.deactivate();
        source.stopAll();
    }

    private LiveStream define(String name, String... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", name);
        m.put("source.type", "synthetic");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        assertTrue(hub.define(StreamSettings.from(m)));
        return (LiveStream) hub.find(name).orElseThrow();
    }

    private void plugIn() {
        hub.bindSourceFactory(source, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
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
    void oneDecoderServesAllRawSubscribersAndStopsWithTheLast() throws Exception {
        plugIn();
        hub.bindDecoderFactory(decoders, Map.of(VideoDecoderFactory.CODEC, "h264"));
        LiveStream s = define("cam");
        Recorder encoded = new Recorder();
        Subscription sfu = s.subscribe(encoded, SubscribeOptions.ENCODED);
        await("encoded media", () -> encoded.units.size() > 20);
        assertEquals(0, decoders.created.get(), "encoded subscribers need no decoder");

        Pictures a = new Pictures();
        Pictures b = new Pictures();
        Subscription subA = s.subscribe(a, SubscribeOptions.RAW);
        Subscription subB = s.subscribe(b, SubscribeOptions.RAW);
        await("pictures for both", () -> a.frames.size() > 20 && b.frames.size() > 20);
        assertEquals(1, decoders.created.get(), "one decoder for two raw subscribers");
        assertEquals(0, decoders.violations.get(), "decoder fed from a keyframe, never across a gap");
        assertTrue(decoders.firstFedWasKeyframe, "the decoder starts at the cached GOP's keyframe");
        assertTrue(a.frames.get(1).ptsMicros() > a.frames.get(0).ptsMicros(), "pictures in order");

        subA.close();
        int seen = b.frames.size();
        await("pictures go on for the remaining raw subscriber", () -> b.frames.size() > seen + 10);
        assertEquals(0, decoders.closed.get(), "still one raw subscriber");
        subB.close();
        await("decoder closed", () -> decoders.closed.get() == 1 && s.decoder() == null);
        assertTrue(encoded.units.size() > 40, "encoded delivery unaffected");
        sfu.close();
    }

    @Test
    void aStuckDecoderSkipsToKeyframesWithoutHoldingUpTheSource() throws Exception {
        plugIn();
        decoders.gate = new CountDownLatch(1); // the decoder's first decode() waits until released
        hub.bindDecoderFactory(decoders, Map.of(VideoDecoderFactory.CODEC, "h264"));
        LiveStream s = define("cam");
        Recorder encoded = new Recorder();
        Pictures raw = new Pictures();
        try (Subscription sfu = s.subscribe(encoded, SubscribeOptions.ENCODED);
                Subscription p2p = s.subscribe(raw, SubscribeOptions.RAW)) {
            await("the decoder is stuck in its first unit", () -> decoders.entered.get() == 1);
            int before = encoded.units.size();
            // Five keyframe intervals pushed and delivered while the decoder cannot take a single unit.
            await("the source goes on", () -> encoded.units.size() - before >= 50);
            decoders.gate.countDown();
            await("pictures after the decoder recovers", () -> raw.frames.size() > 3);
            assertTrue(s.decoder().droppedUnits() > 0, "units skipped");
            assertEquals(0, decoders.violations.get(), "skips always resume at a keyframe");
            assertEquals(0, sfu.droppedUnits());
        }
    }

    @Test
    void withoutADecoderPluginRawSubscribersWaitAndTheSourceStopStopsTheDecoder() throws Exception {
        plugIn();
        LiveStream s = define("cam");
        Pictures raw = new Pictures();
        try (Subscription p2p = s.subscribe(raw, SubscribeOptions.RAW)) {
            await("live", () -> s.status().state() == StreamState.LIVE);
            long in = s.stats().unitsIn();
            await("20 more units through the stream", () -> s.stats().unitsIn() > in + 20);
            schedulers.settle("cam"); // the decoder wiring (had there been a decoder to wire) has run
            assertEquals(0, raw.frames.size(), "no decoder plugin: no pictures");
            assertNull(s.decoder());

            hub.bindDecoderFactory(decoders, Map.of(VideoDecoderFactory.CODEC, "h264"));
            await("pictures once a decoder is installed", () -> raw.frames.size() > 5);

            source.lastSource.fail();
            await("decoder closed with the source", () -> decoders.closed.get() == 1);
            await("decoding again after the reconnect", () -> decoders.created.get() == 2 && s.decoder() != null);
            int before = raw.frames.size();
            await("pictures again", () -> raw.frames.size() > before + 5);

            hub.unbindDecoderFactory(decoders);
            await("decoder gone with its plugin", () -> s.decoder() == null && decoders.closed.get() == 2);
        }
        assertEquals(0, decoders.violations.get());
    }

    @Test
    void aVp8DecoderDoesNotServeAnH264Stream() throws Exception {
        plugIn();
        hub.bindDecoderFactory(decoders, Map.of(VideoDecoderFactory.CODEC, "vp8"));
        LiveStream s = define("cam");
        Pictures raw = new Pictures();
        try (Subscription p2p = s.subscribe(raw, SubscribeOptions.RAW)) {
            await("live", () -> s.status().state() == StreamState.LIVE);
            long in = s.stats().unitsIn();
            await("20 more units through the stream", () -> s.stats().unitsIn() > in + 20);
            schedulers.settle("cam"); // the decoder wiring (had there been a decoder to wire) has run
            assertNull(s.decoder());
            assertEquals(0, decoders.created.get());
        }
        assertNotNull(hub.decoderFactory("VP8"));
    }

    /** Collects raw pictures. */
    static final class Pictures implements MediaSubscriber {
        final List<RawVideoFrame> frames = new CopyOnWriteArrayList<>();

        @Override
        public void onMedia(EncodedUnit unit) {
        }

        @Override
        public void onRawVideo(RawVideoFrame frame) {
            frames.add(frame);
        }
    }

    /**
     * Decoders for the synthetic source's units (pts every 10 ms): one 16x16 picture per unit, refusing what a real
     * decoder could not decode (a delta unit first or after a gap), which the test counts as a wiring violation.
     */
    static final class ContractDecoderFactory implements VideoDecoderFactory {
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger violations = new AtomicInteger();
        volatile boolean firstFedWasKeyframe;
        final AtomicInteger entered = new AtomicInteger();
        volatile CountDownLatch gate;

        @Override
        public VideoDecoder create(CodecParameters parameters) {
            created.incrementAndGet();
            return new VideoDecoder() {
                private long nextPts = -1;
                private boolean open = true;

                @Override
                public int decode(EncodedUnit unit, Consumer<RawVideoFrame> output) {
                    CountDownLatch g = gate;
                    if (entered.incrementAndGet() == 1 && g != null) {
                        try {
                            g.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (nextPts < 0) {
                        firstFedWasKeyframe = unit.keyframe();
                    }
                    if (!unit.keyframe() && unit.ptsMicros() != nextPts) {
                        violations.incrementAndGet();
                        throw new IllegalArgumentException("reference missing before " + unit);
                    }
                    nextPts = unit.ptsMicros() + 10_000;
                    output.accept(new RawVideoFrame(16, 16, new byte[RawVideoFrame.i420Size(16, 16)],
                            unit.ptsMicros(), unit.captureTimeMillis()));
                    return 1;
                }

                @Override
                public void close() {
                    if (open) {
                        open = false;
                        closed.incrementAndGet();
                    }
                }
            };
        }
    }
}
