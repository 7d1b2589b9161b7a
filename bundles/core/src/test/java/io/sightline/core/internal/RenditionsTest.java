package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import io.sightline.core.internal.DecodeOnceTest.ContractDecoderFactory;
import io.sightline.core.internal.StreamHubTest.Recorder;
import io.sightline.core.internal.StreamHubTest.SyntheticSourceFactory;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Renditions of a passthrough stream (issue 14 points 2 and 4): the stream's H.264 is decoded once by the shared
 * decoder and each rendition encoded once, whatever the number of its subscribers; a rendition starts with its first
 * subscriber and stops a configured time after its last; subscribers start at one of its keyframes and their
 * keyframe requests reach its encoder, not the camera. The decoder is DecodeOnceTest's contract decoder (16x16
 * pictures) and the encoder a recording one: the test is about the wiring; codec-ffmpeg tests the real codecs.
 */
class RenditionsTest {
    private final StreamHub hub = new StreamHub();
    private final SyntheticSourceFactory source = new SyntheticSourceFactory();
    private final ContractDecoderFactory decoders = new ContractDecoderFactory();
    private final RecordingEncoders vp8 = new RecordingEncoders(Codec.VP8);

    @BeforeEach
    void plugIn() {
        hub.bindSourceFactory(source, Map.of(CaptureSourceFactory.SOURCE_TYPE, "synthetic"));
        hub.bindDecoderFactory(decoders, Map.of(VideoDecoderFactory.CODEC, "h264"));
        hub.bindEncoderFactory(vp8, Map.of(VideoEncoderFactory.CODEC, "vp8"));
    }

    @AfterEach
    void tearDown() {
        hub.deactivate();
        source.stopAll();
    }

    private LiveStream define(String... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", "cam");
        m.put("source.type", "synthetic");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        assertTrue(hub.define(StreamSettings.from(m)));
        return (LiveStream) hub.find((String) m.get("name")).orElseThrow();
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
    void oneEncoderServesEverySubscriberOfARenditionAndStopsAfterTheLast() throws Exception {
        LiveStream s = define("renditions", "640x360@600, 320x180@150", "renditions.stop.after.seconds", "0");
        Rendition top = new Rendition(Codec.VP8, 640, 360, 600);
        assertEquals(List.of(top.in(Codec.H264), new Rendition(Codec.H264, 320, 180, 150),
                new Rendition(Codec.H264, 320, 180, 50)), s.renditions(),
                "the ladder in the stream's own codec, highest first, then its floor");
        Recorder own = new Recorder();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        try (Subscription sfu = s.subscribe(own, SubscribeOptions.ENCODED)) {
            Subscription subA = s.subscribe(a, SubscribeOptions.ENCODED, top);
            Subscription subB = s.subscribe(b, SubscribeOptions.ENCODED, top);
            await("VP8 units for both", () -> a.units.size() > 30 && b.units.size() > 30);
            assertEquals(1, vp8.created.get(), "one encoder for two subscribers");
            assertEquals(1, decoders.created.get(), "one decoder");
            assertEquals(0, decoders.violations.get());
            for (Recorder r : List.of(a, b)) {
                assertTrue(r.units.get(0).keyframe(), "a subscriber starts at a keyframe of the rendition");
                assertTrue(r.units.stream().allMatch(u -> u.codec() == Codec.VP8), "only the rendition's video");
                Track video = r.tracks.get(r.tracks.size() - 1).get(0);
                assertEquals(Codec.VP8, video.parameters().codec());
                assertEquals(16, video.width(), "never scaled up: the 16x16 pictures stay 16x16");
            }
            assertTrue(own.units.stream().allMatch(u -> u.codec() == Codec.H264), "the stream's own units as before");
            subA.viewers(3);
            List<RenditionStatus> running = s.renditionStatus();
            assertEquals(1, running.size());
            assertEquals(top, running.get(0).rendition());
            assertEquals(2, running.get(0).subscribers());
            assertEquals(3, running.get(0).viewers(), "the viewers a transport said it serves");
            assertTrue(running.get(0).pictures() > 30 && running.get(0).encodeCpuNanos() > 0, running.toString());

            subA.close();
            Thread.sleep(100);
            assertEquals(0, vp8.closed.get(), "still one subscriber");
            subB.close();
            await("rendition stopped", () -> vp8.closed.get() == 1 && s.renditionStatus().isEmpty());
            await("decoder stopped with the rendition's feed", () -> s.decoder() == null);
            int after = own.units.size();
            await("the stream goes on", () -> own.units.size() > after + 20);
        }
    }

    @Test
    void aRenditionKeepsRunningForItsStopDelaySoAReturningViewerFindsIt() throws Exception {
        LiveStream s = define("renditions", "640x360@600", "renditions.stop.after.seconds", "60");
        Rendition top = new Rendition(Codec.VP8, 640, 360, 600);
        Recorder a = new Recorder();
        s.subscribe(a, SubscribeOptions.ENCODED, top).close();
        Recorder b = new Recorder();
        try (Subscription again = s.subscribe(b, SubscribeOptions.ENCODED, top)) {
            await("VP8 units", () -> b.units.size() > 10);
            assertEquals(1, vp8.created.get(), "the same encoder, not a restart");
            assertTrue(b.units.get(0).keyframe());
        }
    }

    /**
     * A rung encodes nothing while nobody watches it, so the GOP it cached before the pause is as old as the pause: a
     * returning viewer must start at a fresh keyframe, not on that GOP followed by a jump in time.
     */
    @Test
    void aViewerReturningToAnUnwatchedRenditionStartsAtAFreshKeyframeNotTheGopFromBeforeThePause() throws Exception {
        LiveStream s = define("renditions", "640x360@600", "renditions.stop.after.seconds", "60");
        Rendition top = new Rendition(Codec.VP8, 640, 360, 600);
        Recorder a = new Recorder();
        try (Subscription first = s.subscribe(a, SubscribeOptions.ENCODED, top)) {
            await("VP8 units", () -> a.units.size() > 20);
        }
        long lastSeen = a.units.get(a.units.size() - 1).ptsMicros();
        Thread.sleep(400); // the source goes on; the unwatched rung does not encode
        Recorder b = new Recorder();
        try (Subscription again = s.subscribe(b, SubscribeOptions.ENCODED, top)) {
            await("VP8 units", () -> b.units.size() > 5);
            assertEquals(1, vp8.created.get(), "the same encoder, not a restart");
            EncodedUnit start = b.units.get(0);
            assertTrue(start.keyframe());
            assertTrue(start.ptsMicros() > lastSeen + 200_000,
                    "the returning viewer starts " + (start.ptsMicros() - lastSeen) / 1000
                            + " ms after the last picture before the pause, not on the GOP cached before it");
        }
    }

    @Test
    void aSubscribersKeyframeRequestForcesTheRenditionsEncoderNotTheCamera() throws Exception {
        LiveStream s = define("renditions", "640x360@600");
        Recorder a = new Recorder();
        try (Subscription sub = s.subscribe(a, SubscribeOptions.ENCODED, new Rendition(Codec.VP8, 640, 360, 600))) {
            await("VP8 units", () -> a.units.size() > 20);
            Thread.sleep(KeyframeRequests.INTERVAL_MS + 50); // past the limit the joining subscriber's request set
            int forced = vp8.forced.get();
            sub.requestKeyframe();
            await("a forced keyframe", () -> vp8.forced.get() == forced + 1);
            Thread.sleep(100);
            assertEquals(forced + 1, vp8.forced.get(), "one request, one keyframe");
        }
    }

    @Test
    void noLadderOrAnotherRungIsRefused() {
        LiveStream off = define("renditions", "off");
        assertEquals(List.of(), off.renditions());
        assertThrows(IllegalArgumentException.class, () -> off.subscribe(new Recorder(), SubscribeOptions.ENCODED,
                new Rendition(Codec.VP8, 1280, 720, 2000)));
        LiveStream s = define("name", "cam2");
        assertEquals(4, s.renditions().size(), "the default ladder and its floor: " + s.renditions());
        assertThrows(IllegalArgumentException.class, () -> s.subscribe(new Recorder(), SubscribeOptions.ENCODED,
                new Rendition(Codec.VP8, 1920, 1080, 4000)));
        assertEquals(0, vp8.created.get());
    }

    @Test
    void theFloorIsTheLowestRungsBoxAtAThirdOfItsBitrateAndTenPicturesASecond() throws Exception {
        LiveStream s = define("renditions", "640x360@600, 320x180@150", "renditions.stop.after.seconds", "0");
        Rendition lowest = new Rendition(Codec.VP8, 320, 180, 150);
        Rendition floor = new Rendition(Codec.VP8, 320, 180, 50);
        assertEquals(floor.in(Codec.H264), s.renditions().get(2));
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        try (Subscription onLowest = s.subscribe(a, SubscribeOptions.ENCODED, lowest);
                Subscription onFloor = s.subscribe(b, SubscribeOptions.ENCODED, floor)) {
            // The synthetic camera's pictures are 10 ms apart: the floor takes one in ten of the lowest rung's.
            await("pictures on both", () -> a.units.size() > 200 && b.units.size() > 15);
            double ratio = (double) b.units.size() / a.units.size();
            assertTrue(ratio > 0.05 && ratio < 0.2, b.units.size() + " floor pictures, " + a.units.size()
                    + " on the lowest rung");
            long apart = b.units.get(b.units.size() - 1).ptsMicros() - b.units.get(b.units.size() - 2).ptsMicros();
            assertTrue(apart >= 90_000, "floor pictures " + apart + " us apart");
            assertTrue(vp8.settings.stream().anyMatch(e -> e.bitrateKbps() == 50 && e.fps() == 10),
                    "the floor's encoder is told its rate: " + vp8.settings);
            assertTrue(vp8.settings.stream().anyMatch(e -> e.bitrateKbps() == 150 && e.fps() > 10), vp8.settings.toString());
        }
        LiveStream single = define("name", "cam3", "renditions", "640x360@600");
        assertEquals(1, single.renditions().size(), "no floor under a single rung (no adaptation there)");
    }

    @Test
    void aMalformedLadderRefusesTheFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamSettings.from(Map.of(
                "name", "cam", "renditions", "1280x720@2000, 640x360")));
        assertTrue(e.getMessage().contains("'640x360' is not WIDTHxHEIGHT@KBPS"), e.getMessage());
    }

    @Test
    void picturesShrinkToTheRungKeepingTheirAspectAndNeverGrow() {
        assertArrayEquals(new int[] {640, 360}, PictureScaler.fit(1920, 1080, 640, 360));
        assertArrayEquals(new int[] {480, 360}, PictureScaler.fit(640, 480, 640, 360), "4:3 stays 4:3");
        assertArrayEquals(new int[] {320, 240}, PictureScaler.fit(320, 240, 1280, 720), "never up");
        byte[] data = new byte[RawVideoFrame.i420Size(64, 32)];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                data[y * 64 + x] = (byte) (x * 4); // a horizontal ramp 0..252
            }
        }
        java.util.Arrays.fill(data, 64 * 32, data.length, (byte) 128);
        RawVideoFrame small = new PictureScaler(32, 16).scale(new RawVideoFrame(64, 32, data, 5, 6));
        assertEquals(32, small.width());
        assertEquals(16, small.height());
        assertEquals(5, small.ptsMicros());
        for (int x = 0; x < 32; x++) {
            int expected = x * 8 + 2; // the mean of the two source columns each output column covers
            int got = small.data()[8 * 32 + x] & 0xff;
            assertTrue(Math.abs(got - expected) <= 2 || x == 31, "column " + x + ": " + got + " vs " + expected);
        }
        assertEquals(128, small.data()[small.uOffset()] & 0xff);
        assertEquals(128, small.data()[small.vOffset() + 63] & 0xff);
    }

    /** Encoders that count themselves and the keyframes forced on them; one 1-byte unit per picture. */
    static final class RecordingEncoders implements VideoEncoderFactory {
        final Codec codec;
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger forced = new AtomicInteger();
        final List<EncoderSettings> settings = new CopyOnWriteArrayList<>();

        RecordingEncoders(Codec codec) {
            this.codec = codec;
        }

        @Override
        public VideoEncoder create(EncoderSettings s) {
            created.incrementAndGet();
            settings.add(s);
            return new VideoEncoder() {
                @Override
                public CodecParameters parameters() {
                    return CodecParameters.vp8();
                }

                @Override
                public EncodedUnit encode(RawVideoFrame frame, boolean forceKeyframe, int trackId) {
                    if (forceKeyframe) {
                        forced.incrementAndGet();
                    }
                    return new EncodedUnit(trackId, codec, frame.ptsMicros(), frame.captureTimeMillis(),
                            forceKeyframe, List.of(ByteBuffer.wrap(new byte[] {1})));
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }
    }
}
