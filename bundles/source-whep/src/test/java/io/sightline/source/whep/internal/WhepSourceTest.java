package io.sightline.source.whep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sightline.testing.RecordingSourceContext;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pull's refusals against a real HTTP server on loopback: each ends {@code start()} with a reason an operator
 * can act on, sends the token only in the Authorization header, and frees the session it was given (DELETE).
 */
class WhepSourceTest {
    private static final String TOKEN = "s3cret-relay-token";

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status;
    private volatile String body = "";
    private volatile String contentType = "application/sdp";

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.getRequestBody().readAllBytes();
        if ("DELETE".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.getResponseHeaders().add("Location", "/whep/demo/sessions/s1");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private WhepSource source(RecordingSourceContext context) {
        return (WhepSource) new WhepSourceFactory().create(context);
    }

    private RecordingSourceContext context(int connectTimeoutMs) {
        return new RecordingSourceContext(Map.of("source.url", "http://127.0.0.1:" + server.getAddress().getPort()
                + "/whep/demo", "source.token", TOKEN, "source.connect.timeout.ms", connectTimeoutMs));
    }

    @Test
    void endpointThatAnswers404FailsWithTheStatusAndNeverShowsTheToken() {
        status = 404;
        body = "stream not found";
        WhepSource source = source(context(2000));
        Exception e = assertThrows(IOException.class, source::start);
        assertTrue(e.getMessage().contains("answered 404: stream not found"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        assertEquals("Bearer " + TOKEN, authorizations.get(0));
        assertTrue(requests.stream().noneMatch(r -> r.contains(TOKEN)), requests.toString());
        source.stop(); // idempotent after a failed start
    }

    @Test
    void garbageAnswerFailsWithTheParserReasonAndDeletesTheSession() throws Exception {
        status = 201;
        body = "this is not SDP";
        WhepSource source = source(context(2000));
        Exception e = assertThrows(IOException.class, source::start);
        assertTrue(e.getMessage().startsWith("unusable WHEP answer from http://127.0.0.1:"), e.getMessage());
        awaitRequest("DELETE /whep/demo/sessions/s1");
        assertEquals("Bearer " + TOKEN, authorizations.get(authorizations.size() - 1));
    }

    @Test
    void answerOfTheWrongTypeIsRefused() {
        status = 201;
        body = "{}";
        contentType = "application/json";
        Exception e = assertThrows(IOException.class, source(context(2000))::start);
        assertTrue(e.getMessage().contains("not application/sdp"), e.getMessage());
    }

    @Test
    void candidateThatNeverAnswersFailsIceWithinTheConnectTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            status = 201;
            body = answer(silent.getLocalPort(), "passive");
            WhepSource source = source(context(600));
            long started = System.nanoTime();
            Exception e = assertThrows(IOException.class, source::start);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(e.getMessage().startsWith("ICE: no candidate of http://127.0.0.1:"), e.getMessage());
            assertTrue(tookMs < 3000, "gave up after " + tookMs + " ms");
            awaitRequest("DELETE /whep/demo/sessions/s1");
        }
    }

    @Test
    void answerThatWantsToBeTheDtlsClientIsRefused() {
        status = 201;
        body = answer(9, "active");
        Exception e = assertThrows(IOException.class, source(context(2000))::start);
        assertTrue(e.getMessage().contains("a=setup:active"), e.getMessage());
    }

    @Test
    void settingsThatCanNeverWorkFailTheStreamAtOnce() {
        WhepSourceFactory factory = new WhepSourceFactory();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> factory.create(new RecordingSourceContext(Map.of())));
        assertTrue(missing.getMessage().contains("source.url is required"), missing.getMessage());
        IllegalArgumentException credentials = assertThrows(IllegalArgumentException.class,
                () -> factory.create(new RecordingSourceContext(Map.of("source.url", "http://u:p@127.0.0.1/whep/x"))));
        assertTrue(credentials.getMessage().contains("use source.token"), credentials.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> factory.create(new RecordingSourceContext(Map.of("source.url", "rtsp://127.0.0.1/x"))));
    }

    @Test
    void settingsNeverShowTheToken() {
        String shown = WhepSourceFactory.WhepSettings.of(context(2000)).toString();
        assertFalse(shown.contains(TOKEN), shown);
    }

    private void awaitRequest(String request) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!requests.contains(request) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(requests.contains(request), requests.toString());
    }

    /** An answer as a Sightline node writes one, with its one host candidate at {@code port}. */
    static String answer(int port, String setup) {
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\na=group:BUNDLE 0 1\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
                + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB\r\na=setup:" + setup + "\r\n"
                + "a=rtpmap:102 H264/90000\r\n"
                + "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
                + "a=candidate:1 1 udp 2130706431 127.0.0.1 " + port + " typ host\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\n"
                + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB\r\na=setup:" + setup + "\r\n"
                + "a=rtpmap:111 opus/48000/2\r\n";
    }
}
