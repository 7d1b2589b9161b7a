package io.sightline.e2e;

import static io.sightline.e2e.HeadlessChromium.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The P2P transport in a real browser against the real server: the {@code sightline-transport-p2p} feature is
 * installed at run time (a features file dropped into {@code deploy/}), a stream configured {@code transport.mode =
 * p2p} plays in headless Chromium through libwebrtc, and rewriting the stream's configuration switches the next
 * viewer between the SFU (ICE-lite answer) and P2P (full-ICE libwebrtc answer) without a restart.
 */
@ExtendWith(SightlineServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class P2pPlayerE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();
    private static final String STREAM = "p2pe2e";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(60);
    private static SightlineServer server;

    @BeforeAll
    static void installP2p(SightlineServer running) throws Exception {
        server = running;
        Path home = server.home();
        // libwebrtc's media sockets in a small fixed range instead of any ephemeral port.
        Files.writeString(home.resolve("etc/io.sightline.transport.p2p.cfg"), "port.min = 9360\nport.max = 9379\n",
                StandardCharsets.ISO_8859_1);
        writeStream("p2p");
        Files.writeString(home.resolve("deploy/sightline-p2p-e2e.xml"), String.join("\n",
                "<features name=\"sightline-p2p-e2e\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">",
                "  <feature name=\"sightline-p2p-e2e\" version=\"1.0.0\" install=\"auto\">",
                "    <feature>sightline-transport-p2p</feature>",
                "  </feature>",
                "</features>", ""), StandardCharsets.UTF_8);
        awaitTransport("p2p");
    }

    @Test
    @Order(1)
    void aP2pStreamPlaysInTheBrowser() throws Exception {
        long opened = System.nanoTime();
        browser.open(server.url("/play/" + STREAM + "?stats=1"));
        browser.await(Duration.ofSeconds(30), "the first decoded frame", P2pPlayerE2E::stats,
                s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 0);
        long firstFrameMs = (System.nanoTime() - opened) / 1_000_000;
        Map<String, Object> live = browser.await(Duration.ofSeconds(20), "P2P live with more than 60 decoded frames",
                P2pPlayerE2E::stats, s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 60);
        System.out.println("P2P playing (page open to first frame " + firstFrameMs + " ms): " + live);
        assertEquals(640.0, number(live, "width"), "picture width: " + live);
        double decoded = number(live, "framesDecoded");
        Thread.sleep(2000);
        assertTrue(number(stats(), "framesDecoded") > decoded + 20, "frames keep coming: " + stats());
        browser.screenshot("P2pPlayerE2E-live");
    }

    @Test
    @Order(2)
    void rewritingTheStreamsConfigurationSwitchesTheNextViewersTransport() throws Exception {
        writeStream("sfu");
        awaitTransport("sfu");
        playsInTheBrowser("sfu");

        writeStream("p2p");
        awaitTransport("p2p");
        playsInTheBrowser("p2p");
    }

    private static void playsInTheBrowser(String mode) throws InterruptedException {
        browser.open(server.url("/play/" + STREAM + "?stats=1&run=" + mode));
        Map<String, Object> live = browser.await(Duration.ofSeconds(30), mode + " live with 30 decoded frames",
                P2pPlayerE2E::stats, s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 30);
        System.out.println(mode + " playing: " + live);
    }

    private static void writeStream(String transportMode) throws IOException {
        Files.writeString(server.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                "source.type = testpattern", "source.width = 640", "source.height = 360", "access = public",
                "video.codec = vp8", "transport.mode = " + transportMode, ""), StandardCharsets.ISO_8859_1);
    }

    /**
     * Posts probe offers until the answer comes from the wanted transport: the SFU answers ICE-lite, libwebrtc (P2P)
     * never does. Each probe session is deleted at once.
     */
    private static void awaitTransport(String mode) throws Exception {
        long deadline = System.nanoTime() + SWITCH_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = WhepProbe.post(server, STREAM);
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 201) {
                boolean iceLite = answer.body().contains("a=ice-lite");
                if (iceLite == mode.equals("sfu")) {
                    if (mode.equals("p2p")) {
                        assertTrue(answer.body().matches("(?s).*a=candidate:\\S+ 1 udp \\d+ \\S+ 93[67]\\d typ host.*"),
                                "libwebrtc candidates in the configured ports: " + answer.body());
                        assertFalse(answer.body().contains("m=video 0 "), answer.body());
                    }
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("stream " + STREAM + " not served by " + mode + " within " + SWITCH_TIMEOUT
                + "; last answer: " + last);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.script(STATS);
    }
}
