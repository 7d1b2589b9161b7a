package io.sightline.source.ffmpeg.internal;

import static io.sightline.testing.RecordingSourceContext.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.stream.Track;
import io.sightline.testing.RecordingSourceContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sightline's own RTSP client (the default for {@code source.type=rtsp}) against GStreamer's RTSP server: which
 * sessions it carries itself (H.264 with Opus, AAC or G.711 audio; Digest credentials) and which it hands to FFmpeg
 * (B-frames, another video codec). Units it produces carry their socket arrival time; FFmpeg's do not. Ports
 * 9140-9159.
 */
class NativeRtspClientTest {
    private static final String VIDEO = "videotestsrc is-live=true pattern=ball"
            + " ! video/x-raw,width=320,height=240,framerate=30/1"
            + " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bframes=0"
            + " ! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96";
    private static final String TONE = " audiotestsrc is-live=true wave=sine freq=440";

    @TempDir
    Path dir;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void h264WithOpusIsPassedThroughAsItArrives() throws Exception {
        serve(9140, "", "", "( " + VIDEO + TONE + " ! opusenc ! rtpopuspay name=pay1 pt=97 )");
        RecordingSourceContext ctx = start(Map.of("source.url", "rtsp://127.0.0.1:9140/cam"));
        assertTrue(await(() -> ctx.video.size() >= 30 && ctx.audio.size() >= 50, 10_000),
                "video " + ctx.video.size() + ", audio " + ctx.audio.size() + " " + ctx.failures);
        List<Track> tracks = ctx.announced.get(ctx.announced.size() - 1);
        assertEquals(List.of(Codec.H264, Codec.OPUS), List.of(tracks.get(0).parameters().codec(),
                tracks.get(1).parameters().codec()));
        assertEquals(320, tracks.get(0).width());
        assertTrue(ctx.video.get(0).keyframe());
        assertEquals(7, ctx.video.get(0).parts().get(0).get(0) & 0x1f, "SPS in front of the keyframe");
        for (int i = 1; i < ctx.video.size(); i++) {
            EncodedUnit u = ctx.video.get(i);
            assertTrue(u.arrivalNanos() != 0, "socket arrival time recorded");
            long step = u.ptsMicros() - ctx.video.get(i - 1).ptsMicros();
            assertTrue(step > 30_000 && step < 37_000, "30 fps RTP clock: " + step);
        }
        for (int i = 1; i < ctx.audio.size(); i++) {
            assertEquals(Codec.OPUS, ctx.audio.get(i).codec());
            assertTrue(ctx.audio.get(i).arrivalNanos() != 0);
            assertEquals(20_000, ctx.audio.get(i).ptsMicros() - ctx.audio.get(i - 1).ptsMicros(), 1_000);
        }
        assertTrue(ctx.failures.isEmpty(), ctx.failures.toString());
    }

    @Test
    void aacAudioOverUdpIsTranscodedToOpus() throws Exception {
        serve(9142, "", "", "( " + VIDEO + TONE
                + " ! audio/x-raw,rate=44100,channels=2 ! avenc_aac ! rtpmp4gpay name=pay1 pt=97 )");
        RecordingSourceContext ctx = start(Map.of("source.url", "rtsp://127.0.0.1:9142/cam", "source.rtsp.transport",
                "udp"));
        assertTrue(await(() -> ctx.video.size() >= 30 && ctx.audio.size() >= 50, 10_000),
                "video " + ctx.video.size() + ", audio " + ctx.audio.size() + " " + ctx.failures);
        assertOpus(ctx);
        assertTrue(ctx.video.get(5).arrivalNanos() != 0);
    }

    @Test
    void g711AudioWithDigestCredentialsIsTranscodedToOpus() throws Exception {
        serve(9144, "digest:viewer", "d1gest-pass", "( " + VIDEO + TONE
                + " ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8 )");
        RecordingSourceContext denied = new RecordingSourceContext(Map.of("source.url", "rtsp://127.0.0.1:9144/cam",
                "source.username", "viewer", "source.password", "wrong-pass"));
        Exception e = assertThrows(IOException.class, () -> Factories.activated(new RtspSourceFactory()).create(denied).start());
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-pass"), e.getMessage());
        RecordingSourceContext ctx = start(Map.of("source.url", "rtsp://127.0.0.1:9144/cam", "source.username", "viewer",
                "source.password", "d1gest-pass"));
        assertTrue(await(() -> ctx.video.size() >= 30 && ctx.audio.size() >= 50, 10_000),
                "video " + ctx.video.size() + ", audio " + ctx.audio.size() + " " + ctx.failures);
        assertOpus(ctx);
    }

    @Test
    void bFramesAreHandedToFfmpegWhichDecodesThem() throws Exception {
        serve(9146, "", "", "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1"
                + " ! x264enc speed-preset=ultrafast key-int-max=30 bframes=2 b-adapt=false"
                + " ! video/x-h264,profile=main ! rtph264pay name=pay0 pt=96 )");
        RecordingSourceContext ctx = start(Map.of("source.url", "rtsp://127.0.0.1:9146/cam"));
        assertTrue(await(() -> ctx.frames.size() >= 10, 10_000),
                "pictures decoded by FFmpeg: " + ctx.frames.size() + " " + ctx.failures);
    }

    @Test
    void theFfmpegClientCanBeChosenAndKnowsNoArrivalTimes() throws Exception {
        serve(9148, "", "", "( " + VIDEO + " )");
        RecordingSourceContext ctx = start(Map.of("source.url", "rtsp://127.0.0.1:9148/cam", "source.rtsp.client",
                "ffmpeg"));
        assertTrue(await(() -> ctx.video.size() >= 10, 10_000), "units: " + ctx.video.size());
        assertEquals(0, ctx.video.get(5).arrivalNanos());
    }

    @Test
    void aMistypedClientIsRefusedWhenTheSourceIsCreated() {
        RecordingSourceContext ctx = new RecordingSourceContext(Map.of("source.url", "rtsp://127.0.0.1:9/cam",
                "source.rtsp.client", "gstreamer"));
        Exception e = assertThrows(IllegalArgumentException.class, () -> Factories.activated(new RtspSourceFactory()).create(ctx));
        assertTrue(e.getMessage().contains("source.rtsp.client"), e.getMessage());
    }

    private static void assertOpus(RecordingSourceContext ctx) {
        List<Track> tracks = ctx.announced.get(ctx.announced.size() - 1);
        assertEquals(Codec.OPUS, tracks.get(1).parameters().codec());
        for (int i = 1; i < ctx.audio.size(); i++) {
            assertEquals(Codec.OPUS, ctx.audio.get(i).codec());
            assertEquals(20_000, ctx.audio.get(i).ptsMicros() - ctx.audio.get(i - 1).ptsMicros(), "20 ms frames");
        }
    }

    private void serve(int port, String user, String password, String launch) throws Exception {
        cleanup.add(Producer.rtspServer(dir, port, user, password, launch));
    }

    private RecordingSourceContext start(Map<String, Object> config) throws Exception {
        Map<String, Object> c = new HashMap<>(config);
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            RecordingSourceContext ctx = new RecordingSourceContext(c);
            CaptureSource source = Factories.activated(new RtspSourceFactory()).create(ctx);
            try {
                source.start();
                cleanup.add(source::stop);
                return ctx;
            } catch (IOException e) {
                source.stop();
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
