package io.sightline.e2e;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The two streams the third-party WHEP client tests play, on the shared test server:
 * <ul>
 * <li>{@link #VIDEO_ONLY}: the demo test pattern, 720p30 H.264 from OpenH264 ({@code 42c01f}), no audio: a client
 * that offers audio gets that section rejected;</li>
 * <li>{@link #WITH_AUDIO}: a file made here by Debian's ffmpeg (x264 constrained baseline 640x360 30 fps,
 * {@code 42c01e}, 1 s GOP, and Opus stereo), played by the FFmpeg capture plugin ({@code source.type = file},
 * looped), passed through: H.264 and Opus as the file has them.</li>
 * </ul>
 */
final class InteropStreams {
    static final String VIDEO_ONLY = "demo";
    static final String WITH_AUDIO = "interop-av";

    private InteropStreams() {
    }

    /** Defines {@link #WITH_AUDIO} on {@code server} once, and waits until it is live. */
    static synchronized void ensureAudioStream(SightlineServer server) throws IOException, InterruptedException {
        Path home = server.home();
        Path cfg = home.resolve("etc/io.sightline.stream-" + WITH_AUDIO + ".cfg");
        if (!Files.exists(cfg)) {
            Path media = home.resolve("interop-av.mkv");
            Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-t", "20", "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-g", "30",
                    "-pix_fmt", "yuv420p", "-c:a", "libopus", "-b:a", "64k", "-ac", "2", "-f", "matroska",
                    media.toString()).redirectErrorStream(true).start();
            String out = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ffmpeg.waitFor(60, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
                throw new IllegalStateException("ffmpeg could not make the H.264 + Opus file: " + out);
            }
            Files.writeString(cfg, String.join("\n", "source.type = file", "source.url = " + media,
                    "mode = always-on", "access = public", ""), StandardCharsets.ISO_8859_1);
        }
        awaitLive(server, WITH_AUDIO, Duration.ofSeconds(60));
    }

    /** Both streams, for parameterized tests: name and whether it has audio. */
    static List<Object[]> both() {
        return List.of(new Object[] { VIDEO_ONLY, false }, new Object[] { WITH_AUDIO, true });
    }

    private static void awaitLive(SightlineServer server, String stream, Duration timeout)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Pattern live = Pattern.compile("\"" + Pattern.quote(stream) + "\":\\{[^}]*\"state\":\"live\"");
        Instant deadline = Instant.now().plus(timeout);
        String body = "";
        while (Instant.now().isBefore(deadline)) {
            body = http.send(HttpRequest.newBuilder(server.url("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (live.matcher(body).find()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("stream " + stream + " not live within " + timeout.toSeconds() + " s: " + body);
    }
}
