package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WHEP error table over real HTTP against the real distribution: each bad request gets its precise status and
 * a reason, and the server keeps serving (health stays 200, a valid-looking request still reaches the transport).
 */
@ExtendWith(SightlineServerExtension.class)
class WhepErrorsE2E {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OFFER_HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
            + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 "
            + "AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD:AB:CD\r\n";
    private static SightlineServer server;

    @BeforeAll
    static void server(SightlineServer running) {
        server = running;
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body,
            String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(!r.body().isBlank(), "a reason in the body");
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        assertRefused(415, send("POST", "/whep/demo", "text/plain", "v=0"));
    }

    @Test
    void malformedSdpIs400() throws Exception {
        assertRefused(400, send("POST", "/whep/demo", "application/sdp", "v=0\r\ngarbage"));
        assertRefused(400, send("POST", "/whep/demo", "application/sdp", "hello"));
        assertRefused(400, send("POST", "/whep/demo", "application/sdp", OFFER_HEAD));
    }

    @Test
    void unknownStreamWithoutACredentialIs401LikeAForbiddenOne() throws Exception {
        // No enumeration: without a credential an unknown name answers like a stream that needs a token.
        assertRefused(401, send("POST", "/whep/nosuchstream", "application/sdp", OFFER_HEAD));
    }

    @Test
    void offerWithoutACommonCodecIs406() throws Exception {
        String vp9Only = OFFER_HEAD + "m=video 9 UDP/TLS/RTP/SAVPF 98\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
                + "a=setup:actpass\r\na=rtcp-mux\r\na=recvonly\r\na=rtpmap:98 VP9/90000\r\n";
        assertRefused(406, send("POST", "/whep/demo", "application/sdp", vp9Only));
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        assertRefused(413, send("POST", "/whep/demo", "application/sdp", "v=0\r\n" + "a".repeat(100_000)));
    }

    @Test
    void sessionRequestsNeedAKnownSessionAndTheRightHeaders() throws Exception {
        assertRefused(404, send("PATCH", "/whep/demo/0123456789abcdef", "application/trickle-ice-sdpfrag",
                "a=ice-ufrag:abcd\r\n", "If-Match", "\"x\""));
        assertRefused(404, send("DELETE", "/whep/demo/0123456789abcdef", null, null));
        assertRefused(405, send("GET", "/whep/demo", null, null));
    }

    @Test
    void preflightAdvertisesSdpAndExposesTheWhepHeaders() throws Exception {
        HttpResponse<String> r = send("OPTIONS", "/whep/demo", null, null, "Origin", "http://example.test",
                "Access-Control-Request-Method", "POST");
        assertEquals(204, r.statusCode());
        assertEquals("application/sdp", r.headers().firstValue("Accept-Post").orElse(null));
        String exposed = r.headers().firstValue("Access-Control-Expose-Headers").orElse("");
        assertTrue(exposed.contains("Location") && exposed.contains("ETag") && exposed.contains("Link"), exposed);
    }

    @Test
    void garbageDatagramsOnTheMediaPortAreDroppedAndTheServerKeepsServing() throws Exception {
        // The SFU's UDP port is in the answer's candidates; without a session we send to every port it may use:
        // the test distribution binds an ephemeral port, so read it from a real 201 answer.
        String answer = send("POST", "/whep/demo", "application/sdp", OFFER_HEAD + "m=video 9 UDP/TLS/RTP/SAVPF 102\r\n"
                + "c=IN IP4 0.0.0.0\r\na=mid:0\r\na=setup:actpass\r\na=rtcp-mux\r\na=recvonly\r\n"
                + "a=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;"
                + "profile-level-id=42e01f\r\n").body();
        int port = -1;
        for (String line : answer.split("\r\n")) {
            if (line.startsWith("a=candidate:") && line.contains(" udp ") && line.contains(" 127.0.0.1 ")) {
                String[] f = line.split(" ");
                port = Integer.parseInt(f[5]);
            }
        }
        assertTrue(port > 0, "a loopback UDP candidate in the answer:\n" + answer);
        Random random = new Random(7);
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + random.nextInt(1400)];
                random.nextBytes(junk);
                socket.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port));
            }
        }
        HttpResponse<String> health = send("GET", "/health", null, null);
        assertEquals(200, health.statusCode(), health.body());
        HttpResponse<String> again = send("POST", "/whep/demo", "text/plain", "x");
        assertNotNull(again);
        assertEquals(415, again.statusCode());
    }
}
