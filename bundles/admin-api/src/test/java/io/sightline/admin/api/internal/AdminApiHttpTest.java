package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.auth.Action;
import io.sightline.api.auth.TokenIssuer;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.transport.PublisherDirectory;
import io.sightline.api.transport.PublisherStats;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import io.sightline.testing.TestStream;
import io.sightline.testing.TestStreamRegistry;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin API in a real Jetty, with a real JAAS login module and small registries. */
class AdminApiHttpTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, ViewerSession> live = new ConcurrentHashMap<>();

    /** The one stream the admin API lists here: public, live, with this test's sessions as its viewers. */
    private TestStream demo() {
        return new TestStream("demo").sourceType("testpattern").status(new StreamStatus(StreamState.LIVE, "", 1))
                .properties(Map.of("access", "public")).viewers(live::size)
                .readOnly("the admin API never subscribes");
    }
    private Server jetty;
    private int port;
    private String issued;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private AdminApiServlet servlet;

    private void start(boolean withIssuer) throws Exception {
        servlet = new AdminApiServlet();
        servlet.configure((AdminApiConfiguration) Proxy.newProxyInstance(AdminApiConfiguration.class.getClassLoader(),
                new Class<?>[] {AdminApiConfiguration.class}, (proxy, method, args) -> method.getDefaultValue()));
        TokenIssuer issuer = (pattern, actions, ttl, subject) -> {
            issued = pattern + " " + actions + " " + ttl + " " + subject;
            return "tok.en";
        };
        RealmAuthenticator realm = new RealmAuthenticator("karaf", "admin", TableLoginModule.Role.class.getName(),
                TableLoginModule.configuration());
        LoginGuard guard = new LoginGuard(realm, new LoginThrottle(5, 300, 900, 1000, clock::get),
                new LoginCache(30, 16, clock::get), clock::get);
        servlet.use(guard, new TestStreamRegistry(demo()), new Sessions(), withIssuer ? issuer : null,
                io.sightline.core.internal.MetaTypeFiles.catalog(java.nio.file.Files.createTempDirectory("etc"),
                        Set.of("testpattern")), null);
        live.put("s1", new Session("s1"));
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), "/api/*");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    private HttpResponse<String> send(String method, String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyEndpointNeedsAnAdmin() throws Exception {
        start(true);
        for (String[] e : new String[][] {{"GET", "/api/streams"}, {"GET", "/api/sessions"},
                {"DELETE", "/api/sessions/s1"}, {"POST", "/api/streams/demo/share"}}) {
            HttpResponse<String> none = send(e[0], e[1], null, null);
            assertEquals(401, none.statusCode(), e[1]);
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
            assertEquals(401, send(e[0], e[1], "admin", "wrong").statusCode(), e[1]);
            assertEquals(403, send(e[0], e[1], "viewer", "pw").statusCode(), e[1]);
        }
        assertEquals(1, live.size(), "nothing was deleted by a refused request");
        assertEquals(null, issued, "nothing was issued by a refused request");
    }

    @Test
    void listsStreamsAndSessionsAndEndsASession() throws Exception {
        start(true);
        HttpResponse<String> streams = send("GET", "/api/streams", "admin", "secret");
        assertEquals(200, streams.statusCode());
        assertTrue(streams.body().startsWith("[{\"name\":\"demo\",\"state\":\"live\""), streams.body());
        assertTrue(streams.body().contains("\"viewers\":1"), streams.body());
        HttpResponse<String> sessions = send("GET", "/api/sessions", "admin", "secret");
        assertTrue(sessions.body().contains("\"id\":\"s1\",\"stream\":\"demo\""), sessions.body());
        assertTrue(sessions.body().contains(
                "\"bandwidthEstimateBps\":850000,\"bandwidthEstimateSource\":\"transport-cc\",\"rendition\":\"source\""),
                sessions.body());
        assertEquals(204, send("DELETE", "/api/sessions/s1", "admin", "secret").statusCode());
        assertTrue(live.isEmpty());
        assertEquals(404, send("DELETE", "/api/sessions/s1", "admin", "secret").statusCode());
        assertEquals(405, send("POST", "/api/sessions", "admin", "secret").statusCode());
        assertEquals(404, send("GET", "/api/nothing", "admin", "secret").statusCode());
    }

    @Test
    void listsPublishersNextToViewersAndEndsOne() throws Exception {
        start(true);
        Map<String, PublisherStats> publishers = new ConcurrentHashMap<>();
        publishers.put("p1", new PublisherStats("p1", "studio", "10.0.0.7", 5, "connected", "H264", "opus", 1_200_000,
                900, 1_000_000, 3, 7, 2));
        servlet.bindPublisherDirectory(new PublisherDirectory() {
            @Override
            public List<PublisherStats> publishers() {
                return List.copyOf(publishers.values());
            }

            @Override
            public boolean close(String id) {
                return publishers.remove(id) != null;
            }
        });
        String all = send("GET", "/api/sessions", "admin", "secret").body();
        assertTrue(all.contains("\"id\":\"s1\",\"stream\":\"demo\",\"transport\":\"sfu\",\"role\":\"viewer\""), all);
        assertTrue(all.contains("\"id\":\"p1\",\"stream\":\"studio\",\"transport\":\"whip\",\"role\":\"publisher\""),
                all);
        assertTrue(all.contains("\"videoCodec\":\"H264\",\"audioCodec\":\"opus\",\"stats\":{\"bitrateInBps\":1200000,"
                + "\"packetsReceived\":900,\"bytesReceived\":1000000,\"packetsLost\":3,\"nacksSent\":7,"
                + "\"plisSent\":2}"), all);
        String onlyPublishers = send("GET", "/api/sessions?role=publisher", "admin", "secret").body();
        assertTrue(onlyPublishers.contains("p1") && !onlyPublishers.contains("s1"), onlyPublishers);
        String onlyViewers = send("GET", "/api/sessions?role=viewer", "admin", "secret").body();
        assertTrue(onlyViewers.contains("s1") && !onlyViewers.contains("p1"), onlyViewers);
        assertEquals(400, send("GET", "/api/sessions?role=camera", "admin", "secret").statusCode());
        assertEquals(204, send("DELETE", "/api/sessions/p1", "admin", "secret").statusCode());
        assertTrue(publishers.isEmpty());
        assertEquals(1, live.size(), "the viewer stays");
        assertEquals(404, send("DELETE", "/api/sessions/p1", "admin", "secret").statusCode());
    }

    @Test
    void shareIssuesAReadTokenForOneStream() throws Exception {
        start(true);
        HttpResponse<String> r = send("POST", "/api/streams/demo/share?ttl=2h", "admin", "secret");
        assertEquals(201, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"url\":\"http://127.0.0.1:" + port + "/play/demo?token=tok.en\""), r.body());
        assertEquals("demo " + Set.of(Action.READ) + " " + Duration.ofHours(2) + " share by admin", issued);
        assertEquals(400, send("POST", "/api/streams/demo/share?ttl=30d", "admin", "secret").statusCode());
        assertEquals(400, send("POST", "/api/streams/demo/share?ttl=soon", "admin", "secret").statusCode());
        assertEquals(404, send("POST", "/api/streams/nosuch/share", "admin", "secret").statusCode());
    }

    @Test
    void shareWithoutAnIssuerIs503() throws Exception {
        start(false);
        HttpResponse<String> r = send("POST", "/api/streams/demo/share", "admin", "secret");
        assertEquals(503, r.statusCode());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void repeatedWrongPasswordsAreRefusedWith429WithoutAskingTheRealm() throws Exception {
        start(true);
        for (int i = 0; i < 5; i++) {
            assertEquals(401, send("GET", "/api/streams", "admin", "guess" + i).statusCode());
        }
        int logins = TableLoginModule.LOGINS.get();
        HttpResponse<String> locked = send("GET", "/api/streams", "admin", "guess5");
        assertEquals(429, locked.statusCode());
        assertEquals("1", locked.headers().firstValue("Retry-After").orElse(""));
        assertEquals(429, send("GET", "/api/streams", "admin", "secret").statusCode(), "even the right password");
        assertEquals(429, send("GET", "/api/streams", "viewer", "pw").statusCode(), "the address is locked");
        assertEquals(logins, TableLoginModule.LOGINS.get(), "no realm login while locked");

        clock.addAndGet(1_000_000_000L);
        assertEquals(200, send("GET", "/api/streams", "admin", "secret").statusCode());
        assertEquals(401, send("GET", "/api/streams", "admin", "wrong").statusCode(), "the success reset the count");
    }

    @Test
    void aPollingConsoleLogsInOncePerCacheLifetime() throws Exception {
        start(true);
        int before = TableLoginModule.LOGINS.get();
        for (int i = 0; i < 10; i++) {
            assertEquals(200, send("GET", "/api/streams", "admin", "secret").statusCode());
        }
        assertEquals(before + 1, TableLoginModule.LOGINS.get());
        clock.addAndGet(31_000_000_000L);
        assertEquals(200, send("GET", "/api/sessions", "admin", "secret").statusCode());
        assertEquals(before + 2, TableLoginModule.LOGINS.get(), "expired: logged in again");
    }

    // ---- fixtures -----------------------------------------------------------------------------------------------

    private final class Sessions implements SessionRegistry {
        @Override
        public void register(ViewerSession session) {
            live.put(session.id(), session);
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
            return sessions().stream().filter(s -> s.streamName().equals(streamName)).toList();
        }
    }

    private final class Session implements ViewerSession {
        private final String id;

        Session(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String streamName() {
            return "demo";
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
            return 1;
        }

        @Override
        public String state() {
            return "connected";
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
            return new ViewerStats(10, 12_000, 0, 0, 0, 0, 20, 0, 0, 850_000, "transport-cc", "source");
        }

        @Override
        public void onClosed(Runnable listener) {
        }

        @Override
        public void close() {
            live.remove(id);
        }
    }
}
