package io.sightline.signaling.whep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.cluster.Publication;
import io.sightline.api.cluster.Publications;
import io.sightline.api.transport.PublishTransport;
import io.sightline.api.transport.PublisherSession;
import io.sightline.api.transport.TransportException;
import io.sightline.api.control.StreamCatalog;
import io.sightline.core.internal.MetaTypeFiles;
import io.sightline.testing.TestStream;
import io.sightline.testing.TestStreamRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
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
    /** Conflicts the transport answers before it takes a publisher (a created stream's source not waiting yet). */
    private final AtomicInteger notWaitingYet = new AtomicInteger();
    private TestStreamRegistry registry;
    private WhipServlet servlet;
    private Server jetty;
    private int port;

    @BeforeEach
    void start() throws Exception {
        servlet = new WhipServlet();
        registry = new TestStreamRegistry(
                AccessGateTest.gated("cam", Map.of("access", "token")),
                AccessGateTest.gated("demo", Map.of("access", "public")));
        WhepServletHttpTest.set(servlet, "streams", registry);
        servlet.configure(WhepServletHttpTest.configuration(Map.of("max.body.bytes", 1000)));
        servlet.bindAuthProvider(new FixedTokenProvider());
        PublishTransport transport = (stream, request) -> {
            if (refusal != null) {
                throw refusal;
            }
            if (notWaitingYet.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new TransportException(TransportException.Reason.PUBLISH_CONFLICT, "does not take publishers "
                        + "now");
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

    /** Stands in for the core: a stream file the catalog wrote becomes a stream in the registry. */
    private Thread applyStreamFiles(StreamCatalog catalog) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (String name : catalog.names()) {
                    if (registry.find(name).isEmpty()) {
                        Map<String, String> props = catalog.get(name).orElseThrow().properties();
                        registry.add(new TestStream(name).sourceType(props.get("source.type"))
                                .properties(new java.util.HashMap<>(props)).readOnly("signaling never subscribes"));
                    }
                }
                for (io.sightline.api.stream.Stream s : registry.streams()) {
                    if (s.sourceType().equals("whip") && catalog.get(s.name()).isEmpty()) {
                        registry.remove(s.name());
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The cluster's part as the servlet sees it (decision 0050): node-a published {@code studio} (token access); a
     * claim answers as told and, when taken, registers the whip stream here as core would from the file.
     */
    private final class Moves implements Publications {
        final AtomicInteger claims = new AtomicInteger();
        volatile Claim answer = Claim.TAKEN;

        @Override
        public Optional<Publication> elsewhere(String stream) {
            return stream.equals("studio") && registry.find(stream).map(s -> !"whip".equals(s.sourceType()))
                    .orElse(true) ? Optional.of(new Publication(stream, "node-a", false, Map.of("access", "token")))
                    : Optional.empty();
        }

        @Override
        public Claim claim(String stream, Duration wait) {
            claims.incrementAndGet();
            if (answer == Claim.TAKEN) {
                registry.remove(stream);
                registry.add(new TestStream(stream).sourceType("whip").properties(Map.of("access", "token")));
            }
            return answer;
        }
    }

    @Test
    void aStreamPublishedOnAnotherNodeMovesHereOnlyForAnAdmittedOfferAndAsItsPolicySays() throws Exception {
        Moves moves = new Moves();
        WhepServletHttpTest.set(servlet, "publications", moves);
        // This node relays studio for its viewers: a relay is no reason to refuse its publisher.
        registry.add(new TestStream("studio").sourceType("whep").properties(Map.of("access", "public")));
        assertEquals(401, post("studio", null, OFFER).statusCode(), "judged on the origin's settings, not the relay's");
        assertEquals(403, post("studio", "good-studio", OFFER).statusCode(), "a read-only token");
        assertEquals(403, post("studio", "pub-cam", OFFER).statusCode(), "a publish token for another stream");
        assertEquals(400, post("studio", "pub-studio", "hello").statusCode(), "not an offer");
        assertEquals(0, moves.claims.get(), "nothing moves for a refused publish");

        moves.answer = Publications.Claim.PUBLISHED_ELSEWHERE;
        HttpResponse<String> busy = post("studio", "pub-studio", OFFER);
        assertEquals(409, busy.statusCode());
        moves.answer = Publications.Claim.LOST;
        assertEquals(409, post("studio", "pub-studio", OFFER).statusCode());
        moves.answer = Publications.Claim.STARTING;
        HttpResponse<String> starting = post("studio", "pub-studio", OFFER);
        assertEquals(503, starting.statusCode());
        assertTrue(starting.headers().firstValue("Retry-After").isPresent());
        assertEquals(0, published.get(), "no publisher taken while the stream is elsewhere");

        moves.answer = Publications.Claim.TAKEN;
        notWaitingYet.set(2); // the moved stream's source does not wait for publishers at once
        HttpResponse<String> r = post("studio", "pub-studio", OFFER);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("/whip/studio/p1", r.headers().firstValue("Location").orElse(null));
        assertEquals(4, moves.claims.get());
        assertEquals(201, post("studio", "pub-studio", OFFER).statusCode(), "the stream is local now");
        assertEquals(4, moves.claims.get(), "a local whip stream is not asked about again");
    }

    @Test
    void autoCreateMakesAWhipStreamForAPublishTokenAndOnlyThen() throws Exception {
        Path etc = Files.createTempDirectory("etc");
        StreamCatalog catalog = MetaTypeFiles.catalog(etc, Set.of("whip", "testpattern"));
        WhepServletHttpTest.set(servlet, "catalog", catalog);
        assertEquals(404, post("studio", "pub-studio", OFFER).statusCode(), "whip.auto.create is off by default");
        assertTrue(catalog.names().isEmpty());

        servlet.configure(WhepServletHttpTest.configuration(Map.of("whip.auto.create", true)));
        Thread core = applyStreamFiles(catalog);
        try {
            assertEquals(401, post("studio", null, OFFER).statusCode());
            assertEquals(403, post("studio", "good-studio", OFFER).statusCode(), "a read-only token creates nothing");
            assertEquals(403, post("studio", "pub-cam", OFFER).statusCode(), "a publish token for another name");
            assertEquals(400, post("studio", "pub-studio", "hello").statusCode(), "not an offer: nothing created");
            assertTrue(catalog.names().isEmpty(), catalog.names().toString());

            notWaitingYet.set(3);
            HttpResponse<String> r = post("studio", "pub-studio", OFFER);
            assertEquals(201, r.statusCode(), r.body());
            assertEquals("/whip/studio/p1", r.headers().firstValue("Location").orElse(null));
            Map<String, String> created = catalog.get("studio").orElseThrow().properties();
            assertEquals("whip", created.get("source.type"), created.toString());
            assertEquals("token", created.get("access"), created.toString());
            assertTrue(Files.readString(etc.resolve("io.sightline.stream-studio.cfg")).contains("source.type"));
            assertTrue(catalog.auditTrail().toString().contains("publisher"), catalog.auditTrail().toString());

            refusal = new TransportException(TransportException.Reason.NOT_ACCEPTABLE, "no H.264");
            assertEquals(406, post("other", "pub-other", OFFER).statusCode());
            assertTrue(catalog.get("other").isEmpty(), "a refused first offer leaves no stream behind");
            assertTrue(catalog.get("studio").isPresent(), "a refusal for an existing stream removes nothing");
            assertEquals(406, post("studio", "pub-studio", OFFER).statusCode());
            assertTrue(catalog.get("studio").isPresent());
        } finally {
            core.interrupt();
        }
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
