package io.sightline.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The control-plane shell commands against the real distribution: each writes the same {@code etc/} file an
 * operator would, the server applies it, bad input is refused with nothing written, and a stopped stream refuses
 * new viewers with the WHEP status the player shows as "stopped" (423); the REST API writes through the same
 * catalog.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class StreamControlIT {
    private static final String HTTP_PORT_PROPERTY = "sightline.itest.http.port";
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(30);
    /** The smallest offer the SFU accepts is not needed: a stopped stream is refused before the offer is read. */
    private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    @Inject
    private StreamRegistry registry;
    @Inject
    private SessionFactory sessions;

    @Configuration
    public Option[] config() throws IOException {
        String[] ports = freePorts(4);
        File distribution = new File(System.getProperty("sightline.distribution"));
        return options(
                karafDistributionConfiguration().frameworkUrl(distribution.toURI().toString()).name("Sightline")
                        .karafVersion(System.getProperty("sightline.karaf.version"))
                        .unpackDirectory(new File("target/exam")).useDeployFolder(false),
                logLevel(LogLevel.WARN),
                systemTimeout(Duration.ofSeconds(90).toMillis()),
                configureConsole().ignoreLocalConsole(),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", ports[0]),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses",
                        "127.0.0.1"),
                editConfigurationFilePut("etc/io.sightline.transport.sfu.cfg", "udp.port", "0"),
                editConfigurationFilePut("etc/io.sightline.transport.sfu.cfg", "tcp.port", "0"),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", ports[1]),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", ports[2]),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", ports[3]),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("sightline.exam.repository")),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
                // A realm user with the admin role directly (no group), for the REST checks.
                editConfigurationFilePut("etc/users.properties", "itops", "itpass,admin"),
                systemProperty(HTTP_PORT_PROPERTY).value(ports[0]),
                systemProperty("pax.exam.service.timeout").value("60000"));
    }

    private KarafShell shell() {
        KarafShell shell = new KarafShell(sessions);
        shell.awaitCommand("stream", "add");
        shell.awaitCommand("viewer", "kick");
        return shell;
    }

    private static Path file(String name) {
        return Path.of(System.getProperty("karaf.etc"), "io.sightline.stream-" + name + ".cfg");
    }

    /** Runs a command that must fail; returns Karaf's message. */
    private static String refused(KarafShell shell, String command) throws Exception {
        try {
            String out = shell.execute(command);
            fail(command + " was accepted: " + out);
            return null;
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause().getMessage());
        }
    }

    private Stream await(String name, StreamState state) {
        return Await.until(name + " " + state, CHANGE_TIMEOUT, () -> registry.find(name),
                s -> s.isPresent() && s.get().status().state() == state).orElseThrow();
    }

    private static int whepPost(String stream) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + System.getProperty(HTTP_PORT_PROPERTY) + "/whep/" + stream))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(OFFER)).build();
        return HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    public void a_addWritesTheOperatorsFileAndTheStreamGoesLive() throws Exception {
        KarafShell shell = shell();
        String out = shell.execute("stream:add lobby source.type=testpattern source.width=320 source.height=240 "
                + "source.fps=10 access=public access.public.from=127.0.0.1/8");
        assertTrue(out, out.contains("Stream 'lobby' created"));
        String text = Files.readString(file("lobby"));
        assertTrue(text, text.contains("source.width = 320\n") && text.contains("access = public\n"));
        Stream lobby = await("lobby", StreamState.LIVE);
        PictureWatcher.awaitPicture(lobby, 320, 240, CHANGE_TIMEOUT);
        String info;
        // An encoded subscriber (what a viewer's transport is) makes the stream encode, so it has a rendition.
        try (Subscription viewer = lobby.subscribe(unit -> { }, SubscribeOptions.ENCODED)) {
            Await.until("an encoded track", CHANGE_TIMEOUT, lobby::tracks, t -> !t.isEmpty());
            info = shell.execute("stream:info lobby");
        }
        assertTrue(info, info.contains("State: live"));
        assertTrue(info, KarafShell.tableRow(info, "source.width").get(1).equals("320"));
        assertTrue("defaults are marked: " + info, KarafShell.tableRow(info, "mode").get(1).equals("* always-on"));
        assertTrue(info, info.contains("video h264 320x240"));
        assertTrue(info, info.contains("Viewers: none"));
    }

    @Test
    public void b_badInputIsRefusedAndNothingIsWritten() throws Exception {
        KarafShell shell = shell();
        String before = Files.readString(file("lobby"));
        String[][] cases = {
            {"stream:add lobby source.type=testpattern", "exists"},
            {"stream:add bad.name source.type=testpattern", "bad name"},
            {"stream:add x source.type=nosuch", "source.type"},
            {"stream:add x source.type=testpattern colour=red", "colour: unknown property"},
            {"stream:add x source.type=testpattern video.bitrate.kbps=fast", "video.bitrate.kbps: must be an integer"},
            {"stream:add x source.type=testpattern source.width=99999", "source.width"},
            {"stream:add x source.type=rtsp source.url=rtsp:///nohost", "source.url"},
            {"stream:add x source.type=testpattern mode=sometimes", "mode: must be one of"},
            {"stream:add x source.type=testpattern enabled", "expected key=value"},
            {"stream:edit lobby source.fps=1000", "source.fps"},
            {"stream:edit lobby source.height=abc source.width=640", "source.height"},
            {"stream:edit nosuch source.fps=5", "no such stream"},
            {"stream:stop nosuch", "no such stream"},
            {"stream:remove nosuch", "no such stream"},
            {"viewer:kick nosuch", "no viewer session"},
        };
        for (String[] c : cases) {
            String message = refused(shell, c[0]);
            assertTrue(c[0] + " -> " + message, message.contains(c[1]));
        }
        assertFalse(Files.exists(file("x")));
        assertFalse(Files.exists(file("bad.name")));
        assertEquals(before, Files.readString(file("lobby")));
        assertEquals(StreamState.LIVE, registry.find("lobby").orElseThrow().status().state());
    }

    @Test
    public void c_stopKeepsTheStreamRefusesViewersAndStartBringsItBack() throws Exception {
        KarafShell shell = shell();
        await("lobby", StreamState.LIVE);
        assertEquals("a live public stream takes the offer to its transport", false, whepPost("lobby") == 423);
        assertTrue(shell.execute("stream:stop lobby").contains("stopped"));
        assertTrue(Files.readString(file("lobby")).contains("enabled = false"));
        await("lobby", StreamState.STOPPED);
        assertEquals(423, whepPost("lobby"));
        String info = shell.execute("stream:info lobby");
        assertTrue(info, info.contains("State: stopped (stopped by an operator"));
        assertTrue(info, KarafShell.tableRow(shell.execute("stream:list"), "lobby").contains("stopped"));

        assertTrue(shell.execute("stream:start lobby").contains("started"));
        await("lobby", StreamState.LIVE);
        assertFalse(Files.readString(file("lobby")).contains("enabled"));
        String history = shell.execute("stream:info lobby");
        assertTrue(history, history.indexOf("| stopped") < history.lastIndexOf("| live"));
    }

    @Test
    public void d_editChangesTheResolutionAndUnsetRestoresDefaults() throws Exception {
        KarafShell shell = shell();
        assertTrue(shell.execute("stream:edit lobby source.width=640 source.height=360 --unset source.fps")
                .contains("changed"));
        String text = Files.readString(file("lobby"));
        assertTrue(text, text.contains("source.width = 640") && !text.contains("source.fps"));
        PictureWatcher.awaitPicture(registry.find("lobby").orElseThrow(), 640, 360, CHANGE_TIMEOUT);
        String viewers = shell.execute("viewer:list lobby");
        assertTrue(viewers, viewers.contains("Transport"));
    }

    @Test
    public void e_removeDeletesTheFileAndTheStream() throws Exception {
        KarafShell shell = shell();
        assertTrue(shell.execute("stream:remove lobby").contains("removed"));
        assertFalse(Files.exists(file("lobby")));
        Await.until("lobby gone", CHANGE_TIMEOUT, () -> registry.find("lobby"), Optional::isEmpty);
        assertEquals(List.of(), KarafShell.tableRow(shell.execute("stream:list"), "lobby"));
        assertTrue(registry.find("demo").isPresent());
    }

    @Test
    public void f_theRestApiWritesThroughTheSameCatalog() throws Exception {
        HttpResponse<String> created = rest("PUT", "/api/streams/rest1",
                "{\"source.type\":\"testpattern\",\"source.width\":320,\"source.height\":240}");
        assertEquals(created.body(), 201, created.statusCode());
        String etag = created.headers().firstValue("ETag").orElseThrow();
        await("rest1", StreamState.LIVE);
        String before = Files.readString(file("rest1"));
        HttpResponse<String> bad = rest("PATCH", "/api/streams/rest1", "{\"source.width\":1,\"colour\":\"red\"}");
        assertEquals(bad.body(), 422, bad.statusCode());
        assertTrue(bad.body(), bad.body().contains("\"key\":\"source.width\"") && bad.body().contains("colour"));
        assertEquals(before, Files.readString(file("rest1")));
        assertEquals(200, rest("POST", "/api/streams/rest1/stop", null, "If-Match", etag).statusCode());
        await("rest1", StreamState.STOPPED);
        HttpResponse<String> detail = rest("GET", "/api/streams/rest1", null);
        assertTrue(detail.body(), detail.body().contains("\"state\":\"stopped\""));
        assertEquals(412, rest("DELETE", "/api/streams/rest1", null, "If-Match", etag).statusCode());
        assertTrue(Files.exists(file("rest1")));
        assertEquals(204, rest("DELETE", "/api/streams/rest1", null).statusCode());
        Await.until("rest1 gone", CHANGE_TIMEOUT, () -> registry.find("rest1"), Optional::isEmpty);
        HttpResponse<String> audit = rest("GET", "/api/audit", null);
        assertTrue(audit.body(), audit.body().contains("\"user\":\"itops\",\"surface\":\"api\""));
        assertEquals(200, rest("GET", "/api/openapi.json", null).statusCode());
    }

    private static HttpResponse<String> rest(String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + System.getProperty(HTTP_PORT_PROPERTY) + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        "itops:itpass".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] freePorts(int n) throws IOException {
        String[] ports = new String[n];
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = String.valueOf(sockets[i].getLocalPort());
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }
}
