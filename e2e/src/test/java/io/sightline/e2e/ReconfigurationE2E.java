package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18 point 1: changing the configuration of running components loses no request and no session. On its own
 * server (the test rewrites its etc/ files), while one node-datachannel viewer plays {@code demo} and two client loops
 * run (WHEP POST + DELETE with a token on a token stream; GET /metrics and GET /health), each of these files is
 * rewritten 10 times, one write every 1.2 s (Karaf's file watcher polls every second, so each write is its own
 * configuration update): the WHEP and WHIP limits and {@code whip.auto.create} (one file), the metrics access list,
 * the SFU's playout.delay, the JWT provider's settings, non-source settings of the stream the viewer plays (access
 * list, rendition ladder and its stop delay), the publish settings of a {@code whip} stream that a headless Chromium
 * publishes to (takeover, reconnect delay, keyframe refresh) and the defaults of all {@code whip} streams. Every
 * request must succeed, the viewers' sessions (one on the demo, one on the published stream) must stay up (no gap
 * over 1.5 s between packets, still known to the server at the end), and the publisher must stay connected, its
 * stream {@code live}.
 *
 * <p>Issue 18 point 7, on the same server afterwards: bad files are refused with a log line naming the file and the
 * key, the stream concerned (when it can be defined) is {@code failed} with a reason, nothing else is affected and
 * nothing loops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconfigurationE2E {
    private static final int CHANGES = 10;
    private static final long CHANGE_INTERVAL_MS = 1200;
    private static final int WRITES_PER_ROUND = 7;
    private static final String PUBLISHED = "reconfwhip";
    @RegisterExtension
    static final HeadlessChromium publisher = new HeadlessChromium(
            List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static SightlineServer server;

    @BeforeAll
    static void start() throws Exception {
        Path work = Path.of(SightlineServerExtension.property("e2e.workDir")).resolveSibling("e2e-reconfiguration");
        server = SightlineServer.start(Path.of(SightlineServerExtension.property("sightline.distribution")), work);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void configurationChangesLoseNoRequestAndNoSession() throws Exception {
        Path etc = server.home().resolve("etc");
        // Limits high enough for the loop, written first (itself a reconfiguration of the running WHEP servlet).
        put(etc.resolve("io.sightline.signaling.whep.cfg"), Map.of("max.requests.per.second.per.address", "1000",
                "request.burst.per.address", "1000"));
        put(etc.resolve("io.sightline.stream-reconfig.cfg"), Map.of("source.type", "testpattern", "source.width", "320",
                "source.height", "180", "access", "token", "video.codec", "h264"));
        String token = server.readToken("reconfig").orElseThrow(() -> new AssertionError("no JWT provider"));
        awaitStatus("/whep/reconfig", token, 201);

        put(etc.resolve("io.sightline.stream-" + PUBLISHED + ".cfg"), Map.of("source.type", "whip",
                "access", "public", "publish.reconnect.seconds", "60"));
        String publish = server.publishToken(PUBLISHED).orElseThrow();
        awaitStreamState(PUBLISHED, "idle");
        publisher.open(server.url("/health"));
        publisher.script(WhipTestPublisher.PUBLISH, publish, PUBLISHED);
        publisher.await(Duration.ofSeconds(30), "publishing", () -> WhipTestPublisher.published(publisher),
                p -> "connected".equals(p.get("state")) && HeadlessChromium.number(p, "framesEncoded") > 30);
        awaitStreamState(PUBLISHED, "live");

        long seconds = CHANGES * CHANGE_INTERVAL_MS * WRITES_PER_ROUND / 1000 + 3;
        SteadyViewer viewer = new SteadyViewer("/whep/demo", seconds);
        SteadyViewer publishedViewer = new SteadyViewer("/whep/" + PUBLISHED, seconds);
        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, AtomicInteger> ok = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread whep = loop("whep", running, ok, failures, () -> postAndDelete(token));
        Thread scrape = loop("scrape", running, ok, failures, () -> {
            expect("GET /metrics", get("/metrics"), 200);
            expect("GET /health", get("/health"), 200);
        });

        List<String> changed = new ArrayList<>();
        for (int i = 0; i < CHANGES; i++) {
            put(etc.resolve("io.sightline.signaling.whep.cfg"), Map.of("max.requests.per.second.per.address",
                    String.valueOf(1000 + i), "whip.auto.create", String.valueOf(i % 2 == 0)));
            pause();
            put(etc.resolve("io.sightline.metrics.cfg"), Map.of("allow.from", i % 2 == 0 ? "127.0.0.1/8" : "127.0.0.1/8, ::1"));
            pause();
            put(etc.resolve("io.sightline.transport.sfu.cfg"), Map.of("playout.delay", i % 2 == 0 ? "0-100" : "30"));
            pause();
            put(etc.resolve("io.sightline.auth.jwt.cfg"), Map.of("clock.skew.seconds", String.valueOf(30 + i)));
            pause();
            put(etc.resolve("io.sightline.stream-demo.cfg"), Map.of("access.public.from",
                    i % 2 == 0 ? "127.0.0.1/8" : "127.0.0.1/8, ::1",
                    "renditions", i % 2 == 0 ? "640x360@600, 320x180@150" : "1280x720@2000, 640x360@600, 320x180@150",
                    "renditions.stop.after.seconds", String.valueOf(10 + i)));
            pause();
            put(etc.resolve("io.sightline.stream-" + PUBLISHED + ".cfg"), Map.of("publish.takeover",
                    String.valueOf(i % 2 == 0), "publish.reconnect.seconds", String.valueOf(60 + i),
                    "publish.keyframe.seconds", String.valueOf(1 + i % 2)));
            pause();
            put(etc.resolve("io.sightline.source.whip.cfg"), Map.of("publish.reconnect.seconds", String.valueOf(15 + i),
                    "publish.keyframe.seconds", String.valueOf(2 + i % 2)));
            pause();
            changed.add("round " + i);
        }
        running.set(false);
        whep.join(20_000);
        scrape.join(20_000);

        String result = viewer.result();
        String publishedResult = publishedViewer.result();
        Map<String, Object> sent = WhipTestPublisher.published(publisher);
        System.out.println("reconfiguration: " + changed.size() * WRITES_PER_ROUND + " configuration writes; requests ok "
                + ok + "; failures " + failures.size() + "; demo viewer " + result + "; published stream's viewer "
                + publishedResult + "; publisher " + sent);
        assertTrue(failures.isEmpty(), failures.size() + " failed requests, first: "
                + failures.subList(0, Math.min(5, failures.size())));
        assertTrue(ok.get("whep").get() >= 50, "the WHEP loop ran: " + ok);
        assertTrue(ok.get("scrape").get() >= 50, "the scrape loop ran: " + ok);
        SteadyViewer.assertStayedUp("demo", result);
        SteadyViewer.assertStayedUp(PUBLISHED, publishedResult);
        assertEquals("connected", sent.get("state"), "the publisher stayed connected: " + sent);
        awaitStreamState(PUBLISHED, "live");
        // Each write was its own configuration update (the SFU logs each one), and the viewer's SFU was never
        // restarted (it logs its media ports once, at activation).
        Path log = server.home().resolve("data/log/karaf.log");
        assertTrue(count(log, "SFU settings changed") >= CHANGES, count(log, "SFU settings changed") + " SFU updates");
        assertEquals(1, count(log, "; media on UDP"), "the SFU was activated once");
        publisher.script("window.pubPc.close();");
    }

    /** One node-datachannel viewer (benchmarks/load/steady-viewer.js) for a fixed time; prints "playing" once it plays. */
    private static final class SteadyViewer {
        private final Process process;
        private final BufferedReader out;

        SteadyViewer(String path, long seconds) throws IOException {
            process = new ProcessBuilder("node", "steady-viewer.js", server.url(path).toString(), String.valueOf(seconds))
                    .directory(nodeClientDir().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("playing", out.readLine(), path + ": the viewer plays before the changes start");
        }

        /** The viewer's closing JSON line, after it ended on its own. */
        String result() throws Exception {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the viewer ends on its own");
            return out.readLine();
        }

        static void assertStayedUp(String stream, String result) {
            assertTrue(result != null && result.contains("\"ok\":true"), stream + " viewer: " + result);
            assertEquals("playing", field(result, "state").replace("\"", ""),
                    stream + ": the viewer's session stayed up: " + result);
            assertTrue(Long.parseLong(field(result, "maxGapMs")) < 1500, stream + ": no pause in the media: " + result);
            assertTrue(List.of("200", "204").contains(field(result, "deleteStatus")),
                    stream + ": the server still had the viewer's session at the end: " + result);
        }
    }

    private static void awaitStreamState(String stream, String state) throws Exception {
        Pattern wanted = Pattern.compile("\"" + stream + "\":\\{[^}]*\"state\":\"" + state + "\"");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get("/health").body();
            if (wanted.matcher(body).find()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("stream " + stream + " not " + state + ": " + body);
    }

    @Test
    @Order(2)
    void badFilesAreRefusedWithTheirFileAndKeyAndAffectNothingElse() throws Exception {
        Path etc = server.home().resolve("etc");
        Path log = server.home().resolve("data/log/karaf.log");
        String token = server.readToken("reconfig").orElseThrow();
        // An unknown source.type: the stream exists, failed, with the reason.
        put(etc.resolve("io.sightline.stream-nosuch.cfg"), Map.of("source.type", "nosuch", "access", "public"));
        // Garbage: binary bytes and an invalid value of a stream key.
        Files.write(etc.resolve("io.sightline.stream-garbage.cfg"), concat(new byte[] {0, (byte) 0xff, 0x1b, '\n'},
                "mode = sometimes\n\u0001\u0002 = \u00e9\u00ff\nvideo.bitrate.kbps = lots\n".getBytes(StandardCharsets.ISO_8859_1)));
        // A truncated JWKS file configured for the token provider.
        Path jwks = server.home().resolve("truncated.jwks");
        Files.writeString(jwks, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"e\":\"AQ");
        put(etc.resolve("io.sightline.auth.jwt.cfg"), Map.of("jwks.file", jwks.toString()));

        String nosuch = awaitLog(log, "io.sightline.stream-garbage.cfg", "mode must be");
        System.out.println("bad stream file: " + nosuch);
        String refused = awaitLog(log, "truncated.jwks", "jwks.file");
        System.out.println("bad JWKS file: " + refused);
        assertTrue(awaitLog(log, "previous keys stay in use", "").contains("io.sightline.auth.jwt"), refused);
        String health = awaitHealth("\"nosuch\"", "no capture plugin for source.type=nosuch");
        assertTrue(health.matches("(?s).*\"nosuch\".*\"state\"\\s*:\\s*\"failed\".*"), health);
        // The garbage file's stream is defined as failed, with the key and the file in its reason, and nobody may
        // watch it.
        health = awaitHealth("\"garbage\"", "mode must be always-on or on-demand, got 'sometimes'");
        assertTrue(health.matches("(?s).*\"garbage\".*\"state\"\\s*:\\s*\"failed\".*io.sightline.stream-garbage.cfg.*"),
                health);
        assertTrue(List.of(401, 403, 404).contains(WhepProbe.post(server, "garbage").statusCode()), "a refused stream plays to nobody");
        // A bad edit of a running stream's file is refused whole: the stream keeps its settings and its viewers.
        put(etc.resolve("io.sightline.stream-reconfig.cfg"), Map.of("video.bitrate.kbps", "lots"));
        System.out.println("bad edit: " + awaitLog(log, "Stream 'reconfig' keeps its previous settings",
                "video.bitrate.kbps must be an integer"));

        // Nothing else affected: the token provider keeps its keys, the demo stream plays.
        postAndDelete(token);
        assertEquals(201, WhepProbe.post(server, "demo").statusCode(), "demo still answers");
        // No loop: the refusals were logged a bounded number of times, and no more come.
        long before = count(log, "io.sightline.stream-garbage.cfg") + count(log, "truncated.jwks");
        Thread.sleep(5000);
        long after = count(log, "io.sightline.stream-garbage.cfg") + count(log, "truncated.jwks");
        assertTrue(before <= 6 && after == before, "refusals logged " + before + " then " + after + " times");
        assertEquals(0, count(log, "Exception in thread"), "no thread died");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The first log line containing both strings, waiting up to 15 s for it (Karaf's file watcher polls). */
    private static String awaitLog(Path log, String a, String b) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                if (line.contains(a) && line.contains(b)) {
                    return line;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no log line with '" + a + "' and '" + b + "' in " + log);
    }

    private static long count(Path log, String s) throws IOException {
        return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().filter(l -> l.contains(s)).count();
    }

    private static String awaitHealth(String a, String b) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get("/health").body();
            if (body.contains(a) && body.contains(b)) {
                return body;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("/health never showed " + a + " with " + b + ": " + body);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static Thread loop(String name, AtomicBoolean running, Map<String, AtomicInteger> ok, List<String> failures,
            Step step) {
        ok.put(name, new AtomicInteger());
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    step.run();
                    ok.get(name).incrementAndGet();
                    Thread.sleep(10); // a steady client, not a flood: the floods are another test's job
                } catch (InterruptedException e) {
                    return;
                } catch (Exception | AssertionError e) {
                    failures.add(name + ": " + e.getMessage());
                }
            }
        }, "reconfiguration-" + name);
        t.start();
        return t;
    }

    private static void postAndDelete(String token) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(server.url("/whep/reconfig"))
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(WhepProbe.offer())).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        expect("POST /whep/reconfig", answer, 201);
        String location = answer.headers().firstValue("Location").orElseThrow();
        expect("DELETE " + location, HTTP.send(HttpRequest.newBuilder(server.url(location))
                .header("Authorization", "Bearer " + token).DELETE().timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()), 200);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(String what, HttpResponse<String> r, int status) {
        if (r.statusCode() != status && !(status == 200 && r.statusCode() == 204)) {
            throw new AssertionError(what + " answered " + r.statusCode() + " " + r.body().strip());
        }
    }

    private static void awaitStatus(String path, String token, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try {
                postAndDelete(token);
                return;
            } catch (AssertionError e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new AssertionError(path + " never answered " + status, last);
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(CHANGE_INTERVAL_MS);
    }

    /** Sets (or adds) keys of a Karaf .cfg file, as an operator's editor would, in one write. */
    private static void put(Path cfg, Map<String, String> values) throws IOException {
        String text = Files.exists(cfg) ? Files.readString(cfg, StandardCharsets.ISO_8859_1) : "";
        for (Map.Entry<String, String> e : values.entrySet()) {
            Pattern line = Pattern.compile("(?m)^\\s*" + Pattern.quote(e.getKey()) + "\\s*=.*$");
            String replacement = e.getKey() + " = " + e.getValue();
            Matcher m = line.matcher(text);
            text = m.find() ? m.replaceAll(Matcher.quoteReplacement(replacement))
                    : text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + replacement + "\n";
        }
        Files.writeString(cfg, text, StandardCharsets.ISO_8859_1);
    }

    private static Path nodeClientDir() {
        String configured = System.getProperty("e2e.nodeClientDir");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.dir")).resolve("../benchmarks/load").normalize();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"[^\"]*\"|[^,}]*)").matcher(json);
        return m.find() ? m.group(1) : "";
    }
}
