package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WHIP ingest with real parts: one headless Chromium publishes its fake camera and microphone to
 * {@code POST /whip/whipcam} (a page script doing what any WHIP client does), a second Chromium watches the stream in
 * the bundled player over WHEP and decodes it. The publisher closes its peer connection: the stream goes
 * {@code reconnecting}, the viewer stays; a new publication makes the same viewer session decode again. Refusals
 * (no token, a read-only token, malformed SDP) allocate nothing: the stream stays idle and the next publisher is
 * not refused as a second one. The console's publish page {@code /publish/whipcam} does the same from a browser: a
 * wrong token shows the refusal in words and leaves the stream as it was; the right one goes live, a new viewer
 * decodes, and the page counts it.
 */
@ExtendWith(SightlineServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WhipPublishE2E {
    @RegisterExtension
    static final HeadlessChromium publisher = new HeadlessChromium(
            List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"));
    @RegisterExtension
    static final HeadlessChromium viewer = new HeadlessChromium();
    private static final String STREAM = "whipcam";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final String WHEP_POSTS = "return performance.getEntriesByType('resource')"
            + ".filter(e => new URL(e.name).pathname === '/whep/" + STREAM + "').length;";
    private static final String PAGE_STATS =
            "return window.sightlinePublisher ? window.sightlinePublisher.stats() : null;";
    private static SightlineServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void whipStream(SightlineServer running) throws Exception {
        server = running;
        assumeTrue(server.publishToken(STREAM).isPresent(), "the distribution has no JWT provider");
        Files.writeString(server.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                "source.type = whip",
                "access = token",
                "publish.reconnect.seconds = 60", ""));
        awaitState("idle", Duration.ofSeconds(30));
    }

    @AfterAll
    static void removeStream() throws Exception {
        if (server != null) {
            Files.deleteIfExists(server.home().resolve("etc/io.sightline.stream-" + STREAM + ".cfg"));
        }
    }

    @Test
    @Order(1)
    void refusalsAllocateNothing() throws Exception {
        String offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
        assertEquals(401, post(null, offer).statusCode(), "no token");
        assertEquals(401, post("not.a.jwt", offer).statusCode(), "a forged token");
        HttpResponse<String> readOnly = post(server.readToken(STREAM).orElseThrow(), offer);
        assertEquals(403, readOnly.statusCode(), "a read-only token: " + readOnly.body());
        assertEquals(403, post(server.publishToken("other").orElseThrow(), offer).statusCode(),
                "a publish token for another stream");
        HttpResponse<String> malformed = post(server.publishToken(STREAM).orElseThrow(), "v=0\r\nthis is not sdp\r\n");
        assertEquals(400, malformed.statusCode(), malformed.body());
        HttpResponse<String> noMedia = post(server.publishToken(STREAM).orElseThrow(),
                "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        assertTrue(noMedia.statusCode() == 400 || noMedia.statusCode() == 406, noMedia.statusCode() + " "
                + noMedia.body());
        assertEquals(415, HTTP.send(HttpRequest.newBuilder(server.url("/whip/" + STREAM))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(offer)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        awaitState("idle", Duration.ofSeconds(1));
    }

    @Test
    @Order(2)
    void aBrowserPublishesAViewerWatchesAndStaysThroughARepublish() throws Exception {
        String publish = server.publishToken(STREAM).orElseThrow();
        publisher.open(server.url("/health"));
        publisher.script(WhipTestPublisher.PUBLISH, publish, STREAM);
        Map<String, Object> sent = publisher.await(Duration.ofSeconds(20), "connected and encoding",
                WhipPublishE2E::published, s -> "connected".equals(s.get("state"))
                        && HeadlessChromium.number(s, "framesEncoded") > 30);
        System.out.println("publisher: " + sent);
        awaitState("live", Duration.ofSeconds(10));

        viewer.open(server.url("/play/" + STREAM + "?stats=1&token=" + server.readToken(STREAM).orElseThrow()));
        Map<String, Object> live = viewer.await(Duration.ofSeconds(20), "live with more than 30 decoded frames",
                WhipPublishE2E::stats, s -> "live".equals(s.get("state"))
                        && HeadlessChromium.number(s, "framesDecoded") > 30);
        assertEquals(640.0, HeadlessChromium.number(live, "width"), "the publisher's picture: " + live);
        long posts = ((Number) viewer.script(WHEP_POSTS)).longValue();

        publisher.script("window.pubPc.close();");
        Instant closed = Instant.now();
        awaitState("reconnecting", Duration.ofSeconds(40));
        System.out.println("stream reconnecting " + Duration.between(closed, Instant.now()).toMillis()
                + " ms after the publisher closed its peer connection");
        double before = HeadlessChromium.number(stats(), "framesDecoded");

        publisher.script(WhipTestPublisher.PUBLISH, publish, STREAM);
        Instant again = Instant.now();
        publisher.await(Duration.ofSeconds(20), "publishing again", WhipPublishE2E::published,
                s -> "connected".equals(s.get("state")));
        viewer.await(Duration.ofSeconds(20), "decoding again (30 frames more than " + before + ")",
                WhipPublishE2E::stats, s -> HeadlessChromium.number(s, "framesDecoded") > before + 30);
        System.out.println("viewer decoding again " + Duration.between(again, Instant.now()).toMillis()
                + " ms after the second publication started: " + stats());
        assertEquals(posts, ((Number) viewer.script(WHEP_POSTS)).longValue(),
                "no new WHEP request: the viewer's session survived the publisher's absence");

        HttpResponse<String> second = post(publish, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
                + "a=sendonly\r\na=rtcp-mux\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:actpass\r\na=fingerprint:sha-256 "
                + "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n");
        assertEquals(409, second.statusCode(), "a second publisher while one is live: " + second.body());

        String location = (String) publisher.script("return window.pub.location;");
        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(server.url(location))
                .header("Authorization", "Bearer " + publish).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, deleted.statusCode());
        awaitState("reconnecting", Duration.ofSeconds(5));
        viewer.screenshot("WhipPublishE2E-viewer");
    }

    @Test
    @Order(3)
    void thePublishPageGoesLiveAndCountsItsViewer() throws Exception {
        publisher.open(server.url("/publish/" + STREAM + "?autostart=1&token="
                + server.readToken(STREAM).orElseThrow()));
        Map<String, Object> refused = publisher.await(Duration.ofSeconds(20), "failed with the server's refusal",
                WhipPublishE2E::page, s -> "failed".equals(s.get("state")));
        assertEquals(403.0, HeadlessChromium.number(refused, "status"), "a read-only token: " + refused);
        assertTrue(String.valueOf(refused.get("reason")).contains("may not publish"), "in words: " + refused);
        assertTrue(!(Boolean) publisher.script("return document.getElementById('start').disabled;"),
                "the page may be started again");
        awaitState("reconnecting", Duration.ofSeconds(1));

        publisher.open(server.url("/publish/" + STREAM + "?autostart=1&token="
                + server.publishToken(STREAM).orElseThrow()));
        Map<String, Object> live = publisher.await(Duration.ofSeconds(30), "live and sending",
                WhipPublishE2E::page, s -> "live".equals(s.get("state"))
                        && HeadlessChromium.number(s, "bitrateKbps") > 50);
        System.out.println("publish page: " + live);
        awaitState("live", Duration.ofSeconds(10));
        // The previous test's player leaves (its pagehide sends DELETE), so the count below is the new viewer's.
        viewer.open(server.url("/health"));
        publisher.await(Duration.ofSeconds(15), "the page counting no viewer", WhipPublishE2E::page,
                s -> HeadlessChromium.number(s, "viewers") == 0);

        viewer.open(server.url("/play/" + STREAM + "?stats=1&token=" + server.readToken(STREAM).orElseThrow()));
        viewer.await(Duration.ofSeconds(20), "a new viewer decoding the page's pictures", WhipPublishE2E::stats,
                s -> "live".equals(s.get("state")) && HeadlessChromium.number(s, "framesDecoded") > 30);
        Map<String, Object> counted = publisher.await(Duration.ofSeconds(10), "the page counting the viewer",
                WhipPublishE2E::page, s -> HeadlessChromium.number(s, "viewers") >= 1);
        System.out.println("publish page with its viewer: " + counted);
        publisher.screenshot("WhipPublishE2E-publish-page");

        publisher.click("#stop");
        publisher.await(Duration.ofSeconds(5), "idle after Stop", WhipPublishE2E::page,
                s -> "idle".equals(s.get("state")));
        awaitState("reconnecting", Duration.ofSeconds(5));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> page() {
        return (Map<String, Object>) publisher.script(PAGE_STATS);
    }

    private static HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url("/whip/" + STREAM))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitState(String state, Duration timeout) throws Exception {
        Pattern wanted = Pattern.compile("\"" + STREAM + "\":\\{[^}]*\"state\":\"" + state + "\"");
        Instant deadline = Instant.now().plus(timeout);
        String body = "";
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

    private static Map<String, Object> published() {
        return WhipTestPublisher.published(publisher);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) viewer.script(STATS);
    }
}
