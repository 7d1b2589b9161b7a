package io.sightline.signaling.whep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.cluster.EdgeRelays;
import io.sightline.api.cluster.RemoteStream;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.TransportStrategy;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import io.sightline.testing.TestStreamRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The servlet in a real Jetty with a real (tiny) auth provider, stream and session registries, and a transport
 * that counts how often it was asked to open a session: every refusal must leave that count alone.
 */
class WhepServletHttpTest {
    private static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger opened = new AtomicInteger();
    private final SessionTable sessions = new SessionTable();
    private final TestStreamRegistry registry = new TestStreamRegistry(
            AccessGateTest.gated("secret", Map.of("access", "token")),
            AccessGateTest.gated("demo", Map.of("access", "public", AccessGate.PUBLIC_FROM, "127.0.0.1/8")));
    private Server jetty;
    private int port;
    private WhepServlet servlet;

    private void start(Map<String, Object> settings) throws Exception {
        WhepServlet servlet = new WhepServlet();
        this.servlet = servlet;
        set(servlet, "streams", registry);
        set(servlet, "sessions", sessions);
        servlet.configure(configuration(settings));
        servlet.bindAuthProvider(new FixedTokenProvider());
        TransportStrategy transport = (stream, request) -> {
            opened.incrementAndGet();
            return new TestSession("s" + opened.get(), stream.name());
        };
        servlet.bindTransport(transport, Map.of(TransportStrategy.TRANSPORT_MODE, "sfu"));
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), "/whep/*");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/sdp");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unknownAndTokenOnlyStreamsAnswerIdenticallyWithoutACredential() throws Exception {
        start(Map.of());
        HttpResponse<String> unknown = send("POST", "/whep/nosuch", null, OFFER);
        HttpResponse<String> secret = send("POST", "/whep/secret", null, OFFER);
        HttpResponse<String> forged = send("POST", "/whep/secret", "forged", OFFER);
        for (HttpResponse<String> r : List.of(unknown, secret, forged)) {
            assertEquals(401, r.statusCode());
            assertEquals("Bearer realm=\"sightline\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(unknown.body(), r.body());
        }
        assertEquals(403, send("POST", "/whep/secret", "good-demo", OFFER).statusCode());
        assertEquals(403, send("POST", "/whep/nosuch", "good-demo", OFFER).statusCode());
        assertEquals(404, send("POST", "/whep/nosuch", "good-nosuch", OFFER).statusCode());
        assertEquals(0, opened.get());
        assertEquals(201, send("POST", "/whep/secret", "good-secret", OFFER).statusCode());
        assertEquals(201, send("POST", "/whep/demo", null, OFFER).statusCode());
        assertEquals(2, opened.get());
    }

    /**
     * The cluster's part as the servlet sees it: node-a ingests {@code far} (token) and {@code open} (public from
     * loopback); a relay registers the stream here with the origin's access settings, as core would from the file.
     */
    private final class Relays implements EdgeRelays {
        final AtomicInteger asked = new AtomicInteger();
        volatile boolean works = true;

        @Override
        public Optional<RemoteStream> remote(String stream) {
            Map<String, String> access = switch (stream) {
                case "far" -> Map.of("access", "token");
                case "open" -> Map.of("access", "public", AccessGate.PUBLIC_FROM, "127.0.0.1/8");
                default -> null;
            };
            return access == null ? Optional.empty() : Optional.of(new RemoteStream(stream, "node-a", access));
        }

        @Override
        public boolean relay(String stream, Duration wait) {
            asked.incrementAndGet();
            if (works) {
                registry.add(AccessGateTest.gated(stream, Map.copyOf(remote(stream).orElseThrow()
                        .accessProperties())));
            }
            return works;
        }

        @Override
        public int relayCount() {
            return 0;
        }
    }

    @Test
    void aStreamAnotherNodeIngestsIsRelayedOnlyForCallersItsAccessAdmitsAndOnlyOnce() throws Exception {
        start(Map.of());
        Relays relays = new Relays();
        set(servlet, "relays", relays);
        assertEquals(401, send("POST", "/whep/far", null, OFFER).statusCode(), "no credential");
        assertEquals(401, send("POST", "/whep/far", "forged", OFFER).statusCode(), "a forged one");
        assertEquals(403, send("POST", "/whep/far", "good-demo", OFFER).statusCode(), "a token for another stream");
        assertEquals(401, send("POST", "/whep/nowhere", null, OFFER).statusCode(), "a stream nobody ingests");
        assertEquals(404, send("POST", "/whep/nowhere", "good-*", OFFER).statusCode());
        assertEquals(0, relays.asked.get(), "no relay for a caller the origin's access refuses");
        assertEquals(0, opened.get());

        assertEquals(201, send("POST", "/whep/far", "good-far", OFFER).statusCode());
        assertEquals(201, send("POST", "/whep/open", null, OFFER).statusCode(), "public from loopback");
        assertEquals(2, relays.asked.get());
        assertEquals(201, send("POST", "/whep/far", "good-far", OFFER).statusCode());
        assertEquals(2, relays.asked.get(), "the relay is local now: served from it");
        assertEquals(3, opened.get());
    }

    @Test
    void aRelayThatCannotStartIs503AndARelaysOwnPullIsNeverRedirected() throws Exception {
        start(Map.of("cluster.redirect.viewers", 1));
        Relays relays = new Relays();
        relays.works = false;
        set(servlet, "relays", relays);
        HttpResponse<String> refused = send("POST", "/whep/far", "good-far", OFFER);
        assertEquals(503, refused.statusCode());
        assertEquals("2", refused.headers().firstValue("Retry-After").orElse(null));
        assertEquals(0, opened.get());

        // This node is at its redirect threshold; node-b serves secret and has room.
        set(servlet, "cluster", ClusterRedirectTest.of(ClusterRedirectTest.node("node-b", false, true, 0,
                "secret")));
        assertEquals(201, send("POST", "/whep/secret", "good-secret", OFFER).statusCode());
        assertEquals(307, send("POST", "/whep/secret", "good-secret", OFFER).statusCode(), "a viewer is sent on");
        assertEquals(201, send("POST", "/whep/secret", "relay-secret", OFFER).statusCode(),
                "another node's relay pulls from here, the origin, never from where viewers are sent");
    }

    @Test
    void sessionLimitsAnswer503WithRetryAfterAndFreeThePlaceWhenASessionEnds() throws Exception {
        start(Map.of("max.sessions.per.stream", 1, "max.sessions.total", 2));
        HttpResponse<String> first = send("POST", "/whep/secret", "good-secret", OFFER);
        assertEquals(201, first.statusCode());
        HttpResponse<String> second = send("POST", "/whep/secret", "good-secret", OFFER);
        assertEquals(503, second.statusCode());
        assertEquals("2", second.headers().firstValue("Retry-After").orElse(null));
        assertEquals(201, send("POST", "/whep/demo", null, OFFER).statusCode());
        assertEquals(503, send("POST", "/whep/demo", null, OFFER).statusCode(), "server total reached");
        assertEquals(404, send("POST", "/whep/other", "good-*", OFFER).statusCode(),
                "an unknown stream is still 404 for a covering token: the gate comes before the quota");
        assertEquals(2, opened.get());
        String location = first.headers().firstValue("Location").orElseThrow();
        assertEquals(200, send("DELETE", location, "good-secret", null).statusCode());
        assertEquals(201, send("POST", "/whep/secret", "good-secret", OFFER).statusCode());
    }

    @Test
    void oversizedBodiesAre413BeforeAnythingElse() throws Exception {
        start(Map.of("max.body.bytes", 100));
        assertEquals(413, send("POST", "/whep/nosuch", null, "v=0\r\n" + "a".repeat(200)).statusCode());
        assertEquals(413, send("POST", "/whep/secret", "good-secret", "v=0\r\n" + "a".repeat(200)).statusCode());
        assertEquals(0, opened.get());
        assertEquals(0, sessions.sessions().size());
    }

    @Test
    void aFloodFromOneAddressGets429AndOpensNothing() throws Exception {
        start(Map.of("max.requests.per.second.per.address", 1, "request.burst.per.address", 3));
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = send("POST", "/whep/secret", null, OFFER);
            if (r.statusCode() == 429) {
                limited++;
                assertTrue(Integer.parseInt(r.headers().firstValue("Retry-After").orElse("0")) >= 1);
            } else {
                assertEquals(401, r.statusCode());
            }
        }
        assertTrue(limited >= 15, "most of the flood is refused: " + limited);
        assertEquals(429, send("POST", "/whep/secret", "good-secret", OFFER).statusCode());
        assertEquals(0, opened.get());
    }

    @Test
    void onlyTheCreatorMayDeleteOrPatchItsSession() throws Exception {
        start(Map.of());
        String location = send("POST", "/whep/secret", "good-secret", OFFER).headers().firstValue("Location")
                .orElseThrow();
        assertEquals(401, send("DELETE", location, null, null).statusCode());
        assertEquals(403, send("DELETE", location, "good-demo", null).statusCode());
        String anonymous = send("POST", "/whep/demo", null, OFFER).headers().firstValue("Location").orElseThrow();
        assertEquals(403, send("DELETE", anonymous, "good-demo", null).statusCode(),
                "a token holder did not create the anonymous session");
        assertEquals(404, send("DELETE", "/whep/secret/nosuchsession", "good-secret", null).statusCode());
        assertEquals(200, send("DELETE", location, "good-secret", null).statusCode());
        assertEquals(200, send("DELETE", anonymous, null, null).statusCode());
        assertEquals(0, sessions.sessions().size());
    }

    @Test
    void theSessionResourceAnswersGetWithTheServersEstimateToItsCreatorOnly() throws Exception {
        start(Map.of());
        String location = send("POST", "/whep/secret", "good-secret", OFFER).headers().firstValue("Location")
                .orElseThrow();
        HttpResponse<String> mine = send("GET", location, "good-secret", null);
        assertEquals(200, mine.statusCode());
        assertEquals("application/json", mine.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", mine.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("{\"transport\":\"sfu\",\"bandwidthEstimateBps\":1250000,\"bandwidthEstimateSource\":"
                + "\"transport-cc\",\"rttMs\":42,\"bytesSent\":120000,"
                + "\"rendition\":\"vp8-320x180@50\"}", mine.body());
        assertEquals(401, send("GET", location, null, null).statusCode());
        assertEquals(403, send("GET", location, "good-demo", null).statusCode());
        assertEquals(404, send("GET", "/whep/secret/nosuchsession", "good-secret", null).statusCode());
        HttpResponse<String> onStream = send("GET", "/whep/secret", "good-secret", null);
        assertEquals(405, onStream.statusCode());
        assertEquals("POST, OPTIONS", onStream.headers().firstValue("Allow").orElse(null));
        assertEquals("GET, PATCH, DELETE, OPTIONS",
                send("PUT", location, "good-secret", null).headers().firstValue("Allow").orElse(null));
    }

    // ---- fixtures -----------------------------------------------------------------------------------------------

    static WhepConfiguration configuration(Map<String, Object> settings) {
        return (WhepConfiguration) Proxy.newProxyInstance(WhepConfiguration.class.getClassLoader(),
                new Class<?>[] {WhepConfiguration.class}, (proxy, method, args) -> {
                    Object v = settings.get(method.getName().replace('_', '.'));
                    return v != null ? v : method.getDefaultValue();
                });
    }

    static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    private static final class SessionTable implements SessionRegistry {
        private final Map<String, ViewerSession> live = new ConcurrentHashMap<>();

        @Override
        public void register(ViewerSession session) {
            live.put(session.id(), session);
            session.onClosed(() -> live.remove(session.id()));
        }

        @Override
        public Optional<ViewerSession> session(String id) {
            return Optional.ofNullable(live.get(id));
        }

        @Override
        public List<ViewerSession> sessions() {
            return List.copyOf(live.values());
        }

        @Override
        public List<ViewerSession> sessions(String streamName) {
            return live.values().stream().filter(s -> s.streamName().equals(streamName)).toList();
        }
    }

    private static final class TestSession implements ViewerSession {
        private final String id;
        private final String stream;
        private final List<Runnable> onClosed = new ArrayList<>();
        private boolean closed;

        TestSession(String id, String stream) {
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
        public String transportMode() {
            return "sfu";
        }

        @Override
        public String answerSdp() {
            return "v=0\r\n";
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }

        @Override
        public long createdMillis() {
            return 0;
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
            throw new UnsupportedOperationException();
        }

        @Override
        public ViewerStats stats() {
            return new ViewerStats(100, 120_000, 0, 2, 0.01, 3, 42, 2, 0, 1_250_000, "transport-cc",
                    "vp8-320x180@50");
        }

        @Override
        public synchronized void onClosed(Runnable listener) {
            if (closed) {
                listener.run();
            } else {
                onClosed.add(listener);
            }
        }

        @Override
        public void close() {
            List<Runnable> run;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                run = List.copyOf(onClosed);
            }
            run.forEach(Runnable::run);
        }
    }
}
