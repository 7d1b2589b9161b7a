package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A WHEP pull between two real distributions on loopback (issue 19 point 3): node-a serves its demo stream; node-b
 * defines {@code relay} with {@code source.type = whep} pulling node-a's {@code /whep/demo}. Three Chromium players on
 * node-b decode the picture while node-a's admin API lists exactly one session for demo: node-b's pull. Two bad
 * sources on node-b (a URL that 404s, an endpoint that answers garbage SDP) go to failed/reconnecting with the reason,
 * and the relay is not disturbed by them.
 */
class WhepRelayE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString("relayadmin:relay-e2e-pw".getBytes(StandardCharsets.UTF_8));
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final String FRAME_STATS = "const f = document.querySelectorAll('iframe')[arguments[0]];"
            + " return f && f.contentWindow.sightlinePlayer ? f.contentWindow.sightlinePlayer.stats() : null;";

    @Test
    void nodeBRelaysNodeAsDemoToThreeViewersOverOneSession() throws Exception {
        Path distribution = Path.of(SightlineServerExtension.property("sightline.distribution"));
        String workDir = SightlineServerExtension.property("e2e.workDir");
        HttpServer garbage = garbageEndpoint();
        try (SightlineServer a = SightlineServer.start(distribution, Path.of(workDir + "-relay-a"),
                WhepRelayE2E::admin)) {
            String garbageUrl = "http://127.0.0.1:" + garbage.getAddress().getPort() + "/whep/x";
            // A viewer token of node-a (both nodes share the e2e JWT secret): a token that is present must be valid,
            // even for a public stream, so this is what an edge would be given.
            String token = a.readToken("demo", "no-such-stream").orElseThrow();
            try (SightlineServer b = SightlineServer.start(distribution, Path.of(workDir + "-relay-b"), home -> {
                admin(home);
                pull(home, "relay", a.url("/whep/demo").toString(), token);
            })) {
                // The bad sources come after the boot (/health is 503 while a stream is failing), as an operator
                // would add them: Karaf's file watcher applies them within seconds.
                pull(b.home(), "missing", a.url("/whep/no-such-stream").toString(), token);
                pull(b.home(), "garbage", garbageUrl, token);
                String relay = awaitStream(b, "relay", s -> s.contains("\"state\":\"live\""), Duration.ofSeconds(90));
                assertTrue(relay.contains("\"value\":\"whep\""), relay);

                browser.open(b.url("/play/relay?stats=1"));
                browser.script("for (let i = 0; i < 2; i++) { const f = document.createElement('iframe');"
                        + " f.width = 320; f.height = 180; f.src = '/play/relay?stats=1'; document.body.appendChild(f); }");
                Map<String, Object> main = browser.await(Duration.ofSeconds(30), "decoding relay on node-b",
                        WhepRelayE2E::stats, s -> HeadlessChromium.number(s, "framesDecoded") > 30);
                assertEquals(1280.0, HeadlessChromium.number(main, "width"), "node-a's demo picture: " + main);
                for (int i = 0; i < 2; i++) {
                    int frame = i;
                    browser.await(Duration.ofSeconds(30), "decoding relay in player " + (i + 2),
                            () -> frameStats(frame), s -> HeadlessChromium.number(s, "framesDecoded") > 30);
                }

                String aSessions = get(a, "/api/sessions");
                assertEquals(1, count(aSessions, "\"stream\":\"demo\""),
                        "node-a serves demo once, to node-b's pull, whatever node-b's viewers: " + aSessions);
                String bSessions = get(b, "/api/sessions");
                assertEquals(3, count(bSessions, "\"stream\":\"relay\""), "three players on node-b: " + bSessions);

                String missing = awaitStream(b, "missing", s -> s.contains("answered 404"), Duration.ofSeconds(30));
                assertTrue(missing.matches("(?s).*\"state\":\"(failed|reconnecting)\".*"), missing);
                String bad = awaitStream(b, "garbage", s -> s.contains("unusable WHEP answer"),
                        Duration.ofSeconds(30));
                assertTrue(bad.matches("(?s).*\"state\":\"(failed|reconnecting)\".*"), bad);

                double before = HeadlessChromium.number(stats(), "framesDecoded");
                browser.await(Duration.ofSeconds(10), "relay still decoding next to the bad sources",
                        WhepRelayE2E::stats, s -> HeadlessChromium.number(s, "framesDecoded") > before + 30);
                assertTrue(get(b, "/api/streams/relay").contains("\"state\":\"live\""));
                browser.screenshot("WhepRelayE2E-relay-on-node-b");
                for (Path home : List.of(a.home(), b.home())) {
                    String log = Files.readString(home.resolve("data/log/karaf.log"), StandardCharsets.ISO_8859_1);
                    assertFalse(log.contains(token), "the pull's token is in " + home);
                }
                assertFalse(get(b, "/api/streams/relay").contains(token), "the admin API masks source.token");
            }
        } finally {
            garbage.stop(0);
        }
    }

    private static void admin(Path home) throws IOException {
        Files.writeString(home.resolve("etc/users.properties"), "\nrelayadmin = relay-e2e-pw,_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n", StandardOpenOption.APPEND);
    }

    private static void pull(Path home, String name, String url, String token) throws IOException {
        Files.writeString(home.resolve("etc/io.sightline.stream-" + name + ".cfg"), String.join("\n",
                "source.type = whep", "source.url = " + url, "source.token = " + token, "access = public",
                "reconnect.initial.delay.ms = 300", "reconnect.max.delay.ms = 1000", ""));
    }

    /** A WHEP endpoint that answers every offer 201 with a body that is not SDP. */
    private static HttpServer garbageEndpoint() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "<html>surprise</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/sdp");
            exchange.getResponseHeaders().add("Location", "/whep/x/1");
            exchange.sendResponseHeaders("DELETE".equals(exchange.getRequestMethod()) ? 200 : 201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String awaitStream(SightlineServer server, String name, Predicate<String> ready, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get(server, "/api/streams/" + name);
            if (ready.test(body)) {
                return body;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for stream " + name + ": " + body + "; log: "
                + server.home().resolve("data/log/karaf.log"));
    }

    private static String get(SightlineServer server, String path) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(server.url(path)).header("Authorization",
                    ADMIN).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return ""; // a slow answer on a loaded machine is not a failure
        }
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.script(STATS);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> frameStats(int index) {
        return (Map<String, Object>) browser.script(FRAME_STATS, index);
    }
}
