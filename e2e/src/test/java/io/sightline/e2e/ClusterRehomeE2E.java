package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Re-homing of a pull source (issue 19 point 5, decision 0040), with two real distributions on loopback and a real
 * RTSP camera (GStreamer's RTSP server, as in {@link RtspReconnectE2E}): the camera is defined on node-a only; node-a
 * is killed with SIGKILL; node-b defines the stream itself and a player on node-b decodes the camera's pictures.
 * Prints the time from the kill to the failure detection, to the stream live on node-b and to the first decoded
 * picture there. Then node-a comes back with its old stream file: it removes its copy and the camera stays on node-b.
 * The camera's password crosses the member link but appears in no log.
 */
class ClusterRehomeE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    private static final String PYTHON = "/usr/bin/python3";
    private static final String SECRET = "e2e-cam-secret-42";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final Pattern MEMBERS = Pattern.compile("\"membership\":\\{[^}]*\"members\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Process camera;

    @AfterEach
    void stopCamera() throws InterruptedException {
        if (camera != null) {
            camera.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCameraOfAKilledNodeIsLiveOnTheSurvivorAndStaysThereWhenTheNodeComesBack() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && new ProcessBuilder(PYTHON, "-c",
                "import gi; gi.require_version('GstRtspServer','1.0')").start().waitFor() == 0,
                "GStreamer RTSP server (python3-gi, gir1.2-gst-rtsp-server-1.0) is not installed");
        Path distribution = Path.of(SightlineServerExtension.property("sightline.distribution"));
        String workDir = SightlineServerExtension.property("e2e.workDir");
        int rtspPort = SightlineServer.freePort();
        camera = startCamera(Path.of(workDir + "-rehome-camera"), rtspPort);
        int portA = SightlineServer.freePort();
        int portB = SightlineServer.freePort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        String streamFile = String.join("\n", "source.type = rtsp",
                "source.url = rtsp://127.0.0.1:" + rtspPort + "/cam", "source.username = viewer",
                "source.password = " + SECRET, "source.read.timeout.ms = 3000", "reconnect.initial.delay.ms = 300",
                "reconnect.max.delay.ms = 1000", "access = public", "video.codec = h264", "");

        SightlineServer a = SightlineServer.start(distribution, Path.of(workDir + "-rehome-a"), home -> {
            Files.writeString(home.resolve("etc/io.sightline.stream-door.cfg"), streamFile);
            clusterMember(home, "node-a", portA, members);
        });
        try (SightlineServer b = SightlineServer.start(distribution, Path.of(workDir + "-rehome-b"), home -> {
            clusterMember(home, "node-b", portB, members);
            Files.writeString(home.resolve("etc/users.properties"), "\nrehomeadmin = rehome-e2e-pw,_g_:admingroup\n"
                    + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n", StandardOpenOption.APPEND);
        })) {
            try (a) {
                awaitHealth(a, body -> members(body) == 2 && streamState(body, "door").equals("live")
                        && body.contains("\"origins\":{\"door\":\"node-a\"}"), Duration.ofSeconds(120),
                        "node-a: two members, door live and announced as read by node-a");
                awaitHealth(b, body -> body.contains("\"origins\":{\"door\":\"node-a\"}"), Duration.ofSeconds(30),
                        "node-b to see node-a as door's origin");
                assertEquals("", streamState(health(b), "door"), "node-b does not read the camera yet");

                long killed = System.nanoTime();
                a.kill();
                long detected = -1;
                long live = -1;
                String body = "";
                while ((detected < 0 || live < 0) && System.nanoTime() - killed < Duration.ofSeconds(60).toNanos()) {
                    body = health(b);
                    if (detected < 0 && members(body) == 1) {
                        detected = System.nanoTime();
                    }
                    if (live < 0 && streamState(body, "door").equals("live")) {
                        live = System.nanoTime();
                    }
                    Thread.sleep(50);
                }
                assertTrue(detected > 0 && live > 0, "node-a's failure detected and door live on node-b: " + body
                        + "; log " + b.home().resolve("data/log/karaf.log"));
                browser.open(b.url("/play/door?stats=1"));
                Map<String, Object> stats = browser.await(Duration.ofSeconds(30), "decoding door on node-b",
                        ClusterRehomeE2E::stats, s -> HeadlessChromium.number(s, "framesDecoded") > 0);
                long picture = System.nanoTime();
                assertEquals(640.0, HeadlessChromium.number(stats, "width"), "the camera's picture: " + stats);
                System.out.printf("rehome: kill -9 node-a -> detected by node-b %d ms, door live on node-b %d ms "
                        + "(%d ms after detection), first decoded picture on node-b %d ms (player opened at live)%n",
                        ms(detected - killed), ms(live - killed), ms(live - detected), ms(picture - killed));
                assertTrue(live - detected <= Duration.ofSeconds(10).toNanos(),
                        "live on node-b within 10 s of the failure detection");
                String origins = awaitHealth(b, h -> h.contains("\"origins\":{\"door\":\"node-b\"}"),
                        Duration.ofSeconds(10), "node-b listed as door's origin");
                assertTrue(Files.readString(b.home().resolve("etc/io.sightline.stream-door.cfg"))
                        .contains("source.password = " + SECRET), "node-b's file has the camera's credentials");
                assertTrue(origins.contains("\"members\":1"), origins);
                String api = HTTP.send(HttpRequest.newBuilder(b.url("/api/cluster")).header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString("rehomeadmin:rehome-e2e-pw".getBytes(StandardCharsets.UTF_8)))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(api.contains("\"origins\":[{") && api.contains("\"stream\":\"door\"")
                        && api.contains("\"node\":\"node-b\"") && api.contains("\"rehomedFrom\":[\"node-a\"]"),
                        "the admin API lists where door is read and where it came from: " + api);
                assertFalse(api.contains(SECRET), api);
            }

            // node-a comes back with the file it had: it must leave the camera to node-b.
            try (SightlineServer back = SightlineServer.start(distribution, Path.of(workDir + "-rehome-a2"), home -> {
                Files.writeString(home.resolve("etc/io.sightline.stream-door.cfg"), streamFile);
                clusterMember(home, "node-a", portA, members);
            })) {
                long started = System.nanoTime();
                awaitHealth(back, h -> members(h) == 2 && streamState(h, "door").isEmpty(), Duration.ofSeconds(60),
                        "the returning node-a to remove its copy of door");
                System.out.printf("rehome: the returning node-a removed its stale copy %d ms after it answered%n",
                        ms(System.nanoTime() - started));
                assertFalse(Files.exists(back.home().resolve("etc/io.sightline.stream-door.cfg")));
                Thread.sleep(3000); // a few publish intervals: nothing moves back
                String bHealth = health(b);
                assertEquals("live", streamState(bHealth, "door"), bHealth);
                assertTrue(bHealth.contains("\"origins\":{\"door\":\"node-b\"}"), bHealth);
                assertEquals("", streamState(health(back), "door"));
                double before = HeadlessChromium.number(stats(), "framesDecoded");
                browser.await(Duration.ofSeconds(10), "still decoding on node-b", ClusterRehomeE2E::stats,
                        s -> HeadlessChromium.number(s, "framesDecoded") > before + 30);
                browser.screenshot("ClusterRehomeE2E-door-on-node-b");
                for (Path log : new Path[] {a.home(), b.home(), back.home()}) {
                    String text = Files.readString(log.resolve("data/log/karaf.log"), StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains(SECRET), "the camera's password is in " + log);
                    assertTrue(log == a.home() || text.contains("Cluster"), "cluster lines are logged in " + log);
                }
            }
        }
    }

    /** The cluster settings, the feature through deploy/ (and the FFmpeg sources if they are not booted). */
    static void clusterMember(Path home, String name, int port, String members) throws IOException {
        Files.writeString(home.resolve("etc/io.sightline.cluster.cfg"), String.join("\n",
                "node.name = " + name, "members = " + members, "bind.address = 127.0.0.1", "port = " + port,
                "failure.detection.seconds = 5", "publish.interval.seconds = 1", ""));
        boolean ffmpegBooted = Files.readString(home.resolve("etc/org.apache.karaf.features.cfg"))
                .contains("sightline-source-ffmpeg");
        Files.writeString(home.resolve("deploy/sightline-rehome-e2e.xml"), String.join("\n",
                "<features name=\"sightline-rehome-e2e\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">",
                "  <feature name=\"sightline-rehome-e2e\" install=\"auto\"><feature>sightline-cluster</feature>",
                ffmpegBooted ? "" : "    <feature>sightline-source-ffmpeg</feature>",
                "  </feature>", "</features>", ""));
    }

    static Process startCamera(Path dir, int port) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rtsp_server.py"), String.join("\n",
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
                        + "framerate=30/1 ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bframes=0 "
                        + "! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 )')",
                "factory.set_shared(True)",
                "server.get_mount_points().add_factory('/cam', factory)",
                "server.attach(None)",
                "print('ready', flush=True)",
                "GLib.MainLoop().run()", ""));
        Path log = dir.resolve("camera.log");
        Process p = new ProcessBuilder(PYTHON, dir.resolve("rtsp_server.py").toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.readString(log).contains("ready")) {
                return p;
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("RTSP server did not start: " + Files.readString(log));
    }

    static String health(SightlineServer server) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(server.url("/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return ""; // a slow answer on a loaded machine is not a failure
        }
    }

    static String awaitHealth(SightlineServer server, Predicate<String> ready, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = health(server);
            if (ready.test(body)) {
                return body;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last /health: " + body
                + "; log: " + server.home().resolve("data/log/karaf.log"));
    }

    /** The state the stream's health entry reports, or empty when the node does not define the stream. */
    static String streamState(String health, String stream) {
        Matcher m = Pattern.compile("\"" + stream + "\":\\{[^}]*\"state\":\"([a-z]+)\"").matcher(health);
        return m.find() ? m.group(1) : "";
    }

    static int members(String health) {
        Matcher m = MEMBERS.matcher(health);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.script(STATS);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
