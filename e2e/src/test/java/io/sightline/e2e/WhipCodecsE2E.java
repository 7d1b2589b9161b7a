package io.sightline.e2e;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
 * VP9 and AV1 publishers (issue 17 point 3) with real parts: the distribution with the admin API, a headless
 * Chromium publishing its fake camera over WHIP with {@code setCodecPreferences} limited to VP9 (profile 0) or AV1,
 * a second Chromium watching in the player (whose offer has every codec: it gets the publisher's packets as they
 * came, no rendition encoder runs), and the same Chromium as a WHEP client whose offer lacks VP9 and AV1: it gets the
 * VP8 rung, decoded from the publisher's VP9 or AV1 by the stream's shared decoder and encoded once; a P2P viewer of
 * a VP9 publisher's stream gets pictures from the same decoder. AV1 runs only when the Chromium encodes it ({@code RTCRtpSender.getCapabilities('video')}; the test prints what it offers).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WhipCodecsE2E {
    @RegisterExtension
    static final HeadlessChromium publisher = new HeadlessChromium(
            List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"));
    @RegisterExtension
    static final HeadlessChromium viewer = new HeadlessChromium();
    private static final String VP9 = "vp9cam";
    private static final String AV1 = "av1cam";
    private static final String PAGE = "pagecam";
    private static final String P2P = "vp9p2p";
    private static final String ADMIN = "codecadmin";
    private static final String ADMIN_PASSWORD = "c0dec-adm1n";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    /** A WHEP client whose offer leaves out the codecs in arguments[2]; it shows the video in a muted element. */
    private static final String WHEP_WITHOUT = String.join("\n",
            "const token = arguments[0], stream = arguments[1], drop = arguments[2];",
            "window.view = {state: 'starting'};",
            "(async () => {",
            "  const pc = new RTCPeerConnection();",
            "  window.viewPc = pc;",
            "  const video = document.createElement('video');",
            "  video.muted = true; video.autoplay = true; video.playsInline = true;",
            "  document.body.appendChild(video);",
            "  pc.ontrack = e => { if (e.track.kind === 'video') { video.srcObject = new MediaStream([e.track]);",
            "    video.play().catch(() => {}); } };",
            "  const tr = pc.addTransceiver('video', {direction: 'recvonly'});",
            "  pc.addTransceiver('audio', {direction: 'recvonly'});",
            "  tr.setCodecPreferences(RTCRtpReceiver.getCapabilities('video').codecs",
            "      .filter(c => !drop.includes(c.mimeType.toLowerCase())));",
            "  await pc.setLocalDescription(await pc.createOffer());",
            "  await new Promise(done => {",
            "    if (pc.iceGatheringState === 'complete') { done(); return; }",
            "    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());",
            "    setTimeout(done, 3000);",
            "  });",
            "  window.view.offerHasDropped = drop.some(d => pc.localDescription.sdp.toLowerCase()",
            "      .includes(d.replace('video/', '') + '/90000'));",
            "  const r = await fetch('/whep/' + stream, {method: 'POST', body: pc.localDescription.sdp,",
            "      headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token}});",
            "  window.view.status = r.status;",
            "  const answer = await r.text();",
            "  if (r.status !== 201) { window.view.state = 'refused ' + r.status + ': ' + answer; return; }",
            "  await pc.setRemoteDescription({type: 'answer', sdp: answer});",
            "  window.view.state = 'answered';",
            "})().catch(e => window.view.state = 'error ' + e);");
    private static final String VIEWED = String.join("\n",
            "const pc = window.viewPc; if (!pc || !window.view) return window.view || null;",
            "const out = {state: window.view.state, status: window.view.status, dropped: window.view.offerHasDropped};",
            "return pc.getStats().then(stats => { stats.forEach(s => {",
            "  if (s.type === 'inbound-rtp' && s.kind === 'video') { out.framesDecoded = s.framesDecoded;",
            "    out.width = s.frameWidth; const c = stats.get(s.codecId); if (c) out.mimeType = c.mimeType; }",
            "}); return out; });");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SightlineServer server;

    @BeforeAll
    static void start() throws Exception {
        server = SightlineServer.start(Path.of(SightlineServerExtension.property("sightline.distribution")),
                Path.of(SightlineServerExtension.property("e2e.workDir") + "-whip-codecs"),
                WhipCodecsE2E::withAdminApiAndTwoWhipStreams);
        assumeTrue(server.publishToken(VP9).isPresent(), "the distribution has no JWT provider");
        awaitStream(VP9, "idle", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void withAdminApiAndTwoWhipStreams(Path home) throws IOException {
        DistributionHome.bootFeature(home, "sightline-admin-api");
        DistributionHome.addAdmin(home, ADMIN, ADMIN_PASSWORD, "codecadmins");
        for (String name : List.of(VP9, AV1, PAGE, P2P)) {
            Files.writeString(home.resolve("etc/io.sightline.stream-" + name + ".cfg"), String.join("\n",
                    "source.type = whip", "access = token", "publish.reconnect.seconds = 60",
                    name.equals(P2P) ? "transport.mode = p2p" : "", ""));
        }
        // The P2P transport (libwebrtc, ephemeral media ports), installed at boot by a features file in deploy/.
        Files.writeString(home.resolve("deploy/sightline-p2p-e2e.xml"), String.join("\n",
                "<features name=\"sightline-p2p-e2e\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">",
                "  <feature name=\"sightline-p2p-e2e\" version=\"1.0.0\" install=\"auto\">",
                "    <feature>sightline-transport-p2p</feature>",
                "  </feature>",
                "</features>", ""), StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void aVp9PublisherIsPassedThroughAndAViewerWithoutVp9GetsTheVp8Rung() throws Exception {
        publisher.open(server.url("/health"));
        System.out.println("Chromium sends: " + publisher.script(
                "return RTCRtpSender.getCapabilities('video').codecs.map(c => c.mimeType + ' '"
                        + " + (c.sdpFmtpLine || '')).filter(c => !c.includes('rtx') && !c.includes('red')"
                        + " && !c.includes('ulpfec') && !c.includes('flexfec')).join(', ');"));
        passesThroughAndFallsBack(VP9, "vp9", "VP9");
    }

    @Test
    @Order(2)
    void anAv1PublisherIsPassedThroughAndAViewerWithoutAv1GetsTheVp8Rung() throws Exception {
        publisher.open(server.url("/health"));
        Object av1 = publisher.script("return RTCRtpSender.getCapabilities('video').codecs"
                + ".some(c => c.mimeType.toLowerCase() === 'video/av1');");
        assumeTrue(Boolean.TRUE.equals(av1), "this Chromium does not encode AV1");
        passesThroughAndFallsBack(AV1, "av1", "AV1");
    }

    /**
     * Point 4: the publish page meets a 409 because the stream's publisher is connected but silent (a tab whose
     * camera stopped; here the test's own publisher in the same page with its senders emptied). The page shows why
     * and tries again; once the old session ends (it closes its peer connection) the page goes live.
     */
    @Test
    @Order(3)
    void thePublishPageWaitsForASilentOldPublisherToLeave() throws Exception {
        String token = server.publishToken(PAGE).orElseThrow();
        publisher.open(server.url("/publish/" + PAGE + "?token=" + token));
        publisher.script(WhipTestPublisher.PUBLISH, token, PAGE, "h264");
        publisher.await(Duration.ofSeconds(30), "the old publisher connected", WhipCodecsE2E::published,
                p -> p != null && "connected".equals(p.get("state")) && HeadlessChromium.number(p, "framesEncoded") > 30);
        awaitStream(PAGE, "live", Duration.ofSeconds(15));
        publisher.script("window.pubSenders.forEach(x => x.sender.replaceTrack(null));");
        awaitStreamShowing(PAGE, "sends no media", Duration.ofSeconds(10));

        publisher.script("window.sightlinePublisher.start().catch(() => {}); return true;");
        Map<String, Object> waiting = publisher.await(Duration.ofSeconds(20), "the page waiting",
                WhipCodecsE2E::page, p -> p != null && HeadlessChromium.number(p, "status") == 409
                        && !"connecting".equals(p.get("state")));
        System.out.println("publish page after the 409: " + waiting);
        assertEquals("reconnecting", waiting.get("state"), waiting.toString());
        assertTrue(String.valueOf(waiting.get("reason")).contains("sends no media")
                && String.valueOf(waiting.get("reason")).contains("waiting for the old publisher"), waiting.toString());

        publisher.script("window.pubPc.close();");
        Map<String, Object> live = publisher.await(Duration.ofSeconds(40), "the page live", WhipCodecsE2E::page,
                p -> p != null && ("live".equals(p.get("state")) || "failed".equals(p.get("state"))));
        System.out.println("publish page after the old publisher left: " + live);
        assertEquals("live", live.get("state"), live.toString());
        awaitStream(PAGE, "live", Duration.ofSeconds(15));
        publisher.script("window.sightlinePublisher.stop(); return true;");
    }

    /** A P2P viewer of a VP9 publisher's stream: libwebrtc encodes the pictures of the stream's shared decoder. */
    @Test
    @Order(4)
    void aP2pViewerOfAVp9PublisherGetsThePicturesOfTheSharedDecoder() throws Exception {
        publisher.open(server.url("/health"));
        publisher.script(WhipTestPublisher.PUBLISH, server.publishToken(P2P).orElseThrow(), P2P, "vp9");
        publisher.await(Duration.ofSeconds(30), "publishing VP9", WhipCodecsE2E::published,
                p -> p != null && "connected".equals(p.get("state")) && HeadlessChromium.number(p, "framesEncoded") > 30);
        awaitStream(P2P, "live", Duration.ofSeconds(15));
        viewer.open(server.url("/play/" + P2P + "?stats=1&token=" + server.readToken(P2P).orElseThrow()));
        Map<String, Object> s = viewer.await(Duration.ofSeconds(45), "decoding over P2P", WhipCodecsE2E::stats,
                v -> v != null && "live".equals(v.get("state")) && HeadlessChromium.number(v, "framesDecoded") > 30);
        System.out.println("P2P viewer of the VP9 publisher: " + s);
        assertEquals(640.0, HeadlessChromium.number(s, "width"), s.toString());
        String detail = admin("GET", "/api/streams/" + P2P).body();
        assertTrue(detail.contains("\"viewers\":{\"p2p\":1}") && detail.contains("\"codec\":\"vp9\""),
                "one P2P viewer of the VP9 stream: " + detail);
        viewer.screenshot("WhipCodecsE2E-vp9-p2p");
        publisher.script("window.pubPc.close();");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> page() {
        return (Map<String, Object>) publisher.script(
                "return window.sightlinePublisher ? window.sightlinePublisher.stats() : null;");
    }

    private static void passesThroughAndFallsBack(String stream, String codec, String codecName) throws Exception {
        publisher.script(WhipTestPublisher.PUBLISH, server.publishToken(stream).orElseThrow(), stream, codec);
        Map<String, Object> pub = publisher.await(Duration.ofSeconds(30), "publishing " + codecName,
                WhipCodecsE2E::published, p -> p != null && "connected".equals(p.get("state"))
                        && HeadlessChromium.number(p, "framesEncoded") > 30);
        System.out.println("publisher " + codecName + ": " + pub);
        assertEquals("video/" + codecName, pub.get("mimeType"), pub.toString());
        awaitStream(stream, "live", Duration.ofSeconds(15));
        assertEquals(codecName, publisherEntry(stream).get("videoCodec"));
        String detail = admin("GET", "/api/streams/" + stream).body();
        assertTrue(detail.contains("\"codec\":\"" + codec + "\""), "the stream's video track: " + detail);

        String read = server.readToken(stream).orElseThrow();
        viewer.open(server.url("/play/" + stream + "?stats=1&token=" + read));
        Map<String, Object> s = viewer.await(Duration.ofSeconds(30), "decoding " + codecName, WhipCodecsE2E::stats,
                v -> v != null && "live".equals(v.get("state")) && HeadlessChromium.number(v, "framesDecoded") > 30);
        System.out.println(codecName + " viewer: " + s);
        assertTrue(String.valueOf(s.get("codec")).startsWith(codecName), "passed through: " + s);
        Thread.sleep(4000);
        Map<String, Object> later = stats();
        double decoded = HeadlessChromium.number(later, "framesDecoded") - HeadlessChromium.number(s, "framesDecoded");
        double dropped = HeadlessChromium.number(later, "framesDropped") - HeadlessChromium.number(s, "framesDropped");
        System.out.println(codecName + " viewer over the next 4 s: " + decoded + " frames decoded, " + dropped
                + " dropped; " + later);
        assertTrue(decoded > 20, "goes on decoding: " + later);
        assertEquals(640.0, HeadlessChromium.number(s, "width"), s.toString());
        String json = streamJson(stream);
        System.out.println("stream while only the " + codecName + " viewer watches: " + json);
        assertTrue(json.contains("\"renditions\":[]"), "no rendition encoder runs for a passthrough viewer: " + json);
        viewer.screenshot("WhipCodecsE2E-" + codec);

        viewer.open(server.url("/health"));
        viewer.script(WHEP_WITHOUT, read, stream, List.of("video/vp9", "video/av1"));
        Map<String, Object> fallback = viewer.await(Duration.ofSeconds(45), "decoding the fallback rung",
                WhipCodecsE2E::viewed, v -> v != null && HeadlessChromium.number(v, "framesDecoded") > 30
                        || String.valueOf(v == null ? "" : v.get("state")).startsWith("refused")
                        || String.valueOf(v == null ? "" : v.get("state")).startsWith("error"));
        System.out.println("viewer without VP9/AV1: " + fallback + "; stream: " + streamJson(stream));
        assertEquals(Boolean.FALSE, fallback.get("dropped"), "the offer had neither VP9 nor AV1: " + fallback);
        assertEquals(201.0, HeadlessChromium.number(fallback, "status"), fallback.toString());
        assertEquals("video/VP8", fallback.get("mimeType"), fallback.toString());
        assertTrue(HeadlessChromium.number(fallback, "framesDecoded") > 30, fallback.toString());
        assertTrue(streamJson(stream).contains("\"codec\":\"vp8\""), "the VP8 rung runs: " + streamJson(stream));
        viewer.script("window.viewPc.close();");
        publisher.script("window.pubPc.close();");
    }

    private static HttpResponse<String> admin(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The stream's publisher in {@code /api/sessions?role=publisher}, flattened to a map of its JSON fields. */
    private static Map<String, Object> publisherEntry(String stream) throws Exception {
        String body = admin("GET", "/api/sessions?role=publisher").body();
        Matcher entry = Pattern.compile("\\{[^{}]*\"stream\":\"" + stream + "\"[^{}]*").matcher(body);
        assertTrue(entry.find(), body);
        Matcher m = Pattern.compile("\"([A-Za-z]+)\":(\"[^\"]*\"|[-0-9.]+)").matcher(entry.group());
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        while (m.find()) {
            String v = m.group(2);
            fields.putIfAbsent(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return fields;
    }

    private static String streamJson(String name) throws Exception {
        String body = admin("GET", "/api/streams").body();
        Matcher m = Pattern.compile("\\{\"name\":\"" + name + "\".*?\"renditions\":\\[[^\\]]*\\]").matcher(body);
        return m.find() ? m.group() : body;
    }

    private static void awaitStream(String name, String state, Duration timeout) throws Exception {
        awaitStreamShowing(name, "\"state\":\"" + state + "\"", timeout);
    }

    /** Waits until the stream's entry in {@code /api/streams} contains {@code text}. */
    private static void awaitStreamShowing(String name, String text, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String json;
        do {
            json = streamJson(name);
            if (json.contains(text)) {
                return;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError(name + " does not show " + text + " within " + timeout.toMillis() + " ms: " + json);
    }

    private static Map<String, Object> published() {
        return WhipTestPublisher.published(publisher);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) viewer.script(STATS);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> viewed() {
        return (Map<String, Object>) viewer.script(VIEWED);
    }
}
