package io.sightline.signaling.whep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.transport.PublishTransport;
import io.sightline.api.transport.PublisherSession;
import io.sightline.api.transport.TransportException;
import io.sightline.testing.TestStreamRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WHIP endpoint in a real Jetty with the test auth provider and a transport that counts publishes: the RFC 9725
 * answers, and every refusal leaves the count alone.
 */
class WhipServletHttpTest {
    private static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger published = new AtomicInteger();
    private final List<TestPublisher> publishers = new ArrayList<>();
    private volatile TransportException refusal;
    private Server jetty;
    private int port;

    @BeforeEach
    void start() throws Exception {
        WhipServlet servlet = new WhipServlet();
        WhepServletHttpTest.set(servlet, "streams", new TestStreamRegistry(
                AccessGateTest.gated("cam", Map.of("access", "token")),
                AccessGateTest.gated("demo", Map.of("access", "public"))));
        servlet.configure(WhepServletHttpTest.configuration(Map.of("max.body.bytes", 1000)));
        servlet.bindAuthProvider(new FixedTokenProvider());
        PublishTransport transport = (stream, request) -> {
            if (refusal != null) {
                throw refusal;
            }
            published.incrementAndGet();
            TestPublisher p = new TestPublisher("p" + published.get(), stream.name());
            publishers.add(p);
            return p;
        };
        servlet.bindTransport(transport);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), "/whip/*");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    private HttpResponse<String> send(String method, String path, String token, String type, String body,
            String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String stream, String token, String body) throws Exception {
        return send("POST", "/whip/" + stream, token, "application/sdp", body);
    }

    @Test
    void aPublisherGets201WithTheAnswerLocationAndAStrongEtag() throws Exception {
        HttpResponse<String> r = post("cam", "pub-cam", OFFER);
        assertEquals(201, r.statusCode());
        assertEquals("answer", r.body());
        assertEquals("application/sdp", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("/whip/cam/p1", r.headers().firstValue("Location").orElse(null));
        assertTrue(r.headers().firstValue("ETag").orElse("").matches("\"[0-9a-f]{24}\""));
        assertTrue(r.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("Location"));
    }

    @Test
    void refusalsAreTheWhepTableAndAllocateNothing() throws Exception {
        assertEquals(401, post("cam", null, OFFER).statusCode());
        assertEquals(401, post("cam", "forged", OFFER).statusCode());
        assertEquals(403, post("cam", "good-cam", OFFER).statusCode(), "a read-only token");
        assertEquals(403, post("cam", "pub-demo", OFFER).statusCode(), "a token for another stream");
        assertEquals(401, post("demo", null, OFFER).statusCode(), "a public stream is public to watch only");
        assertEquals(401, post("nosuch", null, OFFER).statusCode(), "no enumeration");
        assertEquals(404, post("nosuch", "pub-nosuch", OFFER).statusCode());
        assertEquals(415, send("POST", "/whip/cam", "pub-cam", "text/plain", OFFER).statusCode());
        assertEquals(400, post("cam", "pub-cam", "hello").statusCode());
        assertEquals(413, post("cam", "pub-cam", "v=0\r\n" + "a".repeat(2000)).statusCode());
        assertEquals(0, published.get());
        refusal = new TransportException(TransportException.Reason.PUBLISH_CONFLICT, "already has a publisher");
        assertEquals(409, post("cam", "pub-cam", OFFER).statusCode());
        refusal = new TransportException(TransportException.Reason.NOT_ACCEPTABLE, "no H.264");
        assertEquals(406, post("cam", "pub-cam", OFFER).statusCode());
        refusal = new TransportException(TransportException.Reason.AT_CAPACITY, "full");
        HttpResponse<String> full = post("cam", "pub-cam", OFFER);
        assertEquals(503, full.statusCode());
        assertEquals("2", full.headers().firstValue("Retry-After").orElse(null));
        assertEquals(0, published.get());
    }

    @Test
    void patchNeedsIfMatchAndDeleteEndsThePublicationForItsOwnerOnly() throws Exception {
        HttpResponse<String> r = post("cam", "pub-cam", OFFER);
        String location = r.headers().firstValue("Location").orElseThrow();
        String etag = r.headers().firstValue("ETag").orElseThrow();
        String frag = "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n";
        String fragType = "application/trickle-ice-sdpfrag";
        assertEquals(428, send("PATCH", location, "pub-cam", fragType, frag).statusCode());
        assertEquals(412, send("PATCH", location, "pub-cam", fragType, frag, "If-Match", "\"x\"").statusCode());
        assertEquals(415, send("PATCH", location, "pub-cam", "application/sdp", frag, "If-Match", etag)
                .statusCode());
        assertEquals(204, send("PATCH", location, "pub-cam", fragType, frag, "If-Match", etag).statusCode());
        HttpResponse<String> restart = send("PATCH", location, "pub-cam", fragType, frag, "If-Match", "*");
        assertEquals(200, restart.statusCode());
        assertTrue(!restart.headers().firstValue("ETag").orElseThrow().equals(etag), "a new ETag after restart");
        assertEquals(403, send("DELETE", location, "good-cam", null, null).statusCode());
        assertEquals(404, send("DELETE", "/whip/cam/nosuch", "pub-cam", null, null).statusCode());
        assertEquals(200, send("DELETE", location, "pub-cam", null, null).statusCode());
        assertTrue(publishers.get(0).closed);
        assertEquals(404, send("DELETE", location, "pub-cam", null, null).statusCode(), "gone");
    }

    @Test
    void optionsAnswersCorsAndAcceptPostAndOtherMethodsAre405() throws Exception {
        HttpResponse<String> o = send("OPTIONS", "/whip/cam", null, null, null);
        assertEquals(204, o.statusCode());
        assertEquals("application/sdp", o.headers().firstValue("Accept-Post").orElse(null));
        assertEquals("*", o.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        HttpResponse<String> get = send("GET", "/whip/cam", "pub-cam", null, null);
        assertEquals(405, get.statusCode());
        assertEquals("POST, OPTIONS", get.headers().firstValue("Allow").orElse(null));
        assertEquals(404, send("POST", "/whip/", "pub-cam", "application/sdp", OFFER).statusCode());
    }

    private static final class TestPublisher implements PublisherSession {
        private final String id;
        private final String stream;
        private final List<Runnable> listeners = new ArrayList<>();
        volatile boolean closed;

        TestPublisher(String id, String stream) {
            this.id = id;
            this.stream = stream;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String streamName() {
            return stream;
        }

        @Override
        public String answerSdp() {
            return "answer";
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }

        @Override
        public String state() {
            return closed ? "closed" : "new";
        }

        @Override
        public void addRemoteCandidates(String sdpFragment) {
        }

        @Override
        public String restartIce(String sdpFragment) {
            return "a=ice-ufrag:new\r\n";
        }

        @Override
        public synchronized void onClosed(Runnable listener) {
            listeners.add(listener);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                listeners.forEach(Runnable::run);
            }
        }
    }
}
