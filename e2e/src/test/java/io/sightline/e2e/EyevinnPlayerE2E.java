package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * npm {@code @eyevinn/webrtc-player}, unmodified, in Debian's headless Chromium: the package ships only a CommonJS
 * build, so {@code npm ci} in {@code e2e/clients} bundles it for the browser with esbuild
 * ({@code dist/webrtc-player.js}); a local HTTP server (another origin than Sightline's, so CORS is part of the test)
 * serves it with {@code eyevinn/index.html}. The player offers video and audio; Chromium must decode H.264 pictures
 * from the video-only demo and from a stream with Opus, and play the Opus.
 */
@ExtendWith(SightlineServerExtension.class)
class EyevinnPlayerE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();
    private static final String STATE = "return window.interop || null;";
    private static SightlineServer server;
    private static HttpServer pages;

    @BeforeAll
    static void pageServer(SightlineServer running) throws Exception {
        server = running;
        Path clients = InteropClient.clientsDir();
        Path bundle = clients.resolve("dist/webrtc-player.js");
        if (!Files.isRegularFile(bundle)) {
            throw new IllegalStateException("no " + bundle + ": run `npm ci` in " + clients + " (it bundles the player)");
        }
        pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        serve("/index.html", clients.resolve("eyevinn/index.html"), "text/html; charset=utf-8");
        serve("/webrtc-player.js", bundle, "text/javascript; charset=utf-8");
        pages.start();
        InteropStreams.ensureAudioStream(server);
    }

    @AfterAll
    static void stopPages() {
        if (pages != null) {
            pages.stop(0);
        }
    }

    private static void serve(String path, Path file, String type) {
        pages.createContext(path, exchange -> {
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    static Stream<Arguments> streams() {
        return InteropStreams.both().stream().map(s -> Arguments.of(s[0], s[1]));
    }

    @ParameterizedTest(name = "@eyevinn/webrtc-player plays {0}")
    @MethodSource("streams")
    void chromiumDecodesH264AndPlaysOpusThroughThePlayer(String stream, boolean audio) throws Exception {
        String whep = server.url("/whep/" + stream).toString();
        browser.open(URI.create("http://127.0.0.1:" + pages.getAddress().getPort() + "/index.html?whep="
                + URLEncoder.encode(whep, StandardCharsets.UTF_8)));
        Map<String, Object> state = browser.await(Duration.ofSeconds(20), "30 pictures decoded" + (audio ? " and Opus" : ""),
                EyevinnPlayerE2E::state, s -> HeadlessChromium.number(s, "framesDecoded") >= 30
                        && (!audio || HeadlessChromium.number(s, "audioSamples") > 48000 / 2));
        browser.screenshot("EyevinnPlayerE2E-" + stream);

        assertNull(state.get("error"), "player error: " + state);
        assertTrue(String.valueOf(state.get("videoCodec")).startsWith("video/H264"), "H.264: " + state);
        assertTrue(HeadlessChromium.number(state, "keyFramesDecoded") >= 1, state.toString());
        boolean demo = stream.equals(InteropStreams.VIDEO_ONLY);
        assertEquals(demo ? 1280.0 : 640.0, HeadlessChromium.number(state, "videoWidth"), state.toString());
        assertTrue(HeadlessChromium.number(state, "renderedFrames") > 0, "pictures on the <video>: " + state);
        assertEquals(audio, state.get("audioAccepted"), "audio answered only where there is some: " + state);
        if (audio) {
            assertEquals("audio/opus", state.get("audioCodec"), state.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> state() {
        return (Map<String, Object>) browser.script(STATE);
    }
}
