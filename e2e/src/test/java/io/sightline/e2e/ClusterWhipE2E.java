package io.sightline.e2e;

import static io.sightline.e2e.ClusterEdgeE2E.count;
import static io.sightline.e2e.ClusterEdgeE2E.get;
import static io.sightline.e2e.ClusterEdgeE2E.relays;
import static io.sightline.e2e.ClusterRehomeE2E.awaitHealth;
import static io.sightline.e2e.ClusterRehomeE2E.health;
import static io.sightline.e2e.ClusterRehomeE2E.members;
import static io.sightline.e2e.ClusterRehomeE2E.streamState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A WHIP-published stream survives the loss of its publisher's node (issue 19 point 5, decision 0050), with three
 * real distributions on loopback, a Chromium WHIP publisher (fake camera) and, on node-c, a Chromium player and
 * node-datachannel viewers:
 * <ol>
 * <li>the publisher publishes {@code studio} (defined on node-a only, {@code publish.takeover = false}) to node-a;
 * node-c's viewers decode it through node-c's relay;</li>
 * <li>while node-a is alive with its live publisher, a publish to node-b follows the stream's policy: 409 naming
 * node-a, nothing defined on node-b; callers without a publish token get 401/403 there;</li>
 * <li>node-a is killed with SIGKILL; the publisher publishes to node-b (its second URL) until it is taken; node-b
 * becomes the origin, node-c's relay follows it and node-c's node-datachannel viewers receive again on the sessions
 * they had; the player decodes again (on its session, or on a new one when the outage exceeded its 4 s no-picture
 * rule: printed); times from the kill and from the republish printed.</li>
 * </ol>
 */
class ClusterWhipE2E {
    @RegisterExtension
    static final HeadlessChromium publisher = new HeadlessChromium(
            List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"));
    @RegisterExtension
    static final HeadlessChromium viewer = new HeadlessChromium();

    private static final String STREAM = "studio";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int VIEWERS = 5;
    private static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private Process crowd;

    @AfterEach
    void stopClients() throws InterruptedException {
        if (crowd != null) {
            crowd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPublisherThatLosesItsNodeRepublishesToAnotherAndTheEdgesViewersContinue() throws Exception {
        long testStart = System.nanoTime();
        Path distribution = Path.of(SightlineServerExtension.property("sightline.distribution"));
        String workDir = SightlineServerExtension.property("e2e.workDir");
        int[] ports = {SightlineServer.freePort(), SightlineServer.freePort(), SightlineServer.freePort()};
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];

        SightlineServer a = SightlineServer.start(distribution, Path.of(workDir + "-whip-a"), home -> {
            Files.writeString(home.resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                    "source.type = whip", "access = token", "publish.takeover = false",
                    "publish.reconnect.seconds = 60", ""));
            ClusterEdgeE2E.member(home, "node-a", ports[0], members);
        });
        try (SightlineServer b = SightlineServer.start(distribution, Path.of(workDir + "-whip-b"),
                home -> ClusterEdgeE2E.member(home, "node-b", ports[1], members));
                SightlineServer c = SightlineServer.start(distribution, Path.of(workDir + "-whip-c"),
                        home -> ClusterEdgeE2E.member(home, "node-c", ports[2], members))) {
            String token;
            try (a) {
                assumeTrue(a.publishToken(STREAM).isPresent(), "the distribution has no JWT provider");
                token = a.publishToken(STREAM).orElseThrow();
                String readToken = a.readToken(STREAM).orElseThrow();
                awaitHealth(a, h -> members(h) == 3 && !streamState(h, STREAM).isEmpty(), Duration.ofSeconds(120),
                        "node-a: three members, studio defined");
                awaitHealth(c, h -> h.contains("\"" + STREAM + "\":\"node-a\""), Duration.ofSeconds(30),
                        "node-c to see node-a as studio's origin");
                System.out.printf("whip-cluster: three nodes up %d s after the test started%n",
                        (System.nanoTime() - testStart) / 1_000_000_000L);

                // 1. Publish to node-a; a player and VIEWERS viewers on node-c decode through its relay.
                Map<String, Object> first = publish(a, token, Duration.ofSeconds(30));
                assertEquals(201.0, HeadlessChromium.number(first, "status"), first.toString());
                publisher.await(Duration.ofSeconds(20), "publishing to node-a", ClusterWhipE2E::published,
                        p -> "connected".equals(p.get("state")) && HeadlessChromium.number(p, "framesEncoded") > 30);
                awaitHealth(a, h -> streamState(h, STREAM).equals("live"), Duration.ofSeconds(10), "studio live");
                viewer.open(c.url("/play/" + STREAM + "?stats=1&token=" + readToken));
                viewer.await(Duration.ofSeconds(40), "decoding studio on node-c", ClusterWhipE2E::stats,
                        s -> HeadlessChromium.number(s, "framesDecoded") > 30);
                crowd = new ProcessBuilder("node", "crowd.js", c.url("/whep/" + STREAM).toString(),
                        Integer.toString(VIEWERS), readToken).directory(ClusterEdgeE2E.nodeClientDir().toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(crowd.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("playing " + VIEWERS, out.readLine(), VIEWERS + " viewers play studio on node-c");
                AtomicReference<long[]> latest = ClusterEdgeE2E.follow(out);
                assertEquals(1, relays(health(c)), health(c));
                Thread.sleep(1500);
                assertEquals(1, count(get(a, "/api/sessions?role=viewer"), "\"stream\":\"" + STREAM + "\""),
                        "node-a serves node-c's relay once: " + get(a, "/api/sessions?role=viewer"));

                // 2. node-a alive with a live publisher: node-b follows the stream's policy (no takeover: 409).
                assertEquals(401, post(b, null).statusCode(), "no credential");
                assertEquals(403, post(b, readToken).statusCode(), "a read-only token");
                HttpResponse<String> busy = post(b, token);
                assertEquals(409, busy.statusCode(), busy.body());
                assertTrue(busy.body().contains("node-a"), "the 409 names the origin: " + busy.body());
                assertFalse(Files.exists(b.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg")),
                        "nothing defined on node-b");
                assertTrue(streamState(health(a), STREAM).equals("live"), "node-a's publisher untouched");

                // 3. node-a dies; the publisher publishes to node-b; node-c's viewers continue on their sessions.
                Set<String> sessionsBefore = sessionIds(get(c, "/api/sessions?role=viewer"));
                assertEquals(VIEWERS + 1, sessionsBefore.size(), sessionsBefore.toString());
                long[] atKill = latest.get();
                double framesAtKill = HeadlessChromium.number(stats(), "framesDecoded");
                long killed = System.nanoTime();
                a.kill();
                AtomicLong stall = watchStall(latest, killed);
                List<String> attempts = new ArrayList<>();
                long republished = -1;
                while (republished < 0 && System.nanoTime() - killed < Duration.ofSeconds(40).toNanos()) {
                    Map<String, Object> p = publish(b, token, Duration.ofSeconds(15));
                    attempts.add(ms(System.nanoTime() - killed) + " ms: " + p.get("status"));
                    if (HeadlessChromium.number(p, "status") == 201) {
                        republished = System.nanoTime();
                    } else {
                        Thread.sleep(250); // a client's retry pause
                    }
                }
                System.out.println("whip-cluster: publishes to node-b after the kill: " + attempts);
                assertTrue(republished > 0, "node-b took the publisher: " + attempts + "; node-b log "
                        + b.home().resolve("data/log/karaf.log"));
                // Packets counted from the kill: node-a's last packets were in flight then, so 60 more per viewer
                // (about a second of the fake camera) and 60 more decoded pictures come through node-b.
                long resumed = -1;
                long decoded = -1;
                while ((resumed < 0 || decoded < 0)
                        && System.nanoTime() - killed < Duration.ofSeconds(60).toNanos()) {
                    Thread.sleep(100);
                    long[] now = latest.get();
                    if (resumed < 0 && now.length == atKill.length) {
                        boolean all = true;
                        for (int i = 0; i < now.length; i++) {
                            all &= now[i] > atKill[i] + 60;
                        }
                        resumed = all ? System.nanoTime() : -1;
                    }
                    if (decoded < 0 && HeadlessChromium.number(stats(), "framesDecoded") > framesAtKill + 60) {
                        decoded = System.nanoTime();
                    }
                }
                assertTrue(stall.get() > 0, "the media stopped on node-c with node-a");
                assertTrue(resumed > 0 && decoded > 0, "all " + VIEWERS + " viewers receive and the player decodes "
                        + "again; node-c log " + c.home().resolve("data/log/karaf.log"));
                System.out.printf("whip-cluster: kill -9 node-a -> media stopped on node-c (1 s without a packet) "
                        + "%d ms, republish taken by node-b %d ms; node-c's %d viewers receive again %d ms after the "
                        + "kill (%d ms after the republish), its player decodes again %d ms after the kill (%d ms "
                        + "after the republish)%n", ms(stall.get() - killed) - 1000,
                        ms(republished - killed), VIEWERS, ms(resumed - killed), ms(resumed - republished),
                        ms(decoded - killed), ms(decoded - republished));

                String cHealth = awaitHealth(c, h -> h.contains("\"" + STREAM + "\":\"node-b\""),
                        Duration.ofSeconds(10), "node-c to see node-b as studio's origin");
                assertEquals(1, relays(cHealth), cHealth);
                // The node-datachannel viewers never open a new session: theirs are all still there. The player
                // does after 4 s without a picture (its own rule), so its session may be a new one.
                Set<String> sessionsAfter = sessionIds(get(c, "/api/sessions?role=viewer"));
                Set<String> kept = new HashSet<>(sessionsBefore);
                kept.retainAll(sessionsAfter);
                assertTrue(kept.size() >= VIEWERS, "the viewers' sessions on node-c are the same: before "
                        + sessionsBefore + ", after " + sessionsAfter);
                assertEquals(VIEWERS + 1, sessionsAfter.size(), sessionsAfter.toString());
                System.out.printf("whip-cluster: node-c sessions kept %d of %d (the player %s)%n", kept.size(),
                        sessionsBefore.size(), kept.size() == VIEWERS + 1 ? "kept its session"
                                : "opened a new session after its 4 s no-picture rule");
                assertTrue(Files.readString(c.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"))
                        .contains("source.url = " + b.url("/whep/" + STREAM)), "node-c's relay pulls from node-b");
                String moved = Files.readString(b.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"));
                assertTrue(moved.contains("source.type = whip") && moved.contains("publish.takeover = false"),
                        "node-b defines studio from node-a's file: " + moved);
                assertEquals("live", streamState(health(b), STREAM), health(b));
                assertEquals(1, count(get(b, "/api/sessions?role=viewer"), "\"stream\":\"" + STREAM + "\""),
                        "node-b serves node-c's relay once: " + get(b, "/api/sessions?role=viewer"));
                assertEquals(1, count(get(b, "/api/sessions?role=publisher"), "\"stream\":\"" + STREAM + "\""),
                        "one publisher, on node-b: " + get(b, "/api/sessions?role=publisher"));
                viewer.screenshot("ClusterWhipE2E-studio-on-node-c-after-republish");
            }
            System.out.printf("whip-cluster: test ran %d s%n", (System.nanoTime() - testStart) / 1_000_000_000L);
        }
    }

    /**
     * When the viewers' counts first stood still for a second after the kill (on a thread: the main one is busy
     * republishing then); 0 until then.
     */
    private static AtomicLong watchStall(AtomicReference<long[]> latest, long killed) {
        AtomicLong stall = new AtomicLong();
        Thread t = new Thread(() -> {
            long[] previous = latest.get();
            int quiet = 0;
            while (stall.get() == 0 && System.nanoTime() - killed < Duration.ofSeconds(30).toNanos()) {
                try {
                    Thread.sleep(250); // the viewers report every 250 ms
                } catch (InterruptedException e) {
                    return;
                }
                long[] now = latest.get();
                quiet = Arrays.equals(now, previous) ? quiet + 1 : 0;
                if (quiet >= 4) {
                    stall.set(System.nanoTime());
                }
                previous = now;
            }
        }, "whip-e2e-stall");
        t.setDaemon(true);
        t.start();
        return stall;
    }

    /** The ids of the studio sessions in an {@code /api/sessions} answer. */
    private static Set<String> sessionIds(String sessions) {
        Matcher m = Pattern.compile("\"id\":\"([0-9a-f]+)\",\"stream\":\"" + STREAM + "\"").matcher(sessions);
        Set<String> ids = new HashSet<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** Publishes from the publisher page opened on {@code server}; the page's state once the POST was answered. */
    private static Map<String, Object> publish(SightlineServer server, String token, Duration timeout)
            throws InterruptedException {
        publisher.open(server.url("/health"));
        publisher.script(WhipTestPublisher.PUBLISH, token, STREAM, "");
        return publisher.await(timeout, "the WHIP POST answered", ClusterWhipE2E::published,
                p -> p != null && (p.get("status") != null || String.valueOf(p.get("state")).startsWith("error")));
    }

    private static HttpResponse<String> post(SightlineServer server, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url("/whip/" + STREAM)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(OFFER));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> published() {
        return WhipTestPublisher.published(publisher);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) viewer.script(STATS);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
