package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * FFmpeg's own WHIP muxer as a publisher: the {@code ffmpeg} executable from JavaCV's FFmpeg 8.1.2 jar (Debian 12's
 * ffmpeg 5.1 has no WHIP muxer), unmodified, sends a 640x360 test picture in H.264 (OpenH264) and a tone in Opus to
 * {@code /whip/ffcam} with {@code -authorization}; a read-only token is refused (403, the stream stays idle); with a
 * publish token the stream goes live and the bundled player decodes the pictures; the process is stopped and the
 * stream goes {@code reconnecting}; a second ffmpeg publishes and the same player decodes again.
 */
@ExtendWith(SightlineServerExtension.class)
class FfmpegWhipPublisherE2E {
    @RegisterExtension
    static final HeadlessChromium viewer = new HeadlessChromium();
    private static final String STREAM = "ffcam";
    private static final String NATIVES = "org/bytedeco/ffmpeg/linux-x86_64/";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SightlineServer server;
    private static Path ffmpegDir;

    @BeforeAll
    static void whipStreamAndFfmpeg(SightlineServer running, @TempDir Path dir) throws Exception {
        server = running;
        assumeTrue(server.publishToken(STREAM).isPresent(), "the distribution has no JWT provider");
        ffmpegDir = unpackFfmpeg(dir);
        Process muxers = new ProcessBuilder(ffmpeg("-hide_banner", "-muxers")).redirectErrorStream(true).start();
        String list = new String(muxers.getInputStream().readAllBytes());
        muxers.waitFor(30, TimeUnit.SECONDS);
        assertTrue(list.contains(" whip "), "JavaCV's ffmpeg lists the WHIP muxer: " + list);
        Files.writeString(server.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                "source.type = whip", "access = token", "publish.reconnect.seconds = 60", ""));
        awaitState("idle", Duration.ofSeconds(30));
    }

    @AfterAll
    static void removeStream() throws Exception {
        if (server != null) {
            Files.deleteIfExists(server.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"));
        }
    }

    /** Copies the executable and its libraries out of the natives jar on the test class path. */
    private static Path unpackFfmpeg(Path dir) throws IOException {
        URL url = FfmpegWhipPublisherE2E.class.getClassLoader().getResource(NATIVES + "ffmpeg");
        if (url == null) {
            throw new IllegalStateException("no " + NATIVES + "ffmpeg on the class path (org.bytedeco:ffmpeg "
                    + "linux-x86_64)");
        }
        try (JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                if (entry.getName().startsWith(NATIVES) && !entry.isDirectory()) {
                    Path target = dir.resolve(entry.getName().substring(NATIVES.length()));
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        if (!dir.resolve("ffmpeg").toFile().setExecutable(true)) {
            throw new IllegalStateException("cannot make " + dir.resolve("ffmpeg") + " executable");
        }
        return dir;
    }

    private static List<String> ffmpeg(String... args) {
        List<String> command = new ArrayList<>(List.of(ffmpegDir.resolve("ffmpeg").toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** ffmpeg publishing a test picture and a tone until stopped; its output in {@code log}. */
    private static Process publish(String token, Path log) throws IOException {
        ProcessBuilder b = new ProcessBuilder(ffmpeg("-hide_banner", "-loglevel", "info", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libopenh264", "-b:v", "1M", "-g", "30", "-pix_fmt", "yuv420p",
                "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "64k",
                "-f", "whip", "-whip_flags", "dtls_active", "-authorization", token,
                server.url("/whip/" + STREAM).toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("LD_LIBRARY_PATH", ffmpegDir.toString());
        return b.start();
    }

    @Test
    void ffmpegPublishesAndThePlayerDecodes(@TempDir Path logs) throws Exception {
        Path refusedLog = logs.resolve("refused.log");
        Process refused = publish(server.readToken(STREAM).orElseThrow(), refusedLog);
        assertTrue(refused.waitFor(30, TimeUnit.SECONDS), "ffmpeg ends when its offer is refused");
        String refusal = Files.readString(refusedLog);
        assertTrue(refused.exitValue() != 0 && refusal.contains("403"), "a read-only token: " + refusal);
        awaitState("idle", Duration.ofSeconds(1));

        Path log = logs.resolve("publisher.log");
        Process publisher = publish(server.publishToken(STREAM).orElseThrow(), log);
        try {
            awaitState("live", Duration.ofSeconds(30));
            viewer.open(server.url("/play/" + STREAM + "?stats=1&token=" + server.readToken(STREAM).orElseThrow()));
            Map<String, Object> live = viewer.await(Duration.ofSeconds(30), "live with 30 decoded frames",
                    FfmpegWhipPublisherE2E::stats, s -> "live".equals(s.get("state"))
                            && HeadlessChromium.number(s, "framesDecoded") > 30);
            System.out.println("viewer of ffmpeg's publication: " + live);
            assertEquals(640.0, HeadlessChromium.number(live, "width"), "ffmpeg's picture: " + live);
            viewer.screenshot("FfmpegWhipPublisherE2E-viewer");
        } finally {
            publisher.destroy(); // SIGTERM: ffmpeg ends the session with DELETE
            if (!publisher.waitFor(10, TimeUnit.SECONDS)) {
                publisher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            System.out.println("ffmpeg output (tail): " + tail(Files.readString(log)));
        }
        awaitState("reconnecting", Duration.ofSeconds(40));
        double before = HeadlessChromium.number(stats(), "framesDecoded");

        // ffmpeg comes back (its DELETE ended the old session, so the new one is taken at once): the same player
        // decodes it.
        Process again = publish(server.publishToken(STREAM).orElseThrow(), logs.resolve("again.log"));
        try {
            awaitState("live", Duration.ofSeconds(30));
            Map<String, Object> decoding = viewer.await(Duration.ofSeconds(30), "decoding again (30 frames more than "
                    + before + ")", FfmpegWhipPublisherE2E::stats,
                    s -> HeadlessChromium.number(s, "framesDecoded") > before + 30);
            System.out.println("viewer decoding ffmpeg's second publication: " + decoding);
        } finally {
            again.destroy();
            if (!again.waitFor(10, TimeUnit.SECONDS)) {
                again.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String tail(String s) {
        return s.length() > 1500 ? s.substring(s.length() - 1500) : s;
    }

    private static void awaitState(String state, Duration timeout) throws Exception {
        Pattern wanted = Pattern.compile("\"" + STREAM + "\":\\{[^}]*\"state\":\"" + state + "\"");
        Instant deadline = Instant.now().plus(timeout);
        String body;
        do {
            body = HTTP.send(HttpRequest.newBuilder(server.url("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (wanted.matcher(body).find()) {
                return;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("stream " + STREAM + " not " + state + " within " + timeout.toMillis() + " ms: "
                + body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) viewer.script(STATS);
    }
}
