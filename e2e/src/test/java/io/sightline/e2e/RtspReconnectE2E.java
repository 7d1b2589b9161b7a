package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An RTSP camera behind the FFmpeg capture plugin, played in Chromium: the camera (GStreamer's RTSP server, 640x360
 * H.264 with a 2 s GOP) dies and comes back, the stream reconnects by itself, and the same player session decodes
 * pictures again without a new WHEP request.
 *
 * <p>The stream is defined by writing {@code etc/io.sightline.stream-rtspcam.cfg} into the running distribution
 * (fileinstall picks it up); the plugin's feature is installed through a features file in {@code deploy/} when the
 * distribution does not boot it.
 */
@ExtendWith(SightlineServerExtension.class)
class RtspReconnectE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();
    private static final String PYTHON = "/usr/bin/python3";
    private static final int RTSP_PORT = 9131;
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    /** Requests to the stream's WHEP resource (offers); the session URL's trickle PATCHes and stats GETs are not. */
    private static final String WHEP_POSTS = "return performance.getEntriesByType('resource')"
            + ".filter(e => new URL(e.name).pathname === '/whep/rtspcam').length;";
    private static final String SERVER_SCRIPT = String.join("\n",
            "import sys, gi",
            "gi.require_version('Gst', '1.0')",
            "gi.require_version('GstRtspServer', '1.0')",
            "from gi.repository import Gst, GstRtspServer, GLib",
            "Gst.init(None)",
            "server = GstRtspServer.RTSPServer()",
            "server.set_address('127.0.0.1')",
            "server.set_service(sys.argv[1])",
            "factory = GstRtspServer.RTSPMediaFactory()",
            "factory.set_launch('( videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,"
                    + "framerate=30/1 ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=60 bframes=0 "
                    + "! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 )')",
            "factory.set_shared(True)",
            "server.get_mount_points().add_factory('/cam', factory)",
            "server.attach(None)",
            "print('ready', flush=True)",
            "GLib.MainLoop().run()", "");
    private static SightlineServer server;
    private static Path workDir;
    private static Process camera;

    @BeforeAll
    static void cameraAndStream(SightlineServer running) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && new ProcessBuilder(PYTHON, "-c",
                "import gi; gi.require_version('GstRtspServer','1.0')").start().waitFor() == 0,
                "GStreamer RTSP server (python3-gi, gir1.2-gst-rtsp-server-1.0) is not installed");
        server = running;
        workDir = Files.createTempDirectory("sightline-e2e-rtsp");
        Files.writeString(workDir.resolve("rtsp_server.py"), SERVER_SCRIPT);
        camera = startCamera();
        Path home = server.home();
        if (!Files.readString(home.resolve("etc/org.apache.karaf.features.cfg")).contains("sightline-source-ffmpeg")) {
            Files.writeString(home.resolve("deploy/e2e-source-ffmpeg-features.xml"), String.join("\n",
                    "<features name=\"e2e-source-ffmpeg\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">",
                    "  <feature name=\"e2e-source-ffmpeg\" version=\"1.0.0\" install=\"auto\">",
                    "    <feature>sightline-source-ffmpeg</feature>",
                    "  </feature>",
                    "</features>", ""));
        }
        Files.writeString(home.resolve("etc/io.sightline.stream-rtspcam.cfg"), String.join("\n",
                "source.type = rtsp",
                "source.url = rtsp://127.0.0.1:" + RTSP_PORT + "/cam",
                "source.read.timeout.ms = 3000",
                "reconnect.initial.delay.ms = 300",
                "reconnect.max.delay.ms = 1000",
                "access = public",
                "video.codec = h264", ""));
    }

    @AfterAll
    static void stopCamera() throws Exception {
        if (camera != null) {
            camera.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            Files.deleteIfExists(server.home().resolve("etc/io.sightline.stream-rtspcam.cfg"));
        }
    }

    @Test
    void theSamePlayerSessionPlaysAgainAfterTheCameraRestarts() throws Exception {
        awaitStreamState("live", Duration.ofSeconds(60));
        browser.open(server.url("/play/rtspcam?stats=1"));
        Map<String, Object> live = browser.await(Duration.ofSeconds(20), "live with more than 30 decoded frames",
                RtspReconnectE2E::stats, s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 30);
        assertEquals(640.0, number(live, "width"), "picture from the camera: " + live);
        long posts = ((Number) browser.script(WHEP_POSTS)).longValue();
        assertTrue(posts >= 1, "the page's WHEP request is visible to the count");

        camera.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        Instant killed = Instant.now();
        awaitStreamState("reconnecting", Duration.ofSeconds(5));
        System.out.println("stream reconnecting " + Duration.between(killed, Instant.now()).toMillis()
                + " ms after the camera died");
        double before = number(stats(), "framesDecoded");
        camera = startCamera();
        Instant restarted = Instant.now();

        browser.await(Duration.ofSeconds(20), "decoding again (30 frames more than " + before + ")",
                RtspReconnectE2E::stats, s -> number(s, "framesDecoded") > before + 30);
        System.out.println("player decoding again " + Duration.between(restarted, Instant.now()).toMillis()
                + " ms after the camera came back: " + stats());
        System.out.println("WHEP requests by the page: " + posts);
        assertEquals(posts, ((Number) browser.script(WHEP_POSTS)).longValue(),
                "no new WHEP request: the player session survived the camera restart");
        browser.screenshot("RtspReconnectE2E-after-restart");
    }

    private static Process startCamera() throws IOException, InterruptedException {
        Path log = workDir.resolve("camera.log");
        Process p = new ProcessBuilder(PYTHON, workDir.resolve("rtsp_server.py").toString(),
                Integer.toString(RTSP_PORT)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline) && p.isAlive()) {
            if (Files.readString(log).contains("ready")) {
                return p;
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("RTSP server did not start: " + Files.readString(log));
    }

    private static void awaitStreamState(String state, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Pattern wanted = Pattern.compile("\"rtspcam\":\\{[^}]*\"state\":\"" + state + "\"");
        Instant deadline = Instant.now().plus(timeout);
        String body = "";
        while (Instant.now().isBefore(deadline)) {
            body = http.send(HttpRequest.newBuilder(server.url("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (wanted.matcher(body).find()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stream rtspcam not " + state + " within " + timeout.toSeconds() + " s: " + body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.script(STATS);
    }

    private static double number(Map<String, Object> stats, String key) {
        Object v = stats.get(key);
        return v instanceof Number n ? n.doubleValue() : -1;
    }
}
