package io.sightline.e2e;

import static io.sightline.e2e.HeadlessChromium.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundled player in a real browser against the real server: the demo stream plays live with a plausible
 * glass-to-glass latency, an unknown stream says so, and the start page links to the players.
 */
@ExtendWith(SightlineServerExtension.class)
class PlayerE2E {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static SightlineServer server;

    @BeforeAll
    static void server(SightlineServer running) {
        server = running;
    }

    @Test
    void playsTheDemoStreamLive() throws InterruptedException {
        browser.open(server.url("/play/demo?stats=1"));

        Map<String, Object> live = browser.await(Duration.ofSeconds(20), "live with more than 30 decoded frames",
                PlayerE2E::stats, s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 30);

        assertTrue(number(live, "width") > 0 && number(live, "height") > 0, "a decoded picture size: " + live);
        // The timecode reader needs a few presented pictures; the test pattern carries the strip in every one.
        Map<String, Object> measured = browser.await(Duration.ofSeconds(5), "reporting a latency",
                PlayerE2E::stats, s -> s.get("latencyMs") != null);
        double latency = number(measured, "latencyMs");
        System.out.println("demo playing: " + measured);
        browser.screenshot("PlayerE2E-demo-live");
        // Same machine, same clock: anything above half a second is a real regression, not clock skew.
        assertTrue(latency > 0 && latency < 500, "glass-to-glass latency " + latency + " ms");
        double server = number(measured, "serverMs");
        // Capture to the last packet's arrival is part of glass-to-glass; headless Chromium's expected display
        // time runs on its own begin-frame clock, so allow one 60 Hz frame of slack between the two.
        assertTrue(server > 0 && server <= latency + 17, "capture to receive " + server + " ms vs " + latency + " ms");
    }

    @Test
    void startsMutedAndPlayingAndOneClickUnmutesOrGoesFullscreen() throws InterruptedException {
        browser.open(server.url("/play/demo"));
        browser.await(Duration.ofSeconds(20), "live", PlayerE2E::stats, s -> "live".equals(s.get("state")));
        String controls = "const v = document.querySelector('.sl-video');"
                + " return { muted: v.muted, paused: v.paused, unmuteShown: !document.querySelector('.sl-unmute').hidden,"
                + " fullscreen: document.fullscreenElement ? document.fullscreenElement.className : '' };";
        Map<String, Object> autoplayed = browser.await(Duration.ofSeconds(5), "playing muted",
                () -> map(browser.script(controls)), c -> Boolean.FALSE.equals(c.get("paused")));
        assertEquals(Boolean.TRUE, autoplayed.get("muted"), "autoplay starts muted: " + autoplayed);
        assertEquals(Boolean.TRUE, autoplayed.get("unmuteShown"), "an unmute button while muted: " + autoplayed);

        browser.click(".sl-unmute");
        Map<String, Object> unmuted = browser.await(Duration.ofSeconds(5), "unmuted by one click",
                () -> map(browser.script(controls)), c -> Boolean.FALSE.equals(c.get("muted")));
        assertEquals(Boolean.FALSE, unmuted.get("paused"), "still playing after unmute: " + unmuted);
        assertEquals(Boolean.FALSE, unmuted.get("unmuteShown"), "the unmute button goes away: " + unmuted);

        browser.click(".sl-fullscreen");
        browser.await(Duration.ofSeconds(5), "the player fullscreen", () -> map(browser.script(controls)),
                c -> String.valueOf(c.get("fullscreen")).contains("sl-player"));
        browser.click(".sl-fullscreen");
        browser.await(Duration.ofSeconds(5), "fullscreen left again", () -> map(browser.script(controls)),
                c -> "".equals(c.get("fullscreen")));
        assertEquals("live", stats().get("state"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @Test
    void playsAVp8StreamLive() throws InterruptedException {
        browser.open(server.url("/play/vp8?stats=1"));
        Map<String, Object> live = browser.await(Duration.ofSeconds(20), "VP8 live with more than 30 decoded frames",
                PlayerE2E::stats, s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 30);
        assertTrue(String.valueOf(live.get("codec")).contains("VP8"), "negotiated codec: " + live);
        assertEquals(640.0, number(live, "width"), "picture width: " + live);
    }

    @Test
    void thePlayerElementPlaysInAnotherPage() throws InterruptedException {
        browser.open(server.url("/streams"));
        browser.script("document.body.innerHTML = '<sightline-player stream=\"demo\" style=\"width:640px\"></sightline-player>';"
                + " import('/player/sightline-player.js');");

        browser.await(Duration.ofSeconds(20), "the element playing", () -> elementStats(),
                s -> "live".equals(s.get("state")) && number(s, "framesDecoded") > 30);
    }

    @Test
    void anUnknownStreamSaysNotFoundToAViewerWhoseTokenCoversIt() throws InterruptedException {
        // Anonymous callers cannot tell unknown from forbidden (both 401); a token for the name gets the 404.
        String token = server.readToken("nosuchstream").orElse(null);
        assumeTrue(token != null, "the distribution has no JWT provider");
        forgetTokens();
        browser.open(server.url("/play/nosuchstream?token=" + token));

        browser.await(Duration.ofSeconds(10), "in state not-found", PlayerE2E::stats,
                s -> "not-found".equals(s.get("state")));
        assertEquals("not-found", browser.script("return document.querySelector('.sl-player').dataset.state;"));
        assertEquals("Stream not found", browser.script(
                "const e = document.querySelector('.sl-status-text'); return e.offsetParent ? e.textContent : null;"),
                "the state is shown to the viewer");
    }

    @Test
    void theStartPageLinksToTheDemoPlayerOrAsksForAToken() throws Exception {
        int listStatus = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("/streams.json")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        forgetTokens();
        browser.open(server.url("/"));

        if (listStatus == 401) {
            // The list needs a credential: the page must say so and offer the token field, not an empty table.
            browser.await(Duration.ofSeconds(10), "offering the token field", () -> browser.script(
                    "const f = document.getElementById('login'); return f && !f.hidden;"), Boolean.TRUE::equals);
            String token = server.readToken("*").orElse(null);
            assumeTrue(token != null, "the distribution has no JWT provider");
            browser.open(server.url("/?token=" + token));
        }
        Object href = browser.await(Duration.ofSeconds(10), "listing the demo stream",
                () -> browser.script("const a = document.querySelector('tr[data-stream=\"demo\"] a');"
                        + " return a ? a.href : null;"), h -> true);
        assertEquals(server.url("/play/demo").toString(), href);
    }

    /** The player pages keep a token for the tab (sessionStorage): start each token test without one. */
    static void forgetTokens() {
        browser.open(server.url("/streams"));
        browser.script("sessionStorage.clear();");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.script(STATS);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> elementStats() {
        return (Map<String, Object>) browser.script(
                "const p = document.querySelector('sightline-player'); return p && p.stats ? p.stats() : null;");
    }
}
