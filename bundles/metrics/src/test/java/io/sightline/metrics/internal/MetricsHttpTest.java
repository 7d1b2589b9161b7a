package io.sightline.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStats;
import io.sightline.metrics.internal.Fixtures.FakeSession;
import io.sightline.testing.TestStreamRegistry;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The servlet in a real Jetty: status codes, headers, empty refusals, and the page as promtool reads it. */
class MetricsHttpTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final TestStreamRegistry streams = new TestStreamRegistry();
    private final Fixtures.Sessions sessions = new Fixtures.Sessions();
    private Server jetty;
    private int port;

    @TempDir
    Path dir;

    private void start(ScrapeAccess access) throws Exception {
        streams.add(Fixtures.stream("lobby \\ \"east\"\nwing", "sfu", StreamState.LIVE,
                new StreamStats(1_000_000, 25, 2000, 1, 500, System.currentTimeMillis())));
        streams.add(Fixtures.stream("door", "p2p", StreamState.FAILED, StreamStats.EMPTY));
        sessions.register(new FakeSession("s1", "door", "p2p").sent(10, 1000, 0, 1, 2, 3));
        MetricsServlet servlet = new MetricsServlet();
        servlet.use(access, streams, sessions, 0);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), "/metrics");
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

    private HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void loopbackGetsThePage() throws Exception {
        start(ScrapeAccess.of(new String[] {"127.0.0.1/8", "::1"}, ""));
        HttpResponse<String> r = get(null);
        assertEquals(200, r.statusCode());
        assertEquals("text/plain;version=0.0.4;charset=utf-8",
                r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        StrictExpositionParser page = StrictExpositionParser.parse(r.body());
        assertEquals(1, page.value("sightline_stream_up", "stream", "lobby \\ \"east\"\nwing"));
        assertEquals(1, page.value("sightline_stream_state", "stream", "door", "state", "failed"));
    }

    @Test
    void anAddressOutsideAllowFromGets403WithNothingInIt() throws Exception {
        start(ScrapeAccess.of(new String[] {"10.0.0.0/8"}, ""));
        HttpResponse<String> r = get("Bearer anything");
        assertEquals(403, r.statusCode());
        assertEquals("", r.body());
    }

    @Test
    void aTokenIsNeededWhenConfigured() throws Exception {
        Path token = dir.resolve("scrape.token");
        Files.writeString(token, "t0ken-" + System.nanoTime());
        start(ScrapeAccess.of(new String[] {"127.0.0.1/8"}, token.toString()));
        HttpResponse<String> none = get(null);
        assertEquals(401, none.statusCode());
        assertEquals("", none.body());
        assertEquals("Bearer realm=\"sightline-metrics\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, get("Bearer wrong").statusCode());
        HttpResponse<String> ok = get("Bearer " + Files.readString(token));
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("sightline_stream_viewers{stream=\"door\",transport=\"p2p\"} 1\n"), ok.body());
    }

    @Test
    void promtoolAcceptsThePage() throws Exception {
        File promtool = promtool();
        Assumptions.assumeTrue(promtool != null, "promtool is not installed (Debian package prometheus)");
        start(ScrapeAccess.of(new String[] {"127.0.0.1/8"}, ""));
        Path page = dir.resolve("page.txt");
        Files.writeString(page, get(null).body());
        Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true)
                .redirectInput(page.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool finished");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertEquals("", output.trim(), "no lint findings");
    }

    private static File promtool() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(d, "promtool");
            if (f.canExecute()) {
                return f;
            }
        }
        return null;
    }
}
