package io.sightline.e2e;

import static io.sightline.e2e.HeadlessChromium.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The player's states against the real server, seen by the viewer: a stream that needs a token says so and offers
 * a login field; a stream whose source restarts (its configuration rewritten, or removed and defined again while
 * the page plays) comes back in the same page without a reload.
 *
 * <p>Streams are defined at run time by writing {@code etc/io.sightline.stream-<name>.cfg} into the running
 * distribution, as an operator would; Karaf's file watcher applies them within a couple of seconds.
 */
@ExtendWith(SightlineServerExtension.class)
class PlayerStatesE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();
    /** Every state the page's player went through, in order, recorded from its client's statechange events. */
    private static final String RECORD_STATES = "const p = window.sightlinePlayer; if (!p) return false;"
            + " if (!window.slStates) { window.slStates = [p.state];"
            + " p.client.addEventListener('statechange', e => window.slStates.push(e.detail.state)); } return true;";
    private static SightlineServer server;

    @BeforeAll
    static void server(SightlineServer running) {
        server = running;
    }

    @Test
    void aTokenStreamWithoutATokenSaysUnauthorizedAndOffersALogin() throws Exception {
        defineStream("private", "access = token", "source.width = 320", "source.height = 180", "video.codec = vp8");
        awaitDefined("private");
        forgetTokens();
        browser.open(server.url("/play/private"));

        browser.await(Duration.ofSeconds(10), "unauthorized", PlayerStatesE2E::stats,
                s -> "unauthorized".equals(s.get("state")));
        assertEquals("Not authorized to watch this stream", visibleText(".sl-status-text"));
        assertEquals("token required", visibleText(".sl-status-detail"));

        // A wrong token typed into the login field is tried at once and refused again, with the reason shown.
        browser.script("document.querySelector('.sl-token').value = 'not-a-real-token';"
                + " document.querySelector('.sl-login button').click();");
        browser.await(Duration.ofSeconds(10), "refusing the typed token", () -> visibleText(".sl-status-detail"),
                "token rejected"::equals);
        assertEquals("unauthorized", stats().get("state"));
        assertTrue(visibleText(".sl-login label") != null, "the login field is offered again");
    }

    @Test
    void aShareLinkTokenPlaysItsStreamAndATokenForAnotherStreamIsForbidden() throws Exception {
        defineStream("private", "access = token", "source.width = 320", "source.height = 180", "video.codec = vp8");
        String forDemo = server.readToken("demo").orElse(null);
        assumeTrue(forDemo != null, "the distribution has no JWT provider");
        awaitDefined("private");

        // The player names the server's answer: 403 (a valid token for other streams) or 401 (refused outright).
        int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("/whep/private"))
                .header("Authorization", "Bearer " + forDemo).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString("v=0\r\n")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        assertTrue(status == 401 || status == 403, "WHEP answer to a token for another stream: " + status);
        String expected = status == 403 ? "this token does not cover the stream" : "token rejected";
        forgetTokens();
        browser.open(server.url("/play/private?token=" + forDemo));
        browser.await(Duration.ofSeconds(10), "showing '" + expected + "'", () -> visibleText(".sl-status-detail"),
                expected::equals);
        assertEquals("unauthorized", stats().get("state"));

        forgetTokens();
        browser.open(server.url("/play/private?token=" + server.readToken("private").orElseThrow()));
        browser.await(Duration.ofSeconds(20), "live with the share link's token", PlayerStatesE2E::stats,
                s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 10);
        assertEquals(server.url("/play/private").toString(), browser.script("return location.href;"),
                "the token is taken out of the address bar");
    }

    @Test
    void recoversInTheSamePageWhenTheSourceIsReconfiguredOrRedefined() throws Exception {
        defineStream("restart", "source.width = 320", "source.height = 180", "video.codec = vp8");
        awaitDefined("restart");
        browser.open(server.url("/play/restart?stats=1"));
        browser.await(Duration.ofSeconds(20), "live", PlayerStatesE2E::stats,
                s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 20);
        browser.await(Duration.ofSeconds(5), "recording states", () -> browser.script(RECORD_STATES), Boolean.TRUE::equals);

        // 1. A changed configuration: the core restarts the source at the new size. The picture must come back.
        defineStream("restart", "source.width = 480", "source.height = 270", "video.codec = vp8");
        Map<String, Object> resized = browser.await(Duration.ofSeconds(25), "live at the new size",
                PlayerStatesE2E::stats, s -> "live".equals(s.get("state")) && number(s, "width") == 480);
        double framesAfterResize = number(resized, "framesDecoded");
        browser.await(Duration.ofSeconds(5), "decoding more frames", PlayerStatesE2E::stats,
                s -> number(s, "framesDecoded") > framesAfterResize + 15);

        // 2. The stream removed (its sessions end) and defined again: the page reconnects by itself.
        Files.delete(cfg("restart"));
        browser.await(Duration.ofSeconds(20), "noticing the stream went away", PlayerStatesE2E::stats,
                s -> !"live".equals(s.get("state")));
        defineStream("restart", "source.width = 320", "source.height = 180", "video.codec = vp8");
        Map<String, Object> back = browser.await(Duration.ofSeconds(40), "live again", PlayerStatesE2E::stats,
                s -> "live".equals(s.get("state")) && number(s, "width") == 320 && number(s, "framesDecoded") > 15);
        List<?> states = (List<?>) browser.script("return window.slStates;");
        System.out.println("restart: states " + states + ", now " + back);
        assertTrue(states.contains("reconnecting") || states.contains("offline"), "went through reconnecting: " + states);
        assertEquals("live", states.get(states.size() - 1), "ends live: " + states);
        assertTrue(!states.contains("not-found") && !states.contains("error"), "never gave up: " + states);
    }

    private static void defineStream(String name, String... lines) throws IOException {
        String text = String.join("\n", "source.type = testpattern", "source.fps = 30", "access = public", "")
                + String.join("\n", lines) + "\n";
        // Write then move: the file watcher must never read half a file.
        Path tmp = server.home().resolve("etc/" + name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.ISO_8859_1);
        Files.move(tmp, cfg(name), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static void forgetTokens() {
        browser.open(server.url("/streams"));
        browser.script("sessionStorage.clear();");
    }

    private static Path cfg(String name) {
        return server.home().resolve("etc/io.sightline.stream-" + name + ".cfg");
    }

    /**
     * Waits until WHEP knows the stream: a bare POST gets 400 or so (a bad offer) rather than 404 (with a token for it) or
     * 401 (anonymous: unknown and forbidden look alike). Without a JWT provider a token stream cannot be probed, so
     * that case waits out the file watcher instead.
     */
    private static void awaitDefined(String name) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String token = server.readToken(name).orElse(null);
        if (token == null && Files.readString(cfg(name), StandardCharsets.ISO_8859_1).contains("access = token")) {
            Thread.sleep(4000);
            return;
        }
        browser.await(Duration.ofSeconds(20), "stream " + name + " defined", () -> {
            try {
                HttpRequest.Builder probe = HttpRequest.newBuilder(server.url("/whep/" + name));
                if (token != null) {
                    probe.header("Authorization", "Bearer " + token);
                }
                return http.send(probe.header("Content-Type", "application/sdp")
                        .POST(HttpRequest.BodyPublishers.ofString("v=0\r\n")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }, status -> status != 0 && status != 401 && status != 403 && status != 404);
    }

    /** The element's text if the viewer can see it (it and its ancestors displayed), else null. */
    private static String visibleText(String selector) {
        return (String) browser.script("const e = document.querySelector(arguments[0]);"
                + " return e && e.getClientRects().length ? e.textContent : null;", selector);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.script("return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;");
    }
}
