package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * Issue 17: a simulcast publisher's layers appear as renditions (decision 0048). Headless Chromium (fake camera,
 * 1280x720) publishes three simulcast layers ({@code l}, {@code m}, {@code h}) over WHIP; the admin API lists them as
 * the stream's renditions, marked simulcast; a Chromium viewer decodes the top layer; a second Chromium viewer behind
 * {@link LimitedLinkRelay} (300 kbit/s) is moved to a lower layer and decodes smaller pictures there, and back to the
 * top layer once the relay carries 5 Mbit/s; and no rendition encoder ran for any of it (the stream's configured
 * ladder is not started while the layers serve). Malformed simulcast offers get 400 and leave the stream idle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimulcastPublishE2E {
    @RegisterExtension
    static final HeadlessChromium publisher = new HeadlessChromium(
            List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"));
    @RegisterExtension
    static final HeadlessChromium viewer = new HeadlessChromium();
    @RegisterExtension
    static final HeadlessChromium constrained = new HeadlessChromium();
    private static final String STREAM = "simcam";
    private static final String ADMIN = "simadmin";
    private static final String ADMIN_PASSWORD = "s1mulc4st-adm1n";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final Pattern CANDIDATE_PORT =
            Pattern.compile("(?i)a=candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 (\\d+) typ host");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SightlineServer server;

    @BeforeAll
    static void start() throws Exception {
        server = SightlineServer.start(Path.of(SightlineServerExtension.property("sightline.distribution")),
                Path.of(SightlineServerExtension.property("e2e.workDir") + "-simulcast"),
                SimulcastPublishE2E::withAdminApiAndAWhipStream);
        assumeTrue(server.publishToken(STREAM).isPresent(), "the distribution has no JWT provider");
        awaitState("idle", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void withAdminApiAndAWhipStream(Path home) throws IOException {
        DistributionHome.bootFeature(home, "sightline-admin-api");
        DistributionHome.addAdmin(home, ADMIN, ADMIN_PASSWORD, "simadmins");
        // The default ladder stays configured: while the layers serve, none of its rungs may start an encoder.
        Files.writeString(home.resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                "source.type = whip", "access = public", "publish.reconnect.seconds = 60", ""));
    }

    @Test
    @Order(1)
    void malformedSimulcastOffersGet400AndAllocateNothing() throws Exception {
        String token = server.publishToken(STREAM).orElseThrow();
        String rids = "a=rid:l send\r\na=rid:h send\r\n";
        String ext = "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n";
        Map<String, String> cases = Map.of(
                "an undeclared rid", ext + rids + "a=simulcast:send l;m;h\r\n",
                "a rid id with a space", ext + "a=rid:l l send\r\na=simulcast:send l\r\n",
                "a simulcast without direction", ext + rids + "a=simulcast:l;h\r\n",
                "no rtp-stream-id extension", rids + "a=simulcast:send l;h\r\n",
                "a recv rid in a publisher's simulcast", ext + "a=rid:l recv\r\na=simulcast:send l\r\n");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = post(token, offer(c.getValue()));
            System.out.println(c.getKey() + ": " + r.statusCode() + " " + r.body());
            assertEquals(400, r.statusCode(), c.getKey() + ": " + r.body());
        }
        awaitState("idle", Duration.ofSeconds(1));
        assertTrue(admin("GET", "/api/sessions?role=publisher").body().equals("[]"), "no publisher session");
    }

    @Test
    @Order(2)
    void theLayersAreRenditionsAndViewersDecodeTheTopAndALowerOne() throws Exception {
        String token = server.publishToken(STREAM).orElseThrow();
        publisher.open(server.url("/health"));
        publisher.script(WhipTestPublisher.PUBLISH, token, STREAM, "h264", "simulcast");
        Map<String, Object> sent = publisher.await(Duration.ofSeconds(30), "connected and sending three layers",
                SimulcastPublishE2E::published, s -> "connected".equals(s.get("state"))
                        && s.get("layers") instanceof Map<?, ?> l && l.size() == 3);
        System.out.println("publisher: " + sent);
        awaitState("live", Duration.ofSeconds(15));

        String layers = awaitStreamJson("three simulcast layers as renditions", Duration.ofSeconds(30),
                json -> count(json, "\"simulcast\":true") == 3);
        System.out.println("renditions of " + STREAM + ": " + layers);
        int topWidth = 0;
        List<Integer> widths = new ArrayList<>();
        Matcher w = Pattern.compile("\"width\":(\\d+),\"height\":\\d+,\"bitrateKbps\":\\d+,\"simulcast\":true")
                .matcher(layers);
        while (w.find()) {
            widths.add(Integer.parseInt(w.group(1)));
            topWidth = Math.max(topWidth, Integer.parseInt(w.group(1)));
        }
        assertEquals(3, widths.size(), layers);
        assertTrue(widths.stream().distinct().count() == 3, "three sizes: " + widths);

        // CI once saw this unconstrained viewer on layer l at its 41st picture (a transport-cc estimate of 216 kbit/s
        // on a loopback link, in the publisher's first seconds); 9 runs here, 6 with the CPU saturated by busy loops,
        // never moved it. A viewer moved down comes back after a probe shows the headroom, so what must hold is that
        // it decodes the top layer, the stream's own video, within the time that takes; the moves are printed.
        viewer.open(server.url("/play/" + STREAM + "?muted=1&stats=1"));
        int topW = topWidth;
        Map<String, Object> top;
        try {
            top = viewer.await(Duration.ofSeconds(45), "decoding the top layer (" + topW + " wide, rung 'source')",
                    SimulcastPublishE2E::stats, s -> "live".equals(s.get("state"))
                            && HeadlessChromium.number(s, "framesDecoded") > 30
                            && HeadlessChromium.number(s, "width") == topW
                            && "source".equals(s.get("serverRendition")));
        } finally {
            System.out.println("moves so far: " + moves());
        }
        System.out.println("viewer of the top layer: " + top);

        try (LimitedLinkRelay relay = new LimitedLinkRelay(new InetSocketAddress("127.0.0.1", sfuPort()), 300)) {
            constrained.beforeEachPage("""
                    const originalFetch = window.fetch;
                    window.fetch = async function (input, init) {
                      const post = init && init.method === 'POST' && String(input).includes('/whep/');
                      const response = await originalFetch.apply(this, arguments);
                      if (!post || response.status !== 201) return response;
                      const lines = (await response.text()).split('\\r\\n').filter((l) => !l.startsWith('a=candidate:'));
                      const at = lines.findIndex((l) => l.startsWith('a=ice-pwd:'));
                      lines.splice(at + 1, 0, 'a=candidate:1 1 udp 2130706431 127.0.0.1 %d typ host');
                      return new Response(lines.join('\\r\\n'), { status: response.status, headers: response.headers });
                    };""".formatted(relay.port()));
            constrained.open(server.url("/play/" + STREAM + "?muted=1&stats=1"));
            long start = System.nanoTime();
            Map<String, Object> lower = constrained.await(Duration.ofSeconds(60),
                    "on a lower layer and decoding smaller pictures", SimulcastPublishE2E::constrainedStats,
                    s -> String.valueOf(s.get("serverRendition")).contains("layer")
                            && HeadlessChromium.number(s, "width") > 0 && HeadlessChromium.number(s, "width") < topW);
            double framesThen = HeadlessChromium.number(lower, "framesDecoded");
            Map<String, Object> decoding = constrained.await(Duration.ofSeconds(20), "decoding on the lower layer",
                    SimulcastPublishE2E::constrainedStats, s -> HeadlessChromium.number(s, "framesDecoded")
                            > framesThen + 30 && HeadlessChromium.number(s, "width") < topW);
            System.out.printf("behind 300 kbit/s after %.1f s: %s (relay dropped %d)%n",
                    (System.nanoTime() - start) / 1e9, decoding, relay.dropped());
            String rung = String.valueOf(decoding.get("serverRendition"));
            String json = streamJson();
            System.out.println("renditions with the constrained viewer: " + json);
            assertTrue(Pattern.compile("\"rendition\":\"" + Pattern.quote(rung) + "\"[^}]*\"viewers\":1")
                    .matcher(json).find(), "the layer counts its viewer: " + json);
            assertEquals(0, count(json, "\"simulcast\":false"), "no encoded rung started: " + json);

            String metrics = HTTP.send(HttpRequest.newBuilder(server.url("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            List<String> cpu = metrics.lines().filter(l -> l.startsWith("sightline_rendition_encode_cpu_seconds_total{")
                    && l.contains("stream=\"" + STREAM + "\"")).toList();
            System.out.println("encode CPU series: " + cpu);
            assertEquals(3, cpu.size(), "one series per layer: " + cpu);
            assertTrue(cpu.stream().allMatch(l -> l.endsWith(" 0") || l.endsWith(" 0.0")), "no encoder ran: " + cpu);
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("sightline_rendition_viewers{")
                    && l.contains("rendition=\"" + rung + "\"") && l.contains("simulcast=\"true\"")
                    && l.endsWith(" 1")), "the layer's viewer in /metrics");
            viewer.screenshot("SimulcastPublishE2E-top");
            constrained.screenshot("SimulcastPublishE2E-lower");

            // Lifting the limit brings the viewer back to the top layer after probes: the way back the unconstrained
            // viewer above relies on when it was moved down.
            relay.rateKbps(5000);
            long lifted = System.nanoTime();
            Map<String, Object> back = constrained.await(Duration.ofSeconds(45), "back on the top layer (" + topW
                    + " wide) once the link carries 5 Mbit/s", SimulcastPublishE2E::constrainedStats,
                    s -> HeadlessChromium.number(s, "width") == topW && "source".equals(s.get("serverRendition")));
            System.out.printf("back on the top layer %.1f s after the limit went to 5 Mbit/s: %s%n",
                    (System.nanoTime() - lifted) / 1e9, back);
        }
    }

    /** The SFU's log lines about viewers' moves between rungs, for the output of a run that saw one. */
    private static List<String> moves() throws IOException {
        Path log = server.home().resolve("data/log/karaf.log");
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains("ViewerAdaptation")).toList();
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** A Chromium-shaped sendonly H.264 offer with the given simulcast lines in its video section. */
    private static String offer(String simulcastLines) {
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
                + "a=sendonly\r\na=rtcp-mux\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:actpass\r\na=fingerprint:sha-256 "
                + "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n"
                + simulcastLines;
    }

    private static HttpResponse<String> post(String token, String offer) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url("/whip/" + STREAM))
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> admin(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** This stream's part of {@code /api/streams}: from its name to the next stream's. */
    private static String streamJson() throws Exception {
        String body = admin("GET", "/api/streams").body();
        int at = body.indexOf("{\"name\":\"" + STREAM + "\"");
        if (at < 0) {
            return body;
        }
        int next = body.indexOf("{\"name\":\"", at + 1);
        return next < 0 ? body.substring(at) : body.substring(at, next);
    }

    private static String awaitStreamJson(String what, Duration timeout, java.util.function.Predicate<String> wanted)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String json;
        do {
            json = streamJson();
            if (wanted.test(json)) {
                return json;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError(STREAM + ": no " + what + " within " + timeout.toMillis() + " ms: " + json);
    }

    private static void awaitState(String state, Duration timeout) throws Exception {
        awaitStreamJson("state " + state, timeout, json -> json.contains("\"state\":\"" + state + "\""));
    }

    /** The SFU's UDP port: every session shares it, so one probe answer names it. */
    private static int sfuPort() throws Exception {
        var answer = WhepProbe.post(server, STREAM);
        Matcher m = CANDIDATE_PORT.matcher(answer.body());
        assertTrue(answer.statusCode() == 201 && m.find(), answer.statusCode() + " " + answer.body());
        return Integer.parseInt(m.group(1));
    }

    private static Map<String, Object> published() {
        return WhipTestPublisher.published(publisher);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) viewer.script(STATS);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> constrainedStats() {
        return (Map<String, Object>) constrained.script(STATS);
    }
}
