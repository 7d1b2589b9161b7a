package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GStreamer's {@code webrtcbin} from Debian (1.22), unmodified, as a WHIP publisher ({@code interop/webrtcbin-whip.py}
 * in the test resources: x264enc H.264 and Opus): a read-only token is refused (403) and leaves the stream idle; with
 * a publish token the stream goes live and the bundled player decodes 640x360 pictures; the publisher is killed
 * (SIGKILL: no DELETE, no DTLS close) and the stream goes {@code reconnecting} as soon as its media stops (its
 * session ends only when ICE consent expires); a new publisher process takes over that session
 * ({@code publish.takeover = true}, as for an encoder that restarts) and the same player page decodes again.
 */
@ExtendWith(SightlineServerExtension.class)
class GstWebrtcbinPublisherE2E {
    @RegisterExtension
    static final HeadlessChromium viewer = new HeadlessChromium();
    private static final String PYTHON = "/usr/bin/python3";
    private static final String STREAM = "gstcam";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SightlineServer server;
    private static Path script;

    @BeforeAll
    static void whipStream(SightlineServer running, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        server = running;
        assumeTrue(server.publishToken(STREAM).isPresent(), "the distribution has no JWT provider");
        Process check = new ProcessBuilder(PYTHON, "-c", "import gi; gi.require_version('GstWebRTC', '1.0'); "
                + "from gi.repository import Gst; Gst.init(None); "
                + "assert Gst.ElementFactory.find('webrtcbin') and Gst.ElementFactory.find('x264enc') "
                + "and Gst.ElementFactory.find('opusenc')").redirectErrorStream(true).start();
        if (check.waitFor() != 0) {
            throw new IllegalStateException("GStreamer webrtcbin with x264enc and opusenc is not installed "
                    + "(./scripts/install-deps): " + new String(check.getInputStream().readAllBytes()));
        }
        script = dir.resolve("webrtcbin-whip.py");
        try (InputStream in = GstWebrtcbinPublisherE2E.class.getResourceAsStream("/interop/webrtcbin-whip.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(server.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                "source.type = whip", "access = token", "publish.reconnect.seconds = 120",
                "publish.takeover = true", ""));
        awaitState("idle", Duration.ofSeconds(30));
    }

    @AfterAll
    static void removeStream() throws Exception {
        if (server != null) {
            Files.deleteIfExists(server.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"));
        }
    }

    @Test
    void webrtcbinPublishesIsKilledAndPublishesAgain() throws Exception {
        Publisher refused = Publisher.start(server.readToken(STREAM).orElseThrow());
        String line = refused.line(Duration.ofSeconds(20));
        refused.kill();
        assertTrue(line.contains("\"ok\": false") && line.contains("403"), "a read-only token: " + line);
        awaitState("idle", Duration.ofSeconds(1));

        Publisher first = Publisher.start(server.publishToken(STREAM).orElseThrow());
        try {
            String connected = first.line(Duration.ofSeconds(20));
            assertTrue(connected.contains("\"state\": \"connected\""), connected);
            System.out.println("publisher: " + connected);
            awaitState("live", Duration.ofSeconds(10));
            viewer.open(server.url("/play/" + STREAM + "?stats=1&token=" + server.readToken(STREAM).orElseThrow()));
            Map<String, Object> live = viewer.await(Duration.ofSeconds(20), "live with 30 decoded frames",
                    GstWebrtcbinPublisherE2E::stats, s -> "live".equals(s.get("state"))
                            && HeadlessChromium.number(s, "framesDecoded") > 30);
            assertEquals(640.0, HeadlessChromium.number(live, "width"), "webrtcbin's picture: " + live);
        } finally {
            first.kill();
        }
        Instant killed = Instant.now();
        awaitState("reconnecting", Duration.ofSeconds(60));
        System.out.println("stream reconnecting " + Duration.between(killed, Instant.now()).toMillis()
                + " ms after SIGKILL of the publisher");
        double before = HeadlessChromium.number(stats(), "framesDecoded");

        // The killed publisher's session lives until ICE consent expires; the new one takes it over at once. (It
        // is retried as the publish page would if a start-up race refused it.)
        Publisher second = null;
        String again = "";
        Instant deadline = Instant.now().plusSeconds(20);
        while (!again.contains("\"state\": \"connected\"") && Instant.now().isBefore(deadline)) {
            if (second != null) {
                second.kill();
                Thread.sleep(500);
            }
            second = Publisher.start(server.publishToken(STREAM).orElseThrow());
            again = second.line(Duration.ofSeconds(20));
            System.out.println("second publisher: " + again);
        }
        try {
            assertTrue(again.contains("\"state\": \"connected\""), again);
            Map<String, Object> decoding = viewer.await(Duration.ofSeconds(20), "decoding again (30 frames more than "
                    + before + ")", GstWebrtcbinPublisherE2E::stats,
                    s -> HeadlessChromium.number(s, "framesDecoded") > before + 30);
            System.out.println("viewer decoding the second publisher: " + decoding);
        } finally {
            second.kill();
        }
    }

    /** One publisher process; its JSON lines in a queue (read by a thread so a silent process cannot hang the test). */
    private record Publisher(Process process, BlockingQueue<String> lines) {
        static Publisher start(String token) throws IOException {
            Process p = new ProcessBuilder(PYTHON, script.toString(), server.url("/whip/" + STREAM).toString(), token)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            }, "webrtcbin-whip-output");
            reader.setDaemon(true);
            reader.start();
            return new Publisher(p, lines);
        }

        String line(Duration timeout) throws InterruptedException {
            String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(line, "webrtcbin-whip.py printed nothing within " + timeout.toMillis() + " ms");
            return line;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
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
