package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamListener;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import io.sightline.core.internal.MetaTypeFiles;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream write API in a real Jetty over the real catalog writing a real directory: a matrix of methods,
 * credentials and bad bodies, each answered with its status and leaving the files as they were; versions; and the
 * OpenAPI document against the routes.
 */
class StreamWritesHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    @TempDir
    Path etc;
    private Server jetty;
    private int port;

    @BeforeEach
    void start() throws Exception {
        AdminApiServlet servlet = new AdminApiServlet();
        servlet.configure((AdminApiConfiguration) Proxy.newProxyInstance(AdminApiConfiguration.class.getClassLoader(),
                new Class<?>[] {AdminApiConfiguration.class}, (proxy, method, args) -> method.getDefaultValue()));
        RealmAuthenticator realm = new RealmAuthenticator("karaf", "admin", TableLoginModule.Role.class.getName(),
                TableLoginModule.configuration());
        // No throttle in this matrix: it sends wrong passwords on purpose (the throttle has its own tests).
        LoginGuard guard = new LoginGuard(realm, new LoginThrottle(1_000_000, 300, 900, 1000, clock::get),
                new LoginCache(30, 16, clock::get), clock::get);
        servlet.use(guard, new NoStreams(), new NoSessions(), null, MetaTypeFiles.catalog(etc, Set.of("testpattern")),
                null);
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

    private HttpResponse<String> send(String method, String path, String credentials, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        if (credentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String body, String... headers) throws Exception {
        return send(method, path, "admin:secret", body, headers);
    }

    /** Every file in etc/ with its content. */
    private Map<String, String> disk() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (var list = Files.list(etc)) {
            for (Path p : list.toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    @Test
    void createReadEditStopStartRemoveWithVersions() throws Exception {
        HttpResponse<String> created = admin("PUT", "/api/streams/lobby",
                "{\"source.type\":\"testpattern\",\"source.width\":640,\"source.height\":360,"
                        + "\"access.public.from\":[\"127.0.0.1/8\",\"::1\"]}");
        assertEquals(201, created.statusCode(), created.body());
        String v1 = created.headers().firstValue("ETag").orElseThrow();
        assertTrue(Files.readString(etc.resolve("io.sightline.stream-lobby.cfg")).contains("source.width = 640"));

        HttpResponse<String> got = admin("GET", "/api/streams/lobby", null);
        assertEquals(200, got.statusCode());
        assertEquals(v1, got.headers().firstValue("ETag").orElseThrow());
        JsonNode detail = JSON.readTree(got.body());
        JsonNode fps = find(detail.get("settings"), "source.fps");
        assertEquals("30", fps.get("value").asText());
        assertTrue(fps.get("default").asBoolean(), "defaults are marked");
        assertFalse(find(detail.get("settings"), "source.width").get("default").asBoolean());

        HttpResponse<String> patched = admin("PATCH", "/api/streams/lobby", "{\"source.fps\":15,\"source.height\":null}",
                "If-Match", v1);
        assertEquals(200, patched.statusCode(), patched.body());
        String v2 = patched.headers().firstValue("ETag").orElseThrow();
        assertNotEquals(v1, v2);
        String file = Files.readString(etc.resolve("io.sightline.stream-lobby.cfg"));
        assertTrue(file.contains("source.fps = 15") && !file.contains("source.height"), file);

        Map<String, String> before = disk();
        HttpResponse<String> stale = admin("PATCH", "/api/streams/lobby", "{\"source.fps\":20}", "If-Match", v1);
        assertEquals(412, stale.statusCode(), stale.body());
        assertEquals(412, admin("DELETE", "/api/streams/lobby", null, "If-Match", v1).statusCode());
        assertEquals(412, admin("PUT", "/api/streams/lobby", "{}", "If-None-Match", "*").statusCode());
        assertEquals(before, disk());

        HttpResponse<String> stopped = admin("POST", "/api/streams/lobby/stop", null, "If-Match", v2);
        assertEquals(200, stopped.statusCode(), stopped.body());
        assertTrue(Files.readString(etc.resolve("io.sightline.stream-lobby.cfg")).contains("enabled = false"));
        assertEquals(200, admin("POST", "/api/streams/lobby/start", null).statusCode());
        assertFalse(Files.readString(etc.resolve("io.sightline.stream-lobby.cfg")).contains("enabled"));

        assertEquals(204, admin("DELETE", "/api/streams/lobby", null).statusCode());
        assertEquals(Map.of(), disk());
        assertEquals(404, admin("GET", "/api/streams/lobby", null).statusCode());

        JsonNode audit = JSON.readTree(admin("GET", "/api/audit", null).body());
        List<String> actions = new ArrayList<>();
        audit.forEach(e -> actions.add(e.get("action").asText()));
        assertEquals(List.of("create", "edit", "stop", "start", "remove"), actions);
        assertEquals("admin", audit.get(0).get("actor").get("user").asText());
        assertEquals("127.0.0.1", audit.get(0).get("actor").get("address").asText());
    }

    @Test
    void badInputIsRefusedPreciselyAndNothingChangesOnDisk() throws Exception {
        assertEquals(201, admin("PUT", "/api/streams/lobby", "{\"source.type\":\"testpattern\"}").statusCode());
        Map<String, String> before = disk();
        // {method, path, body, expected status, offending key or ""}
        String[][] cases = {
            {"PUT", "/api/streams/lobby", "{\"colour\":\"red\"}", "422", "colour"},
            {"PUT", "/api/streams/lobby", "{\"video.bitrate.kbps\":\"fast\"}", "422", "video.bitrate.kbps"},
            {"PATCH", "/api/streams/lobby", "{\"source.width\":99999}", "422", "source.width"},
            {"PATCH", "/api/streams/lobby", "{\"mode\":\"sometimes\"}", "422", "mode"},
            {"PATCH", "/api/streams/lobby", "{\"source.url\":\"rtsp:///no-host\"}", "422", "source.url"},
            {"PATCH", "/api/streams/lobby", "{\"source.type\":\"nosuch\"}", "422", "source.type"},
            {"PATCH", "/api/streams/lobby", "{\"access\":{\"nested\":1}}", "422", "access"},
            {"PUT", "/api/streams/lobby", "{\"source.fps\":null}", "422", "source.fps"},
            {"PUT", "/api/streams/bad.name", "{}", "400", "name"},
            {"PUT", "/api/streams/a%20b", "{}", "400", "name"},
            {"POST", "/api/streams", "{\"name\":\"lobby\",\"properties\":{}}", "409", "name"},
            {"POST", "/api/streams", "{\"properties\":{}}", "400", ""},
            {"PUT", "/api/streams/lobby", "not json", "400", ""},
            {"PUT", "/api/streams/lobby", "[1,2]", "400", ""},
            {"PATCH", "/api/streams/nosuch", "{\"mode\":\"on-demand\"}", "404", "name"},
            {"POST", "/api/streams/nosuch/stop", null, "404", "name"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = admin(c[0], c[1], c[2]);
            assertEquals(Integer.parseInt(c[3]), r.statusCode(), String.join(" ", c) + " -> " + r.body());
            JsonNode body = JSON.readTree(r.body());
            assertTrue(body.hasNonNull("error"), r.body());
            if (!c[4].isEmpty()) {
                List<String> keys = new ArrayList<>();
                body.get("problems").forEach(p -> keys.add(p.get("key").asText()));
                assertEquals(List.of(c[4]), keys, String.join(" ", c) + " -> " + r.body());
            }
            assertEquals(before, disk(), "nothing written by " + String.join(" ", c));
        }
        HttpResponse<String> several = admin("PATCH", "/api/streams/lobby",
                "{\"colour\":\"red\",\"source.fps\":0,\"enabled\":\"maybe\"}");
        assertEquals(422, several.statusCode());
        assertEquals(3, JSON.readTree(several.body()).get("problems").size(), "one message per offending property");
        HttpResponse<String> type = send("PUT", "/api/streams/lobby", "admin:secret", "x=1", "Content-Type",
                "text/plain");
        assertEquals(415, type.statusCode());
        assertEquals(before, disk());
    }

    @Test
    void everyWriteNeedsAnAdminAndARefusedCallerChangesNothing() throws Exception {
        assertEquals(201, admin("PUT", "/api/streams/lobby", "{\"source.type\":\"testpattern\"}").statusCode());
        Map<String, String> before = disk();
        String[][] writes = {{"PUT", "/api/streams/lobby", "{\"source.fps\":5}"},
            {"PATCH", "/api/streams/lobby", "{\"source.fps\":5}"}, {"DELETE", "/api/streams/lobby", null},
            {"POST", "/api/streams/lobby/stop", null}, {"POST", "/api/streams/lobby/start", null},
            {"POST", "/api/streams", "{\"name\":\"x\",\"properties\":{}}"}, {"GET", "/api/streams/lobby", null},
            {"GET", "/api/audit", null}, {"GET", "/api/resources", null}, {"GET", "/api/openapi.json", null}};
        String[][] callers = {{null, "401"}, {"admin:wrong", "401"}, {"nobody:pw", "401"}, {"viewer:pw", "403"}};
        for (String[] w : writes) {
            for (String[] who : callers) {
                HttpResponse<String> r = send(w[0], w[1], who[0], w[2]);
                assertEquals(Integer.parseInt(who[1]), r.statusCode(), w[0] + " " + w[1] + " as " + who[0]);
                assertEquals(before, disk());
            }
        }
        assertEquals(1, JSON.readTree(admin("GET", "/api/audit", null).body()).size(), "only the create");
    }

    @Test
    void theOpenApiDocumentListsExactlyTheRoutesAndEachIsServed() throws Exception {
        HttpResponse<String> r = admin("GET", "/api/openapi.json", null);
        assertEquals(200, r.statusCode());
        JsonNode doc = JSON.readTree(r.body());
        assertEquals("/api", doc.get("servers").get(0).get("url").asText());
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey()));
        }
        Set<String> implemented = new TreeSet<>();
        for (AdminApiServlet.Route route : AdminApiServlet.ROUTES) {
            implemented.add(route.method() + " " + route.template());
        }
        assertEquals(implemented, documented);
        // Each documented operation answers as documented for a missing stream or session, never "no such route".
        for (String op : documented) {
            String method = op.substring(0, op.indexOf(' '));
            String path = "/api" + op.substring(op.indexOf(' ') + 1).replace("{name}", "nosuch").replace("{id}", "x");
            String body = method.equals("GET") || method.equals("DELETE") || path.endsWith("p") || path.endsWith("t")
                    || path.endsWith("share") ? null : "{\"name\":\"n1\"}";
            HttpResponse<String> answer = admin(method, path, body);
            String declared = doc.get("paths").get(op.substring(op.indexOf(' ') + 1)).get(method.toLowerCase())
                    .get("responses").toString();
            assertTrue(declared.contains("\"" + answer.statusCode() + "\""),
                    op + " answered " + answer.statusCode() + " which is not documented: " + answer.body());
            assertFalse(answer.body().contains("no such resource"), op);
        }
    }

    private static JsonNode find(JsonNode rows, String key) {
        for (JsonNode row : rows) {
            if (row.get("key").asText().equals(key)) {
                return row;
            }
        }
        throw new AssertionError("no row " + key + " in " + rows);
    }

    private static final class NoStreams implements StreamRegistry {
        @Override
        public Optional<Stream> find(String name) {
            return Optional.empty();
        }

        @Override
        public List<Stream> streams() {
            return List.of();
        }

        @Override
        public AutoCloseable watch(StreamListener listener) {
            return () -> { };
        }
    }

    private static final class NoSessions implements SessionRegistry {
        @Override
        public void register(ViewerSession session) {
        }

        @Override
        public Optional<ViewerSession> session(String id) {
            return Optional.empty();
        }

        @Override
        public List<ViewerSession> sessions() {
            return List.of();
        }

        @Override
        public List<ViewerSession> sessions(String streamName) {
            return List.of();
        }
    }
}
