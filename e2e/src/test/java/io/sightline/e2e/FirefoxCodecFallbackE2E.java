package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Codec fallback (issue 14 point 4): Debian's Firefox ESR has no H.264, and an H.264 camera used to answer it 406.
 * The camera here is a {@code source.type = file} stream looping an x264 clip made by the ffmpeg CLI at test time
 * (passed through, not re-encoded by the source); Firefox's offer lacks H.264, so the SFU serves it the stream's VP8
 * rendition, decoded once by the stream's shared decoder and encoded once. The page counts decoded frames.
 * A stream with {@code renditions = off} still answers such an offer 406.
 */
@ExtendWith(SightlineServerExtension.class)
class FirefoxCodecFallbackE2E {
    private static final Pattern NUMBER = Pattern.compile("\"%s\":(-?[0-9.eE+-]+)");
    private static final String CAMERA = "h264camera";
    private static final String FIXED = "h264fixed";
    private static SightlineServer server;

    @BeforeAll
    static void h264CameraStreams(SightlineServer running) throws Exception {
        server = running;
        Path home = server.home();
        Path clip = home.resolve("camera-h264.mp4");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=640x360:rate=30", "-t", "6", "-c:v", "libx264", "-profile:v", "baseline",
                "-bf", "0", "-g", "30", "-pix_fmt", "yuv420p", "-an", clip.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("ffmpeg.log").toFile()).start();
        assertTrue(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0,
                "ffmpeg made the clip: " + Files.readString(home.resolve("ffmpeg.log")));
        for (String name : new String[] {CAMERA, FIXED}) {
            Files.writeString(home.resolve("etc/io.sightline.stream-" + name + ".cfg"), String.join("\n",
                    "source.type = file", "source.url = " + clip, "source.loop = true", "access = public",
                    name.equals(FIXED) ? "renditions = off" : "renditions = 1280x720@1500, 320x180@150", ""),
                    StandardCharsets.ISO_8859_1);
        }
        awaitLive(CAMERA);
        awaitLive(FIXED);
    }

    @Test
    void firefoxPlaysAnH264CameraThroughTheVp8Rendition() throws Exception {
        String base = server.url("/").toString();
        String page = """
                <!doctype html><html><body>
                <sightline-player stream="%2$s" server="%1$s" style="width:640px"></sightline-player>
                <script type="module">
                  import '%1$splayer/sightline-player.js';
                  const player = document.querySelector('sightline-player');
                  setInterval(() => {
                    const s = player.stats() || { state: 'none' };
                    fetch('/report', { method: 'POST', body: JSON.stringify(s) });
                  }, 500);
                </script></body></html>""".formatted(base, CAMERA);
        try (HeadlessFirefox firefox = new HeadlessFirefox(page)) {
            long opened = System.nanoTime();
            firefox.open(firefox.pageUrl());
            String first = awaitReport(firefox, Duration.ofSeconds(45), r -> number(r, "framesDecoded") > 0);
            long firstFrameMs = (System.nanoTime() - opened) / 1_000_000;
            String report = awaitReport(firefox, Duration.ofSeconds(30),
                    r -> r.contains("\"state\":\"live\"") && number(r, "framesDecoded") > 90);
            System.out.println("firefox playing the H.264 camera (page open to first frame " + firstFrameMs
                    + " ms, first report " + first + "): " + report);
            assertTrue(report.contains("VP8"), "negotiated codec: " + report);
            assertEquals(640.0, number(report, "width"), "the top rung keeps the camera's 640x360: " + report);
            String log = Files.readString(server.home().resolve("data/log/karaf.log"));
            assertTrue(log.contains("Stream '" + CAMERA + "': passthrough tracks"), "the camera is passed through");
            assertTrue(log.contains("Stream '" + CAMERA + "': rendition vp8-1280x720@1500 started"),
                    "one VP8 rendition encodes for Firefox");
        }
    }

    @Test
    void withoutRenditionsAVp8OnlyOfferIsStill406() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.url("/whep/" + FIXED)).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(vp8OnlyOffer())).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(406, answer.statusCode(), answer.body());
    }

    /** The probe's browser-like offer without its H.264 payload type: what Firefox ESR offers here. */
    private static String vp8OnlyOffer() {
        String offer = WhepProbe.offer();
        return offer.replace(" 96 97 102\r\n", " 96 97\r\n").replace("a=rtpmap:102 H264/90000\r\n", "")
                .replaceAll("a=fmtp:102 [^\r]*\r\n", "");
    }

    private static void awaitLive(String stream) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> answer = WhepProbe.post(server, stream);
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 201) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(stream + " not served within 60 s; last answer: " + last);
    }

    private static String awaitReport(HeadlessFirefox firefox, Duration timeout, Predicate<String> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            String report = firefox.nextReport(Duration.ofSeconds(1));
            if (report != null) {
                last = report;
                if (done.test(report)) {
                    return report;
                }
            }
        }
        throw new AssertionError("Firefox did not get there within " + timeout.toSeconds() + " s; last report: " + last);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile(NUMBER.pattern().formatted(Pattern.quote(key))).matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
