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
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import io.sightline.core.internal.StreamHubTest.Recorder;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A simulcast publisher's layers as rungs of its stream (decision 0048), through the capture SPI as the WHIP source
 * uses it: the source announces its layers and pushes each layer's units besides the stream's own video; the stream's
 * ladder is then the layers, a subscriber of a layer gets that layer's units as they came (with the stream's audio),
 * its keyframe requests reach the source for that layer, nothing is encoded, and the configured ladder is not
 * started for them. No encoder is installed at all here: a layer needs none.
 */
class SimulcastLayersTest {
    private static final Rendition H = Rendition.layer("h", Codec.H264, 1280, 720, 1500);
    private static final Rendition L = Rendition.layer("l", Codec.H264, 320, 180, 150);

    private final StreamHub hub = new StreamHub();
    private final LayeredSourceFactory source = new LayeredSourceFactory();

    @BeforeEach
    void plugIn() {
        hub.bindSourceFactory(source, Map.of(CaptureSourceFactory.SOURCE_TYPE, "layered"));
    }

    @AfterEach
    void tearDown() {
        hub.deactivate();
        source.stopAll();
    }

    private LiveStream define() {
        Map<String, Object> m = new HashMap<>();
        m.put("name", "pub");
        m.put("source.type", "layered");
        m.put("renditions.stop.after.seconds", "0");
        assertTrue(hub.define(StreamSettings.from(m)));
        return (LiveStream) hub.find("pub").orElseThrow();
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
    void theLayersAreTheLadderAndASubscriberOfALayerGetsItsUnitsWithTheStreamsAudio() throws Exception {
        LiveStream s = define();
        await("layers announced", () -> s.renditions().size() == 2);
        assertEquals(List.of(H, L), s.renditions(), "the ladder is the publisher's layers, top first");
        Recorder own = new Recorder();
        Recorder low = new Recorder();
        try (Subscription main = s.subscribe(own, SubscribeOptions.ENCODED);
                Subscription sub = s.subscribe(low, SubscribeOptions.ENCODED,
                        Rendition.layer("l", Codec.H264, 330, 190, 999))) {
            await("units of the layer and audio", () -> low.units.stream().filter(u -> u.codec() == Codec.H264)
                    .count() > 20 && low.units.stream().anyMatch(u -> u.codec() == Codec.OPUS));
            List<EncodedUnit> video = low.units.stream().filter(u -> u.codec() == Codec.H264).toList();
            assertTrue(video.get(0).keyframe(), "a subscriber starts at a keyframe of the layer");
            assertTrue(video.stream().allMatch(u -> u.parts().get(0).get(1) == 'l'), "only the l layer's units");
            assertTrue(own.units.stream().filter(u -> u.codec() == Codec.H264)
                    .allMatch(u -> u.parts().get(0).get(1) == 'h'), "the stream's own video is the top layer's");
            Track track = low.tracks.get(low.tracks.size() - 1).get(0);
            assertEquals(320, track.width(), "the layer's own track");
            assertEquals(Codec.OPUS, low.tracks.get(low.tracks.size() - 1).get(1).parameters().codec());

            sub.viewers(2);
            int before = source.keyframeRequests.size();
            sub.requestKeyframe();
            await("the source asked for a keyframe of l", () -> source.keyframeRequests.size() > before);
            assertEquals("l", source.keyframeRequests.get(source.keyframeRequests.size() - 1));

            List<RenditionStatus> status = s.renditionStatus();
            assertEquals(2, status.size(), "every layer is listed, watched or not: " + status);
            RenditionStatus l = status.get(1);
            assertTrue(l.rendition().isLayer());
            assertEquals("h264-layer-l", l.rendition().key());
            assertEquals(2, l.viewers());
            assertEquals(0, l.encodeCpuNanos(), "nothing encoded");
            assertEquals(0, status.get(0).viewers());
        }
    }

    @Test
    void aLayerIsNamedByItsRidWhateverWasMeasuredAndMayBeInThePublishersCodec() {
        Rendition m = Rendition.layer("m", Codec.H264, 640, 360, 480);
        assertTrue(m.sameRung(Rendition.layer("m", Codec.H264, 632, 356, 700)), "measurements change, the rung stays");
        assertFalse(m.sameRung(Rendition.layer("m", Codec.VP8, 640, 360, 480)));
        assertFalse(m.sameRung(new Rendition(Codec.H264, 640, 360, 480)));
        assertEquals("h264-layer-m", m.key());
        assertEquals(new Rendition(Codec.VP8, 640, 360, 480), m.in(Codec.VP8), "an encoding of the layer's size");
        assertEquals("vp9-layer-h", Rendition.layer("h", Codec.VP9, 1280, 720, 1500).key(), "a VP9 publisher's layer");
        assertThrows(IllegalArgumentException.class, () -> new Rendition(Codec.VP9, 1280, 720, 1500),
                "the server encodes rungs in H.264 or VP8 only");
        assertThrows(IllegalArgumentException.class, () -> Rendition.layer("a", Codec.OPUS, 16, 16, 32));
        assertThrows(IllegalArgumentException.class, () -> Rendition.layer("averyveryverylongname", Codec.H264, 16,
                16, 32));
    }

    @Test
    void anUnknownLayerIsRefusedAndAnEncodingOfALayersSizeNeedsAnEncoder() throws Exception {
        LiveStream s = define();
        await("layers announced", () -> s.renditions().size() == 2);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> s.subscribe(new Recorder(), SubscribeOptions.ENCODED, Rendition.layer("m", Codec.H264, 640,
                        360, 500)));
        assertTrue(unknown.getMessage().contains("h264-layer-h"), unknown.getMessage());
        IllegalArgumentException fallback = assertThrows(IllegalArgumentException.class,
                () -> s.subscribe(new Recorder(), SubscribeOptions.ENCODED, H.in(Codec.VP8)));
        assertTrue(fallback.getMessage().contains("no VP8 encoder"), "a layer's size is a valid rung for codec "
                + "fallback; only the encoder is missing here: " + fallback.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.subscribe(new Recorder(), SubscribeOptions.ENCODED,
                new Rendition(Codec.VP8, 640, 360, 600)), "the configured ladder is not the ladder now");
    }

    @Test
    void aPublisherWithoutLayersEndsThePreviousLayersAndTheConfiguredLadderIsBack() throws Exception {
        LiveStream s = define();
        await("layers announced", () -> s.renditions().size() == 2);
        ClosingRecorder low = new ClosingRecorder();
        s.subscribe(low, SubscribeOptions.ENCODED, L);
        source.last.sink().layers(List.of());
        await("the layer's subscriber closed", () -> low.closed);
        assertFalse(s.renditions().stream().anyMatch(Rendition::isLayer));
        assertEquals(4, s.renditions().size(), "the default ladder, three rungs and its floor: " + s.renditions());
    }

    static final class ClosingRecorder extends Recorder {
        volatile boolean closed;

        @Override
        public void onClosed() {
            closed = true;
        }
    }

    /** A publisher-like source: h (the stream's own video and a layer) and l, 100 units a second, and Opus. */
    static final class LayeredSourceFactory implements CaptureSourceFactory {
        final List<String> keyframeRequests = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        volatile SourceContext last;

        @Override
        public CaptureSource create(SourceContext context) {
            last = context;
            return new CaptureSource() {
                private volatile boolean stopped;

                @Override
                public void start() {
                    Thread t = new Thread(() -> produce(context, () -> stopped), "layered");
                    threads.add(t);
                    t.start();
                }

                @Override
                public void stop() {
                    stopped = true;
                }

                @Override
                public void requestKeyframe(Rendition layer) {
                    keyframeRequests.add(layer.layer());
                }
            };
        }

        void stopAll() {
            threads.forEach(Thread::interrupt);
        }

        private void produce(SourceContext context, BooleanSupplier stopped) {
            Track h = Track.video(CodecParameters.h264("42e01f"), 1280, 720, 0);
            Track l = Track.video(CodecParameters.h264("42e01f"), 320, 180, 0);
            context.sink().tracks(List.of(h, Track.audio(CodecParameters.opus(true))));
            context.sink().layers(List.of(H, L));
            for (long n = 0; !stopped.getAsBoolean(); n++) {
                boolean key = n % 10 == 0;
                context.sink().push(unit('h', key, n));
                context.sink().push(H, h, unit('h', key, n));
                context.sink().push(L, l, unit('l', key, n));
                context.sink().push(new EncodedUnit(Track.AUDIO, Codec.OPUS, n * 10_000, System.currentTimeMillis(),
                        true, List.of(ByteBuffer.wrap(new byte[] {(byte) 0xfc, 1}))));
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static EncodedUnit unit(char layer, boolean key, long n) {
            ByteBuffer nal = ByteBuffer.wrap(new byte[] {(byte) (key ? 0x65 : 0x41), (byte) layer, 2, 3});
            return new EncodedUnit(Track.VIDEO, Codec.H264, n * 10_000, System.currentTimeMillis(), key, List.of(nal));
        }
    }
}
