package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * The rest of a WHIP publication's life with real parts (the distribution with the admin API, headless Chromium
 * publishers with a fake camera, a second Chromium watching in the player):
 * <ul>
 * <li>a publisher whose session stays up but that stops sending media (its senders' tracks replaced by none) puts the
 * stream in {@code reconnecting} within a few seconds, a second publisher gets a 409 that says why, the core's 10 s
 * silence watchdog never restarts the source (the stream is still {@code reconnecting} for the same reason after
 * 13 s), and media coming back makes it {@code live} with the viewer decoding again;</li>
 * <li>{@code /api/sessions} lists the publisher (role, codec, packets in, PLIs) and ends it with DELETE;</li>
 * <li>a publisher forced to VP8 (setCodecPreferences) is passed through: the viewer decodes VP8;</li>
 * <li>{@code whip.auto.create}: off, a publish to an unknown stream gets 404 and creates nothing; on, the same publish
 * creates the stream (its file in etc/) and goes live.</li>
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WhipPublisherLifecycleE2E {
    @RegisterExtension
    static final HeadlessChromium publisher = new HeadlessChromium(
            List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"));
    @RegisterExtension
    static final HeadlessChromium viewer = new HeadlessChromium();
    private static final String STREAM = "lifecam";
    private static final String AUTO = "autocam";
    private static final String ADMIN = "whipadmin";
    private static final String ADMIN_PASSWORD = "wh1p-adm1n";
    private static final String STATS = "return window.sightlinePlayer ? window.sightlinePlayer.stats() : null;";
    private static final String SILENCE = "window.pubSenders.forEach(x => x.sender.replaceTrack(null));";
    private static final String RESUME = "window.pubSenders.forEach(x => x.sender.replaceTrack(x.track));";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SightlineServer server;

    @BeforeAll
    static void start() throws Exception {
        server = SightlineServer.start(Path.of(SightlineServerExtension.property("sightline.distribution")),
                Path.of(SightlineServerExtension.property("e2e.workDir") + "-whip-lifecycle"),
                WhipPublisherLifecycleE2E::withAdminApiAndAWhipStream);
        assumeTrue(server.publishToken(STREAM).isPresent(), "the distribution has no JWT provider");
        awaitStream(STREAM, "idle", null, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void withAdminApiAndAWhipStream(Path home) throws IOException {
        DistributionHome.bootFeature(home, "sightline-admin-api");
        DistributionHome.addAdmin(home, ADMIN, ADMIN_PASSWORD, "whipadmins");
        Files.writeString(home.resolve("etc/io.sightline.stream-" + STREAM + ".cfg"), String.join("\n",
                "source.type = whip", "access = token", "publish.reconnect.seconds = 60", ""));
    }

    @Test
    @Order(1)
    void aSilentPublisherKeepsTheStreamReconnectingUntilItSendsAgain() throws Exception {
        String token = server.publishToken(STREAM).orElseThrow();
        publish(token, STREAM, "h264");
        awaitStream(STREAM, "live", null, Duration.ofSeconds(10));
        viewer.open(server.url("/play/" + STREAM + "?stats=1&token=" + server.readToken(STREAM).orElseThrow()));
        viewer.await(Duration.ofSeconds(20), "decoding", WhipPublisherLifecycleE2E::stats,
                s -> "live".equals(s.get("state")) && HeadlessChromium.number(s, "framesDecoded") > 30);

        Map<String, Object> listed = publisherEntry();
        System.out.println("publisher in /api/sessions: " + listed);
        assertEquals("H264", listed.get("videoCodec"), listed.toString());
        assertEquals("opus", listed.get("audioCodec"), listed.toString());
        assertEquals("whip", listed.get("transport"));
        assertTrue(listed.toString().matches(".*packetsReceived=[1-9].*"), listed.toString());
        assertTrue(listed.toString().matches(".*plisSent=[1-9].*"), "the viewer's join asked for a keyframe: "
                + listed);

        publisher.script(SILENCE);
        Instant silent = Instant.now();
        awaitStream(STREAM, "reconnecting", "sends no media", Duration.ofSeconds(8));
        System.out.println("stream reconnecting " + Duration.between(silent, Instant.now()).toMillis()
                + " ms after the publisher stopped sending");
        HttpResponse<String> second = post(token, STREAM);
        assertEquals(409, second.statusCode(), second.body());
        assertTrue(second.body().contains("sends no media"), "a 409 that says why: " + second.body());

        Thread.sleep(Math.max(0, 13_000 - Duration.between(silent, Instant.now()).toMillis()));
        String after = streamJson(STREAM);
        assertTrue(after.contains("\"state\":\"reconnecting\"") && after.contains("sends no media"),
                "13 s of silence: still reconnecting for the same reason, no watchdog restart: " + after);
        assertEquals("connected", publisher.script("return window.pubPc.connectionState;"));

        double before = HeadlessChromium.number(stats(), "framesDecoded");
        publisher.script(RESUME);
        awaitStream(STREAM, "live", null, Duration.ofSeconds(10));
        viewer.await(Duration.ofSeconds(20), "decoding again", WhipPublisherLifecycleE2E::stats,
                s -> HeadlessChromium.number(s, "framesDecoded") > before + 30);

        String id = (String) publisherEntry().get("id");
        assertEquals(204, admin("DELETE", "/api/sessions/" + id).statusCode());
        awaitStream(STREAM, "reconnecting", "publisher left", Duration.ofSeconds(5));
        assertEquals("[]", admin("GET", "/api/sessions?role=publisher").body());
    }

    @Test
    @Order(2)
    void aVp8PublisherReachesTheViewerAsVp8() throws Exception {
        publish(server.publishToken(STREAM).orElseThrow(), STREAM, "vp8");
        awaitStream(STREAM, "live", null, Duration.ofSeconds(10));
        assertEquals("VP8", publisherEntry().get("videoCodec"));
        viewer.open(server.url("/play/" + STREAM + "?stats=1&token=" + server.readToken(STREAM).orElseThrow()));
        Map<String, Object> s = viewer.await(Duration.ofSeconds(20), "decoding VP8",
                WhipPublisherLifecycleE2E::stats, v -> "live".equals(v.get("state"))
                        && HeadlessChromium.number(v, "framesDecoded") > 30);
        System.out.println("VP8 viewer: " + s);
        assertTrue(String.valueOf(s.get("codec")).startsWith("VP8"), "passed through, not transcoded: " + s);
        assertEquals(640.0, HeadlessChromium.number(s, "width"), s.toString());
        viewer.screenshot("WhipPublisherLifecycleE2E-vp8");
        publisher.script("window.pubPc.close();");
    }

    @Test
    @Order(3)
    void autoCreateMakesTheStreamOnlyWhenSwitchedOn() throws Exception {
        String token = server.publishToken(AUTO).orElseThrow();
        Path file = server.home().resolve("etc/io.sightline.stream-" + AUTO + ".cfg");
        publish(token, AUTO, "h264", "refused");
        assertEquals(404.0, HeadlessChromium.number(published(), "status"), "whip.auto.create is off by default");
        assertFalse(Files.exists(file));

        Files.writeString(server.home().resolve("etc/io.sightline.signaling.whep.cfg"), "whip.auto.create = true\n");
        Instant deadline = Instant.now().plusSeconds(20);
        Map<String, Object> result;
        do {
            Thread.sleep(1000); // the file is applied on Felix FileInstall's next poll
            publish(token, AUTO, "h264", "");
            result = published();
        } while (HeadlessChromium.number(result, "status") != 201 && Instant.now().isBefore(deadline));
        assertEquals(201.0, HeadlessChromium.number(result, "status"), result.toString());
        publisher.await(Duration.ofSeconds(20), "connected", WhipPublisherLifecycleE2E::published,
                s -> "connected".equals(s.get("state")));
        assertTrue(Files.readString(file).contains("source.type = whip") || Files.readString(file)
                .contains("source.type=whip"), Files.readString(file));
        awaitStream(AUTO, "live", null, Duration.ofSeconds(10));
        viewer.open(server.url("/play/" + AUTO + "?stats=1&token=" + server.readToken(AUTO).orElseThrow()));
        viewer.await(Duration.ofSeconds(20), "decoding the created stream", WhipPublisherLifecycleE2E::stats,
                s -> "live".equals(s.get("state")) && HeadlessChromium.number(s, "framesDecoded") > 30);
        publisher.script("window.pubPc.close();");
    }

    /** Publishes from the publisher browser and waits until it is connected (or, with {@code until}, that state). */
    private static void publish(String token, String stream, String codec, String... until)
            throws InterruptedException {
        publisher.open(server.url("/health"));
        publisher.script(WhipTestPublisher.PUBLISH, token, stream, codec);
        String wanted = until.length > 0 ? until[0] : "connected";
        Map<String, Object> s = publisher.await(Duration.ofSeconds(20), wanted, WhipPublisherLifecycleE2E::published,
                p -> p != null && String.valueOf(p.get("state")).startsWith(wanted.isEmpty() ? "" : wanted)
                        && (!wanted.isEmpty() || p.get("status") != null)
                        && (!"connected".equals(wanted) || HeadlessChromium.number(p, "framesEncoded") > 30));
        System.out.println("publisher " + stream + " " + codec + ": " + s);
    }

    private static HttpResponse<String> post(String token, String stream) throws Exception {
        String offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
                + "a=sendonly\r\na=rtcp-mux\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:actpass\r\na=fingerprint:sha-256 "
                + "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n";
        return HTTP.send(HttpRequest.newBuilder(server.url("/whip/" + stream))
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> admin(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The one publisher in {@code /api/sessions?role=publisher}, flattened to a map of its JSON fields. */
    private static Map<String, Object> publisherEntry() throws Exception {
        String body = admin("GET", "/api/sessions?role=publisher").body();
        Matcher m = Pattern.compile("\"([A-Za-z]+)\":(\"[^\"]*\"|[-0-9.]+)").matcher(body);
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        while (m.find()) {
            String v = m.group(2);
            fields.putIfAbsent(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        assertEquals("publisher", fields.get("role"), body);
        return fields;
    }

    private static String streamJson(String name) throws Exception {
        String body = admin("GET", "/api/streams").body();
        Matcher m = Pattern.compile("\\{\"name\":\"" + name + "\"[^{}]*").matcher(body);
        return m.find() ? m.group() : body;
    }

    private static void awaitStream(String name, String state, String detail, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String json;
        do {
            json = streamJson(name);
            if (json.contains("\"state\":\"" + state + "\"") && (detail == null || json.contains(detail))) {
                return;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError(name + " not " + state + (detail == null ? "" : " (" + detail + ")") + " within "
                + timeout.toMillis() + " ms: " + json);
    }

    private static Map<String, Object> published() {
        return WhipTestPublisher.published(publisher);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) viewer.script(STATS);
    }
}
