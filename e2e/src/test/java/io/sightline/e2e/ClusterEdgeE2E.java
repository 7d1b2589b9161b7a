package io.sightline.e2e;

import static io.sightline.e2e.ClusterRehomeE2E.awaitHealth;
import static io.sightline.e2e.ClusterRehomeE2E.health;
import static io.sightline.e2e.ClusterRehomeE2E.members;
import static io.sightline.e2e.ClusterRehomeE2E.streamState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The automatic edge relay (issue 19 point 3, decision 0045) with three real distributions on loopback and a real
 * RTSP camera (GStreamer) defined on node-a only, {@code access = token}:
 * <ol>
 * <li>callers without a valid credential for the camera get 401/403 from node-c and no relay starts there;</li>
 * <li>a Chromium player and 20 node-datachannel viewers with a token play the camera from node-c: node-a serves one
 * session (node-c's relay) and node-c counts one relay;</li>
 * <li>node-a is killed with SIGKILL: the camera is re-homed to node-b, node-c's relay re-pulls from node-b, and the
 * 21 viewers receive and decode again on the sessions they had (times printed);</li>
 * <li>the viewers leave: node-c removes the relay after {@code relay.idle.seconds}.</li>
 * </ol>
 */
class ClusterEdgeE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    private static final String PYTHON = "/usr/bin/python3";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString("edgeadmin:edge-e2e-pw".getBytes(StandardCharsets.UTF_8));
    private static final Pattern RELAYS = Pattern.compile("\"relays\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int VIEWERS = 20;
    private static final int IDLE_SECONDS = 5;
    private static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private Process camera;
    private Process crowd;

    @AfterEach
    void stopClients() throws InterruptedException {
        for (Process p : new Process[] {crowd, camera}) {
            if (p != null) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anEdgeRelaysTheCameraOnceForItsViewersAndFollowsItWhenItsOriginDies() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && new ProcessBuilder(PYTHON, "-c",
                "import gi; gi.require_version('GstRtspServer','1.0')").start().waitFor() == 0,
                "GStreamer RTSP server (python3-gi, gir1.2-gst-rtsp-server-1.0) is not installed");
        long testStart = System.nanoTime();
        Path distribution = Path.of(SightlineServerExtension.property("sightline.distribution"));
        String workDir = SightlineServerExtension.property("e2e.workDir");
        int rtspPort = SightlineServer.freePort();
        camera = ClusterRehomeE2E.startCamera(Path.of(workDir + "-edge-camera"), rtspPort);
        int[] ports = {SightlineServer.freePort(), SightlineServer.freePort(), SightlineServer.freePort()};
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];

        SightlineServer a = SightlineServer.start(distribution, Path.of(workDir + "-edge-a"), home -> {
            Files.writeString(home.resolve("etc/io.sightline.stream-door.cfg"), String.join("\n",
                    "source.type = rtsp", "source.url = rtsp://127.0.0.1:" + rtspPort + "/cam",
                    "source.read.timeout.ms = 3000", "reconnect.initial.delay.ms = 300",
                    "reconnect.max.delay.ms = 1000", "access = token", "video.codec = h264", ""));
            member(home, "node-a", ports[0], members);
        });
        try (SightlineServer b = SightlineServer.start(distribution, Path.of(workDir + "-edge-b"),
                home -> member(home, "node-b", ports[1], members));
                SightlineServer c = SightlineServer.start(distribution, Path.of(workDir + "-edge-c"),
                        home -> member(home, "node-c", ports[2], members))) {
            try (a) {
                awaitHealth(a, h -> members(h) == 3 && streamState(h, "door").equals("live"), Duration.ofSeconds(120),
                        "node-a: three members, door live");
                awaitHealth(c, h -> h.contains("\"origins\":{\"door\":\"node-a\"}"), Duration.ofSeconds(30),
                        "node-c to see node-a as door's origin");
                System.out.printf("edge: three nodes up and door live on node-a %d s after the test started%n",
                        (System.nanoTime() - testStart) / 1_000_000_000L);
                String token = a.readToken("door").orElseThrow();
                String otherToken = a.readToken("lobby").orElseThrow();

                // 1. No valid credential for door: refused on node-c, nothing started.
                assertEquals(401, post(c, "/whep/door", null), "no credential");
                assertEquals(401, post(c, "/whep/door", "not.a.jwt"), "a forged credential");
                assertEquals(403, post(c, "/whep/door", otherToken), "a token for another stream");
                Thread.sleep(2500); // more than two publish intervals: a relay would show by now
                assertEquals(0, relays(health(c)), "no relay for refused callers: " + health(c));
                assertFalse(Files.exists(c.home().resolve("etc/io.sightline.stream-door.cfg")));

                // 2. One player and 20 viewers on node-c, one relay, one session on node-a.
                long opened = System.nanoTime();
                browser.open(c.url("/play/door?stats=1&token=" + token));
                Map<String, Object> stats = browser.await(Duration.ofSeconds(40), "decoding door on node-c",
                        ClusterEdgeE2E::stats, s -> HeadlessChromium.number(s, "framesDecoded") > 0);
                System.out.printf("edge: first picture of door decoded by a player on node-c %d ms after it opened "
                        + "(relay started by its POST)%n", ms(System.nanoTime() - opened));
                assertEquals(640.0, HeadlessChromium.number(stats, "width"), "the camera's picture: " + stats);
                crowd = new ProcessBuilder("node", "crowd.js", c.url("/whep/door").toString(),
                        Integer.toString(VIEWERS), token).directory(nodeClientDir().toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(crowd.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("playing " + VIEWERS, out.readLine(), "20 viewers play door on node-c");
                AtomicReference<long[]> latest = follow(out);
                Thread.sleep(2500);
                assertEquals(1, count(get(a, "/api/sessions"), "\"stream\":\"door\""),
                        "node-a serves door once, to node-c's relay, whatever node-c's viewers: "
                                + get(a, "/api/sessions"));
                assertEquals(VIEWERS + 1, count(get(c, "/api/sessions"), "\"stream\":\"door\""));
                assertEquals(1, relays(health(c)), health(c));
                String relayFile = Files.readString(c.home().resolve("etc/io.sightline.stream-door.cfg"));
                assertTrue(relayFile.contains("source.relay = true") && relayFile.contains("/whep/door"), relayFile);
                assertFalse(get(c, "/api/streams/door").contains("eyJ"), "the relay's token is masked");
                assertTrue(streamState(health(c), "door").equals("live"));

                // 3. node-a dies: the camera moves to node-b, node-c's relay follows, the viewers resume.
                long[] atKill = latest.get();
                long killed = System.nanoTime();
                a.kill();
                // Stalled: no viewer got a packet for a second. Resumed: every viewer got 10 more packets after
                // that, and the player decoded 15 more pictures. The camera's simple picture makes about 30 packets
                // a second.
                long stalled = -1;
                long resumed = -1;
                long decoded = -1;
                long[] base = null;
                double framesAtStall = Double.MAX_VALUE;
                long[] previous = atKill;
                int quiet = 0;
                while ((resumed < 0 || decoded < 0)
                        && System.nanoTime() - killed < Duration.ofSeconds(60).toNanos()) {
                    Thread.sleep(250); // the viewers report every 250 ms
                    long[] now = latest.get();
                    if (stalled < 0) {
                        quiet = Arrays.equals(now, previous) ? quiet + 1 : 0;
                        if (quiet >= 4) {
                            stalled = System.nanoTime();
                            base = now;
                            framesAtStall = HeadlessChromium.number(stats(), "framesDecoded");
                        }
                    } else if (resumed < 0) {
                        boolean all = true;
                        for (int i = 0; i < now.length; i++) {
                            all &= now[i] > base[i] + 10;
                        }
                        resumed = all ? System.nanoTime() : -1;
                    }
                    if (stalled > 0 && decoded < 0
                            && HeadlessChromium.number(stats(), "framesDecoded") > framesAtStall + 15) {
                        decoded = System.nanoTime();
                    }
                    previous = now;
                }
                assertTrue(stalled > 0, "the media stopped with node-a");
                assertTrue(resumed > 0 && decoded > 0, "all " + VIEWERS + " viewers receive and the player decodes "
                        + "again on their sessions; node-c log " + c.home().resolve("data/log/karaf.log"));
                System.out.printf("edge: kill -9 node-a -> media stopped on node-c (1 s without a packet) %d ms, all "
                        + "%d node-c viewers receive again %d ms, the player on node-c decodes again %d ms (same "
                        + "sessions)%n", ms(stalled - killed) - 1000, VIEWERS, ms(resumed - killed),
                        ms(decoded - killed));
                String cHealth = awaitHealth(c, h -> h.contains("\"origins\":{\"door\":\"node-b\"}"),
                        Duration.ofSeconds(10), "node-c to see node-b as door's origin");
                assertEquals(1, relays(cHealth), cHealth);
                assertEquals(VIEWERS + 1, count(get(c, "/api/sessions"), "\"stream\":\"door\""),
                        "the same sessions on node-c");
                assertEquals(1, count(get(b, "/api/sessions"), "\"stream\":\"door\""),
                        "node-b serves door once, to node-c's relay: " + get(b, "/api/sessions"));
                assertTrue(Files.readString(c.home().resolve("etc/io.sightline.stream-door.cfg"))
                        .contains("source.url = " + b.url("/whep/door")), "node-c's relay pulls from node-b now");
                browser.screenshot("ClusterEdgeE2E-door-on-node-c-after-rehome");
            }

            // 4. The viewers leave: the relay goes IDLE_SECONDS later.
            try (Writer in = new java.io.OutputStreamWriter(crowd.getOutputStream(), StandardCharsets.UTF_8)) {
                in.write("leave\n");
            }
            crowd.waitFor(20, TimeUnit.SECONDS);
            browser.open(c.url("/health"));
            long left = System.nanoTime();
            awaitHealth(c, h -> relays(h) == 0 && streamState(h, "door").isEmpty(), Duration.ofSeconds(40),
                    "node-c to close its relay after its last viewer");
            System.out.printf("edge: relay closed %d ms after the viewers left (relay.idle.seconds = %d)%n",
                    ms(System.nanoTime() - left), IDLE_SECONDS);
            assertFalse(Files.exists(c.home().resolve("etc/io.sightline.stream-door.cfg")));
            awaitSessions(b, 0);
            System.out.printf("edge: test ran %d s%n", (System.nanoTime() - testStart) / 1_000_000_000L);
        }
    }

    /** Cluster member with a short relay idle time, and an admin user for /api/sessions. */
    static void member(Path home, String name, int port, String members) throws IOException {
        ClusterRehomeE2E.clusterMember(home, name, port, members);
        Files.writeString(home.resolve("etc/io.sightline.cluster.cfg"), "relay.idle.seconds = " + IDLE_SECONDS + "\n",
                StandardOpenOption.APPEND);
        Files.writeString(home.resolve("etc/users.properties"), "\nedgeadmin = edge-e2e-pw,_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n", StandardOpenOption.APPEND);
    }

    /** The status of a WHEP POST (an offer the gate sees first). */
    private static int post(SightlineServer server, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(OFFER));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Each viewer's video packets so far, from the crowd's latest "packets ..." line (read on a thread). */
    static AtomicReference<long[]> follow(BufferedReader out) {
        AtomicReference<long[]> latest = new AtomicReference<>(new long[VIEWERS]);
        Thread reader = new Thread(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("packets ")) {
                        latest.set(Arrays.stream(line.substring(8).trim().split(" ")).mapToLong(Long::parseLong)
                                .toArray());
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "edge-e2e-viewers");
        reader.setDaemon(true);
        reader.start();
        return latest;
    }

    private static void awaitSessions(SightlineServer server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get(server, "/api/sessions");
            if (count(body, "\"stream\":\"door\"") == expected) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("expected " + expected + " door sessions: " + body);
    }

    static int relays(String health) {
        Matcher m = RELAYS.matcher(health);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static String get(SightlineServer server, String path) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(server.url(path)).header("Authorization", ADMIN)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return ""; // a slow answer on a loaded machine is not a failure
        }
    }

    static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static Path nodeClientDir() {
        String configured = System.getProperty("e2e.nodeClientDir");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.dir")).resolve("../benchmarks/load").normalize();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.script(STATS);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
