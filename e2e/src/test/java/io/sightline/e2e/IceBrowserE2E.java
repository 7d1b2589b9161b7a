package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SFU's ICE in a real browser against the real distribution: passive ICE-TCP when the browser may not use UDP,
 * an ICE restart through WHEP PATCH while playing, and consent freshness dropping a viewer whose browser died
 * without a word. The server boots with a short consent timeout ({@value #CONSENT_TIMEOUT_SECONDS} s) so the
 * last case takes seconds, not the default 30.
 */
class IceBrowserE2E {
    private static final int CONSENT_TIMEOUT_SECONDS = 10;
    /**
     * Chromium refreshes consent every few seconds (RFC 7675: 4-6 s) and the server checks every timeout/4, so
     * a live viewer never comes near 10 s without a check, and a dead one is gone within timeout + a check period.
     */
    private static final Duration DROP_SLACK = Duration.ofSeconds(5);
    /**
     * A WHEP viewer in the page, on the server's origin: POST an offer, apply the answer, report getStats (frames
     * decoded and the selected candidate pair), restart ICE through PATCH (RFC 9725 §4.4.2) and stop with DELETE.
     */
    private static final String VIEWER = """
            window.iceViewer = (() => {
              const v = {};
              const field = (sdp, name) => { const m = new RegExp('a=' + name + ':(.*)\\r?\\n').exec(sdp); return m && m[1].trim(); };
              v.start = async (stream) => {
                const pc = new RTCPeerConnection();
                v.pc = pc;
                pc.addTransceiver('video', {direction: 'recvonly'});
                const video = document.createElement('video');
                video.muted = true; video.autoplay = true; video.playsInline = true;
                document.body.appendChild(video);
                pc.ontrack = e => { video.srcObject = e.streams[0] || new MediaStream([e.track]); };
                const offer = await pc.createOffer();
                await pc.setLocalDescription(offer);
                const r = await fetch('/whep/' + stream, {method: 'POST', headers: {'Content-Type': 'application/sdp'}, body: offer.sdp});
                const body = await r.text();
                if (r.status !== 201) { throw new Error('POST ' + r.status + ': ' + body); }
                v.session = new URL(r.headers.get('Location'), location.href).href;
                v.etag = r.headers.get('ETag');
                await pc.setRemoteDescription({type: 'answer', sdp: body});
                return {session: v.session, etag: v.etag, answerUfrag: field(body, 'ice-ufrag'), answer: body};
              };
              v.stats = async () => {
                const st = await v.pc.getStats();
                const out = {frames: 0, connection: v.pc.connectionState, ice: v.pc.iceConnectionState};
                let pairId = null;
                st.forEach(x => {
                  if (x.type === 'transport' && x.selectedCandidatePairId) { pairId = x.selectedCandidatePairId; }
                  if (x.type === 'inbound-rtp' && x.kind === 'video') { out.frames = x.framesDecoded || 0; }
                });
                const pair = pairId && st.get(pairId);
                if (pair) {
                  const local = st.get(pair.localCandidateId), remote = st.get(pair.remoteCandidateId);
                  out.pair = pairId;
                  out.localProtocol = local.protocol; out.localTcpType = local.tcpType || null;
                  out.remoteProtocol = remote.protocol; out.remoteTcpType = remote.tcpType || null;
                  out.remote = remote.address + ':' + remote.port;
                  out.remoteUfrag = remote.usernameFragment || null;
                  out.checksAnswered = pair.responsesReceived || 0;
                }
                return out;
              };
              v.restart = async () => {
                v.pc.restartIce();
                const offer = await v.pc.createOffer({iceRestart: true});
                await v.pc.setLocalDescription(offer);
                const sdp = offer.sdp;
                const mline = sdp.split(/\\r?\\n/).find(l => l.startsWith('m='));
                const frag = 'a=ice-options:trickle ice2\\r\\n' + mline + '\\r\\na=mid:' + field(sdp, 'mid')
                    + '\\r\\na=ice-ufrag:' + field(sdp, 'ice-ufrag') + '\\r\\na=ice-pwd:' + field(sdp, 'ice-pwd') + '\\r\\n';
                const r = await fetch(v.session, {method: 'PATCH', body: frag,
                    headers: {'Content-Type': 'application/trickle-ice-sdpfrag', 'If-Match': '*'}});
                const body = await r.text();
                const out = {status: r.status, type: r.headers.get('Content-Type'), etag: r.headers.get('ETag'), body,
                    localUfrag: field(sdp, 'ice-ufrag')};
                if (r.status !== 200) { return out; }
                out.ufrag = field(body, 'ice-ufrag');
                const pwd = field(body, 'ice-pwd');
                const remote = v.pc.remoteDescription.sdp
                    .replace(/a=ice-ufrag:.*\\r\\n/g, 'a=ice-ufrag:' + out.ufrag + '\\r\\n')
                    .replace(/a=ice-pwd:.*\\r\\n/g, 'a=ice-pwd:' + pwd + '\\r\\n');
                await v.pc.setRemoteDescription({type: 'answer', sdp: remote});
                return out;
              };
              v.trickle = async (etag) => {
                const sdp = v.pc.localDescription.sdp;
                const frag = 'a=ice-ufrag:' + field(sdp, 'ice-ufrag') + '\\r\\na=ice-pwd:' + field(sdp, 'ice-pwd')
                    + '\\r\\nm=video 9 UDP/TLS/RTP/SAVPF 0\\r\\na=mid:' + field(sdp, 'mid') + '\\r\\na=end-of-candidates\\r\\n';
                const r = await fetch(v.session, {method: 'PATCH', body: frag,
                    headers: {'Content-Type': 'application/trickle-ice-sdpfrag', 'If-Match': etag}});
                return r.status;
              };
              // DELETE before close: a closed peer connection sends DTLS close_notify, and the server ends the session on it.
              v.stop = async () => { const r = await fetch(v.session, {method: 'DELETE'}); v.pc.close(); return r.status; };
              return v;
            })();
            """;

    private static IceTestServer server;

    @BeforeAll
    static void boot() throws Exception {
        server = IceTestServer.start(Path.of(SightlineServerExtension.property("sightline.distribution")),
                Path.of(SightlineServerExtension.property("e2e.workDir")).resolveSibling("e2e-run-ice"),
                CONSENT_TIMEOUT_SECONDS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void withUdpBlockedTheViewerPlaysOverPassiveIceTcp() throws Exception {
        // Chromium then opens no UDP socket at all: only active TCP candidates (not even surfaced to the page on this
        // machine, whose networks Chromium sees as wildcards), which reach the server's passive ICE-TCP port.
        try (IceChromium browser = IceChromium.launch(Map.of("webrtc.ip_handling_policy", "disable_non_proxied_udp"))) {
            Map<String, Object> session = play(browser);
            assertTrue(String.valueOf(session.get("answer")).contains(" tcp "), "a TCP candidate in the answer");
            // The server runs with SIGHTLINE_BIND_ADDRESS=127.0.0.1: its media follows, and offers nothing else.
            List<String> candidates = String.valueOf(session.get("answer")).lines()
                    .filter(l -> l.startsWith("a=candidate:")).map(l -> l.split(" ")[4]).distinct().toList();
            assertEquals(List.of("127.0.0.1"), candidates, "candidate addresses of the answer");

            Map<String, Object> playing = decoding(browser, 30);
            System.out.println("ICE-TCP playing: " + playing);
            assertEquals("tcp", playing.get("localProtocol"), "local candidate of the selected pair: " + playing);
            assertEquals("tcp", playing.get("remoteProtocol"), "remote candidate of the selected pair: " + playing);
            assertEquals("passive", playing.get("remoteTcpType"), playing.toString());
            assertTrue(String.valueOf(playing.get("remote")).endsWith(":" + server.mediaPort()), playing.toString());
            assertTrue(Pattern.compile("Session " + sessionId(session) + " of 'demo' connected \\([^)]*, tcp\\)")
                    .matcher(serverLog()).find(), "the server says the session connected over TCP");
            // Frames keep coming over TCP, not just a first burst.
            long frames = number(playing, "frames");
            decoding(browser, frames + 30);
            assertEquals(200L, number(browser.script("return window.iceViewer.stop();")));
        }
    }

    @Test
    void anIceRestartThroughPatchKeepsThePictureAndMovesToTheNewCredentials() throws Exception {
        try (IceChromium browser = IceChromium.launch()) {
            Map<String, Object> session = play(browser);
            Map<String, Object> before = decoding(browser, 30);
            String firstUfrag = String.valueOf(session.get("answerUfrag"));
            String firstEtag = String.valueOf(session.get("etag"));
            assertEquals(firstUfrag, before.get("remoteUfrag"), "the pair uses the answer's ufrag: " + before);

            Map<String, Object> restart = map(browser.script("return window.iceViewer.restart();"));
            System.out.println("ICE restart: " + restart);
            assertEquals(200L, number(restart, "status"), String.valueOf(restart.get("body")));
            assertTrue(String.valueOf(restart.get("type")).startsWith("application/trickle-ice-sdpfrag"), restart.toString());
            String ufrag = (String) restart.get("ufrag");
            assertNotNull(ufrag, "new ice-ufrag in the 200 body: " + restart);
            assertNotEquals(firstUfrag, ufrag);
            assertTrue(String.valueOf(restart.get("body")).contains("a=ice-pwd:"), restart.toString());
            String etag = (String) restart.get("etag");
            assertNotNull(etag, "a new ETag after the restart");
            assertNotEquals(firstEtag, etag);

            Map<String, Object> after = browser.await(Duration.ofSeconds(15), "on a pair with the new ufrag and decoding",
                    () -> stats(browser), s -> ufrag.equals(s.get("remoteUfrag"))
                            && number(s, "frames") > number(before, "frames") + 30);
            System.out.println("after restart: " + after);
            assertEquals("connected", after.get("connection"));
            // The entity tag moved with the ICE session: trickle answers to the new one only.
            assertEquals(412L, number(browser.script("return window.iceViewer.trickle(arguments[0]);", firstEtag)));
            assertEquals(204L, number(browser.script("return window.iceViewer.trickle(arguments[0]);", etag)));
            assertEquals(200L, number(browser.script("return window.iceViewer.stop();")));
        }
    }

    @Test
    void aViewerWhoseBrowserDiesIsDroppedWhenConsentExpires() throws Exception {
        int baseline = server.demoViewers();
        IceChromium browser = IceChromium.launch();
        try {
            Map<String, Object> session = play(browser);
            long frames = number(decoding(browser, 15), "frames");
            assertEquals(baseline + 1, server.demoViewers(), "the server counts the new viewer");
            // A live viewer outlasts the timeout: its consent checks keep the session (and the picture) going.
            Thread.sleep(Duration.ofSeconds(CONSENT_TIMEOUT_SECONDS + 2).toMillis());
            Map<String, Object> alive = stats(browser);
            System.out.printf("consent: %d checks answered in the first %d s of play%n",
                    number(alive, "checksAnswered"), CONSENT_TIMEOUT_SECONDS + 2);
            assertEquals("connected", alive.get("connection"), "still connected after the timeout: " + alive);
            assertTrue(number(alive, "frames") > frames + 30 * CONSENT_TIMEOUT_SECONDS / 2, "still decoding: " + alive);
            assertEquals(baseline + 1, server.demoViewers(), "a live viewer is not dropped");

            long killedAt = System.nanoTime();
            int killed = browser.killHard();
            System.out.printf("consent: SIGKILL of %d browser processes, all gone after %d ms%n", killed,
                    (System.nanoTime() - killedAt) / 1_000_000);
            Duration limit = Duration.ofSeconds(CONSENT_TIMEOUT_SECONDS).plus(DROP_SLACK);
            while (server.demoViewers() > baseline) {
                assertTrue(System.nanoTime() - killedAt < limit.toNanos(), "viewer still counted " + limit.toSeconds()
                        + " s after its browser (" + killed + " processes) was killed");
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            System.out.printf("consent: viewer dropped %.1f s after SIGKILL of %d browser processes (timeout %d s)%n",
                    seconds, killed, CONSENT_TIMEOUT_SECONDS);
            // The session itself is gone, not just uncounted: its URL no longer exists.
            int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create((String) session.get("session")))
                    .DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            assertEquals(404, status, "DELETE of the expired session");
            assertTrue(serverLog().contains("Session " + sessionId(session) + " of 'demo': viewer stopped answering consent checks"),
                    "the server says consent expired, not that the viewer left");
        } finally {
            browser.close();
        }
    }

    /** Opens a page of the server's origin, installs the viewer and starts it on the demo stream. */
    private static Map<String, Object> play(IceChromium browser) {
        browser.open(server.url("/health"));
        browser.script(VIEWER);
        return map(browser.script("return window.iceViewer.start('demo');"));
    }

    private static String sessionId(Map<String, Object> session) {
        return String.valueOf(session.get("session")).replaceAll(".*/", "");
    }

    /** The server's log: it names the transport a session connected on and why a session ended. */
    private static String serverLog() throws IOException {
        return Files.readString(server.home().resolve("data/log/karaf.log"));
    }

    private static Map<String, Object> decoding(IceChromium browser, long frames) throws InterruptedException {
        return browser.await(Duration.ofSeconds(20), "connected with more than " + frames + " frames decoded",
                () -> stats(browser), s -> "connected".equals(s.get("connection")) && number(s, "frames") > frames);
    }

    private static Map<String, Object> stats(IceChromium browser) {
        return map(browser.script("return window.iceViewer.stats();"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.MIN_VALUE;
    }

    private static long number(Map<String, Object> map, String key) {
        return number(map.get(key));
    }
}
