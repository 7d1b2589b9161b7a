package io.sightline.source.ffmpeg.internal;

import static io.sightline.testing.RecordingSourceContext.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.stream.Track;
import io.sightline.testing.RecordingSourceContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFmpeg sources against real producers started by the test (ffmpeg, GStreamer's RTSP server). Ports come from
 * the 9110-9139 range.
 */
class FfmpegSourceTest {
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
    void rtspOverTcpIsPassedThroughWithParameterSetsBeforeEveryKeyframe() throws Exception {
        cleanup.add(Producer.rtspServer(dir, 9110));
        RecordingSourceContext ctx = start(Factories.activated(new RtspSourceFactory()), Map.of("source.url", "rtsp://127.0.0.1:9110/cam"));
        assertTrue(await(() -> ctx.video.size() >= 75, 10_000), "units: " + ctx.video.size());
        Track video = ctx.announced.get(0).get(0);
        assertEquals(Codec.H264, video.parameters().codec());
        assertEquals(320, video.width());
        assertEquals(240, video.height());
        assertTrue(video.parameters().fmtp("profile-level-id").startsWith("42"),
                "Baseline profile_idc read from the SPS: " + video.parameters());
        assertKeyframesCarryParameterSets(ctx.video);
        assertIncreasingPts(ctx.video);
        assertTrue(ctx.video.stream().filter(EncodedUnit::keyframe).count() >= 2, "a keyframe every 2 s");
        assertTrue(ctx.frames.isEmpty(), "passthrough must not decode");
    }

    @Test
    void rtspCredentialsAreSentButNeverShown() throws Exception {
        cleanup.add(Producer.rtspServer(dir, 9126, "viewer", "p@ss:w/rd"));
        RecordingSourceContext denied = new RecordingSourceContext(Map.of("source.url", "rtsp://127.0.0.1:9126/cam",
                "source.username", "viewer", "source.password", "wrong-pass"));
        Exception e = assertThrows(Exception.class, () -> Factories.activated(new RtspSourceFactory()).create(denied).start());
        assertFalse(e.getMessage().contains("wrong-pass"), e.getMessage());
        System.out.println("wrong password: " + e.getMessage());
        RecordingSourceContext ctx = start(Factories.activated(new RtspSourceFactory()), Map.of("source.url", "rtsp://127.0.0.1:9126/cam",
                "source.username", "viewer", "source.password", "p@ss:w/rd"));
        assertTrue(await(() -> ctx.video.size() >= 10, 10_000), "units: " + ctx.video.size());
    }

    @Test
    void stopDuringABlockedReadIsPromptAndReportsNothing() throws Exception {
        Producer server = Producer.rtspServer(dir, 9128);
        cleanup.add(server);
        RecordingSourceContext ctx = new RecordingSourceContext(Map.of("source.url", "rtsp://127.0.0.1:9128/cam"));
        CaptureSource source = Factories.activated(new RtspSourceFactory()).create(ctx);
        source.start();
        assertTrue(await(() -> ctx.video.size() >= 5, 10_000));
        server.freeze();
        Thread.sleep(300); // the reader is now waiting inside av_read_frame
        long t0 = System.nanoTime();
        source.stop();
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(took < 1000, "stop() took " + took + " ms");
        // stop() joined the reader: with it ended, no failure can come later, so there is nothing to wait for.
        assertTrue(ctx.callersEnded(), "the reader thread ended within stop()");
        assertTrue(ctx.failures.isEmpty(), "a stopped source reports no failure: " + ctx.failures);
    }

    @Test
    void rtspOverUdp() throws Exception {
        cleanup.add(Producer.rtspServer(dir, 9112));
        RecordingSourceContext ctx = start(Factories.activated(new RtspSourceFactory()),
                Map.of("source.url", "rtsp://127.0.0.1:9112/cam", "source.rtsp.transport", "udp"));
        assertTrue(await(() -> ctx.video.size() >= 30, 10_000), "units: " + ctx.video.size());
        assertKeyframesCarryParameterSets(ctx.video);
        assertIncreasingPts(ctx.video);
    }

    @Test
    void deadRtspServerIsReportedAndANewSourceRecoversWhenItIsBack() throws Exception {
        Producer server = Producer.rtspServer(dir, 9114);
        Map<String, Object> config = Map.of("source.url", "rtsp://127.0.0.1:9114/cam", "source.read.timeout.ms",
                "3000");
        RecordingSourceContext ctx = start(Factories.activated(new RtspSourceFactory()), config);
        assertTrue(await(() -> ctx.video.size() >= 10, 10_000));
        long killed = System.nanoTime();
        server.close();
        assertTrue(await(() -> !ctx.failures.isEmpty(), 5_000), "failed() within 5 s of the server dying");
        System.out.printf("RTSP server death noticed after %d ms: %s%n", (ctx.failedAtNanos - killed) / 1_000_000,
                ctx.failures);

        cleanup.add(Producer.rtspServer(dir, 9114));
        RecordingSourceContext again = start(Factories.activated(new RtspSourceFactory()), config);
        assertTrue(await(() -> again.video.size() >= 10, 10_000), "frames again after the restart");
        assertTrue(again.video.get(0).keyframe());
    }

    @Test
    void frozenRtspServerOverUdpIsReportedWithinTheReadTimeout() throws Exception {
        Producer server = Producer.rtspServer(dir, 9124);
        cleanup.add(server);
        RecordingSourceContext ctx = start(Factories.activated(new RtspSourceFactory()), Map.of("source.url", "rtsp://127.0.0.1:9124/cam",
                "source.rtsp.transport", "udp", "source.read.timeout.ms", "2000"));
        assertTrue(await(() -> ctx.video.size() >= 10, 10_000));
        long frozen = System.nanoTime();
        server.freeze(); // a hung camera: sockets stay open, nothing arrives
        assertTrue(await(() -> !ctx.failures.isEmpty(), 5_000), "failed() within 5 s of the server hanging");
        long after = (ctx.failedAtNanos - frozen) / 1_000_000;
        System.out.printf("RTSP/UDP server hang noticed after %d ms: %s%n", after, ctx.failures);
        assertTrue(after >= 1500, "by the 2 s read timeout, not by an end of stream: " + after);
        assertTrue(ctx.failures.get(0).contains("no data for 2000 ms"), ctx.failures.toString());
    }

    @Test
    void silentServerTimesOutAndStopIsPrompt() throws Exception {
        ServerSocket silent = new ServerSocket(9116, 5, InetAddress.getLoopbackAddress());
        cleanup.add(silent);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // accept, then never answer
                }
            } catch (IOException e) {
                // closed
            }
        });
        acceptor.start();
        CaptureSource source = Factories.activated(new RtspSourceFactory()).create(new RecordingSourceContext(Map.of("source.url",
                "rtsp://127.0.0.1:9116/cam", "source.open.timeout.ms", "1500", "source.read.timeout.ms", "1500")));
        long t0 = System.nanoTime();
        Exception e = assertThrows(Exception.class, source::start);
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(took < 4000, "open gave up after " + took + " ms: " + e.getMessage());
        t0 = System.nanoTime();
        source.stop();
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 500);
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void rtmpWithAacAudioGivesH264UnitsAndOpusUnits() throws Exception {
        cleanup.add(Producer.ffmpeg(dir.resolve("rtmp.log"), "-re", "-f", "lavfi", "-i",
                "testsrc=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "60", "-bf", "0",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "flv", "-listen", "1",
                "rtmp://127.0.0.1:9118/live/x"));
        RecordingSourceContext ctx = start(Factories.activated(new RtmpSourceFactory()), Map.of("source.url", "rtmp://127.0.0.1:9118/live/x"));
        assertTrue(await(() -> ctx.video.size() >= 30 && ctx.audio.size() >= 50, 10_000),
                "video " + ctx.video.size() + ", audio " + ctx.audio.size());
        List<Track> tracks = ctx.announced.get(ctx.announced.size() - 1);
        assertEquals(2, tracks.size(), tracks.toString());
        Track audioTrack = tracks.get(1);
        assertEquals(Codec.OPUS, audioTrack.parameters().codec());
        assertEquals(Track.AUDIO, audioTrack.id());
        assertKeyframesCarryParameterSets(ctx.video);
        assertTrue(ctx.video.get(5).arrivalNanos() != 0, "RTMP pictures carry the time FFmpeg handed them out");
        for (int i = 1; i < ctx.audio.size(); i++) {
            EncodedUnit a = ctx.audio.get(i);
            assertEquals(Codec.OPUS, a.codec());
            assertEquals(20_000, a.ptsMicros() - ctx.audio.get(i - 1).ptsMicros(), "20 ms Opus frames");
            assertTrue(a.size() > 2 && a.size() < 1500);
        }
    }

    @Test
    void srtCallerReceivesMpegTs() throws Exception {
        cleanup.add(Producer.ffmpeg(dir.resolve("srt.log"), "-re", "-f", "lavfi", "-i",
                "testsrc=size=320x240:rate=30", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-g", "60", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "mpegts",
                "srt://127.0.0.1:9120?mode=listener"));
        RecordingSourceContext ctx = start(Factories.activated(new SrtSourceFactory()), Map.of("source.url", "srt://127.0.0.1:9120?mode=caller"));
        assertTrue(await(() -> ctx.video.size() >= 30, 10_000), "units: " + ctx.video.size());
        assertEquals(320, ctx.announced.get(0).get(0).width());
        assertKeyframesCarryParameterSets(ctx.video);
    }

    @Test
    void httpPassthroughDeliversTheSourceNalUnitsUnchanged() throws Exception {
        Path h264 = dir.resolve("in.h264");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=4", "-c:v", "libx264",
                "-preset", "ultrafast", "-g", "60", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "h264", h264.toString());
        List<byte[]> expected = new ArrayList<>();
        for (byte[] nal : annexB(Files.readAllBytes(h264))) {
            int type = nal[0] & 0x1f;
            if (type == 1 || type == 5) {
                expected.add(nal);
            }
        }
        cleanup.add(Producer.ffmpeg(dir.resolve("http.log"), "-re", "-framerate", "30", "-f", "h264", "-i",
                h264.toString(), "-c", "copy", "-f", "mpegts", "-listen", "1", "http://127.0.0.1:9122/live.ts"));
        RecordingSourceContext ctx = start(Factories.activated(new HttpSourceFactory()), Map.of("source.url", "http://127.0.0.1:9122/live.ts"));
        assertTrue(await(() -> ctx.video.size() >= 90, 10_000), "units: " + ctx.video.size());
        List<byte[]> received = new ArrayList<>();
        for (EncodedUnit u : ctx.video) {
            for (ByteBuffer part : u.parts()) {
                byte[] b = new byte[part.remaining()];
                part.duplicate().get(b);
                int type = b[0] & 0x1f;
                assertTrue(type != 9, "access unit delimiters are dropped");
                if (type == 1 || type == 5) {
                    received.add(b);
                }
            }
        }
        assertTrue(received.size() >= 90);
        for (int i = 0; i < received.size(); i++) {
            assertTrue(java.util.Arrays.equals(expected.get(i), received.get(i)), "slice NAL " + i + " differs");
        }
    }

    @Test
    void httpMjpegCameraIsDecodedToPictures() throws Exception {
        // What many IP cameras serve: multipart/x-mixed-replace JPEG pictures over HTTP.
        cleanup.add(Producer.ffmpeg(dir.resolve("mjpeg-http.log"), "-re", "-f", "lavfi", "-i",
                "testsrc=size=320x240:rate=15", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", "5", "-f", "mpjpeg",
                "-listen", "1", "http://127.0.0.1:9130/cam.mjpg"));
        RecordingSourceContext ctx = start(Factories.activated(new HttpSourceFactory()), Map.of("source.url", "http://127.0.0.1:9130/cam.mjpg"));
        assertTrue(await(() -> ctx.frames.size() >= 15, 10_000), "frames " + ctx.frames.size() + " " + ctx.failures);
        assertTrue(ctx.video.isEmpty(), "MJPEG is never passed through");
        assertEquals(320, ctx.frames.get(0).width());
        assertEquals(240, ctx.frames.get(0).height());
        int luma = ctx.frames.get(5).data()[320 * 120 + 160] & 0xff;
        assertTrue(luma > 0, "a decoded picture, not an empty buffer");
    }

    @Test
    void httpHlsPlaylistIsPassedThrough() throws Exception {
        Path hls = Files.createDirectories(dir.resolve("hls"));
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=6", "-c:v", "libx264",
                "-preset", "ultrafast", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "hls", "-hls_time", "1",
                "-hls_list_size", "0", "-hls_playlist_type", "vod", hls.resolve("index.m3u8").toString());
        cleanup.add(Producer.httpFileServer(hls, 9132, dir.resolve("hls-http.log")));
        RecordingSourceContext ctx = start(Factories.activated(new HttpSourceFactory()),
                Map.of("source.url", "http://127.0.0.1:9132/index.m3u8"));
        assertTrue(await(() -> ctx.video.size() >= 30, 10_000), "units " + ctx.video.size() + " " + ctx.failures);
        assertEquals(320, ctx.announced.get(0).get(0).width());
        assertKeyframesCarryParameterSets(ctx.video);
    }

    @Test
    void fileLoopsAtRealTime() throws Exception {
        Path mp4 = dir.resolve("clip.mp4");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=1", "-c:v", "libx264",
                "-preset", "ultrafast", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p", mp4.toString());
        long started = System.nanoTime();
        RecordingSourceContext ctx = start(Factories.activated(new FileSourceFactory()), Map.of("source.url", mp4.toString()));
        assertTrue(await(() -> ctx.video.size() >= 45, 10_000), "past the loop point: " + ctx.video.size());
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        List<EncodedUnit> units = List.copyOf(ctx.video);
        long mediaMs = (units.get(44).ptsMicros() - units.get(0).ptsMicros()) / 1000;
        // Real time means never ahead of the clock: one-sided, so a loaded machine (which only delays) cannot fail it,
        // while a reader that ran through the file as fast as it decodes would (45 units in a few ms).
        assertTrue(mediaMs >= 1400 && elapsedMs >= mediaMs - 100, "45 units spanning " + mediaMs
                + " ms of media arrived after " + elapsedMs + " ms");
        assertIncreasingPts(ctx.video);
        assertTrue(ctx.video.stream().filter(EncodedUnit::keyframe).count() >= 2, "looped back to the keyframe");
        assertTrue(ctx.failures.isEmpty(), ctx.failures.toString());
    }

    @Test
    void bFrameH264IsDecodedToRawPicturesIdenticalToFfmpegs() throws Exception {
        Path mp4 = dir.resolve("bframes.mp4");
        // 322x242: rows are padded in the decoder's buffers, so the plane copy must drop the padding.
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=322x242:rate=30:duration=2", "-c:v", "libx264",
                "-preset", "ultrafast", "-profile:v", "high", "-bf", "2", "-g", "30", "-pix_fmt", "yuv420p",
                mp4.toString());
        Path firstPicture = dir.resolve("first.yuv");
        Producer.ffmpegNow("-i", mp4.toString(), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                firstPicture.toString());
        RecordingSourceContext ctx = start(Factories.activated(new FileSourceFactory()), Map.of("source.url", mp4.toString()));
        assertTrue(await(() -> ctx.frames.size() >= 20, 5_000), "frames: " + ctx.frames.size());
        assertTrue(ctx.video.isEmpty(), "B-frame H.264 must not be passed through");
        assertTrue(ctx.announced.get(0).stream().noneMatch(t -> t.kind() == MediaKind.VIDEO),
                "a raw-picture source announces no video track");
        RawVideoFrame f = ctx.frames.get(0);
        assertEquals(322, f.width());
        assertEquals(242, f.height());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(firstPicture), f.data()),
                "the first picture equals ffmpeg's own decode, byte for byte");
        assertIncreasingFramePts(ctx.frames);
    }

    @Test
    void mjpegWithG711AudioIsDecodedAndTheAudioBecomesOpus() throws Exception {
        Path mkv = dir.resolve("mjpeg.mkv");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=2", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=8000:duration=2", "-c:v", "mjpeg", "-pix_fmt", "yuvj422p", "-c:a",
                "pcm_mulaw", mkv.toString());
        RecordingSourceContext ctx = start(Factories.activated(new FileSourceFactory()), Map.of("source.url", mkv.toString()));
        assertTrue(await(() -> ctx.frames.size() >= 20 && ctx.audio.size() >= 30, 5_000),
                "frames " + ctx.frames.size() + ", audio " + ctx.audio.size() + " " + ctx.failures);
        assertEquals(List.of(Codec.OPUS), ctx.announced.get(0).stream().map(t -> t.parameters().codec()).toList());
        assertEquals(null, ctx.announced.get(0).get(0).parameters().fmtp("stereo"), "mono stays mono");
        int luma = ctx.frames.get(5).data()[320 * 120 + 160] & 0xff;
        assertTrue(luma > 0, "a decoded picture, not an empty buffer");
    }

    @Test
    void passthroughNeverDecodesH264Too() throws Exception {
        Path mp4 = dir.resolve("never.mp4");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=1", "-c:v", "libx264",
                "-preset", "ultrafast", "-bf", "0", "-pix_fmt", "yuv420p", mp4.toString());
        RecordingSourceContext ctx = start(Factories.activated(new FileSourceFactory()), Map.of("source.url", mp4.toString(),
                "source.passthrough", "never", "source.loop", "false"));
        assertTrue(await(() -> !ctx.failures.isEmpty(), 5_000), "a file that does not loop ends");
        assertEquals("input ended", ctx.failures.get(0));
        assertTrue(ctx.frames.size() >= 28, "frames: " + ctx.frames.size());
        assertTrue(ctx.video.isEmpty());
    }

    @Test
    void h265InMp4IsDecodedThroughTheDecoderPluginIdenticalToFfmpegs() throws Exception {
        // MP4 keeps H.265's parameter sets out of band (hvcC): the source must hand them to the decoder plugin.
        Path mp4 = dir.resolve("hevc.mp4");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2", "-c:v", "libx265",
                "-preset", "ultrafast", "-x265-params", "log-level=error:bframes=0", "-pix_fmt", "yuv420p",
                mp4.toString());
        Path firstPicture = dir.resolve("hevc-first.yuv");
        Producer.ffmpegNow("-i", mp4.toString(), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                firstPicture.toString());
        RecordingSourceContext ctx = start(Factories.activated(new FileSourceFactory()), Map.of("source.url", mp4.toString()));
        assertTrue(await(() -> ctx.frames.size() >= 10, 5_000), "frames: " + ctx.frames.size() + " " + ctx.failures);
        assertTrue(ctx.video.isEmpty(), "H.265 is never passed through");
        RawVideoFrame f = ctx.frames.get(0);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(firstPicture), f.data()),
                "the first picture equals ffmpeg's own decode, byte for byte");
        assertEquals(25, f.frameRate(), 0.01, "pictures carry the input's rate, so the stream encodes at 25 fps");
        assertIncreasingFramePts(ctx.frames);
    }

    @Test
    void withoutADecoderPluginTheSourceFailsNamingTheMissingDecoder() throws Exception {
        Path mkv = dir.resolve("mjpeg-only.mkv");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1", "-c:v", "mjpeg",
                "-pix_fmt", "yuvj420p", mkv.toString());
        RecordingSourceContext ctx = new RecordingSourceContext(new HashMap<>(Map.of("source.url", mkv.toString())));
        CaptureSource source = Factories.withoutDecoders(new FileSourceFactory()).create(ctx);
        IOException e = assertThrows(IOException.class, source::start);
        source.stop();
        assertEquals("no mjpeg decoder is installed (feature sightline-codec-ffmpeg)", e.getMessage());
        assertTrue(ctx.frames.isEmpty());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Creates and starts a source, retrying while the producer is not listening yet. */
    private RecordingSourceContext start(CaptureSourceFactory factory, Map<String, Object> config) throws Exception {
        Map<String, Object> c = new HashMap<>(config);
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            RecordingSourceContext ctx = new RecordingSourceContext(c);
            CaptureSource source = factory.create(ctx);
            try {
                long t0 = System.nanoTime();
                source.start();
                cleanup.add(source::stop);
                await(() -> !ctx.video.isEmpty() || !ctx.frames.isEmpty() || !ctx.audio.isEmpty(), 5000);
                System.out.printf("%s: first media %d ms after start()%n", c.get("source.url"),
                        (System.nanoTime() - t0) / 1_000_000);
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

    private static void assertKeyframesCarryParameterSets(List<EncodedUnit> units) {
        assertTrue(units.get(0).keyframe(), "the first unit is a keyframe");
        for (EncodedUnit u : units) {
            int first = u.parts().get(0).get(0) & 0x1f;
            if (u.keyframe()) {
                assertEquals(7, first, "SPS first in a keyframe");
                assertEquals(8, u.parts().get(1).get(0) & 0x1f, "PPS second in a keyframe");
            }
            for (ByteBuffer part : u.parts()) {
                assertFalse(part.remaining() >= 3 && part.get(0) == 0 && part.get(1) == 0, "no start codes");
                assertTrue((part.get(0) & 0x1f) != 9, "no AUD");
            }
        }
    }

    private static void assertIncreasingPts(List<EncodedUnit> units) {
        for (int i = 1; i < units.size(); i++) {
            assertTrue(units.get(i).ptsMicros() > units.get(i - 1).ptsMicros(), "pts increase at " + i);
        }
    }

    private static void assertIncreasingFramePts(List<RawVideoFrame> frames) {
        for (int i = 1; i < frames.size(); i++) {
            assertTrue(frames.get(i).ptsMicros() > frames.get(i - 1).ptsMicros(), "pts increase at " + i);
        }
    }

    /** An independent Annex B splitter for the expected side of the comparison. */
    static List<byte[]> annexB(byte[] s) {
        List<Integer> starts = new ArrayList<>();
        List<Integer> codeStarts = new ArrayList<>();
        for (int i = 0; i + 2 < s.length; i++) {
            if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
                codeStarts.add(i > 0 && s[i - 1] == 0 ? i - 1 : i);
                starts.add(i + 3);
                i += 2;
            }
        }
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) {
            int end = k + 1 < starts.size() ? codeStarts.get(k + 1) : s.length;
            out.add(java.util.Arrays.copyOfRange(s, starts.get(k), end));
        }
        return out;
    }
}
