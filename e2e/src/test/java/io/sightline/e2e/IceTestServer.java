package io.sightline.e2e;

import static io.sightline.e2e.DistributionHome.setKey;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real distribution booted for the ICE tests with a short consent timeout in
 * etc/io.sightline.transport.sfu.cfg, written before boot (the SFU reads it once at activation; a change at run
 * time restarts the transport and drops every viewer). {@link SightlineServer} unpacks and boots in one step, so
 * this class does the same with that one extra setting. Ports: a block of five from system property
 * {@code e2e.basePort} (HTTP, SSH, two RMI, SFU UDP+TCP), default 9700.
 */
final class IceTestServer implements AutoCloseable {
    private static final Pattern DEMO_VIEWERS = Pattern.compile("\"demo\":\\{[^}]*\"viewers\":(\\d+)");

    private final Path home;
    private final int httpPort;
    private final int mediaPort;
    private final Process process;

    private IceTestServer(Path home, int httpPort, int mediaPort, Process process) {
        this.home = home;
        this.httpPort = httpPort;
        this.mediaPort = mediaPort;
        this.process = process;
    }

    /** Unpacks {@code distribution} under {@code workDir}, sets the consent timeout, boots it and waits for WHEP. */
    static IceTestServer start(Path distribution, Path workDir, int consentTimeoutSeconds)
            throws IOException, InterruptedException {
        DistributionHome.unpack(distribution, workDir);
        int base = Integer.parseInt(System.getProperty("e2e.basePort", "9700"));
        Path sfu = workDir.resolve("etc/io.sightline.transport.sfu.cfg");
        setKey(workDir.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", base + 1);
        setKey(workDir.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", base + 2);
        setKey(workDir.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", base + 3);
        setKey(sfu, "udp.port", base + 4);
        setKey(sfu, "tcp.port", base + 4);
        setKey(sfu, "consent.timeout.seconds", consentTimeoutSeconds);
        ProcessBuilder builder = new ProcessBuilder(workDir.resolve("bin/karaf").toString(), "server")
                .directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("console.log").toFile());
        builder.environment().put("SIGHTLINE_HTTP_PORT", String.valueOf(base));
        builder.environment().put("SIGHTLINE_BIND_ADDRESS", "127.0.0.1");
        builder.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        IceTestServer server = new IceTestServer(workDir, base, base + 4, builder.start());
        try {
            server.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
    }

    /** The SFU's UDP and TCP port (the same number for both). */
    int mediaPort() {
        return mediaPort;
    }

    Path home() {
        return home;
    }

    /** Viewers of the demo stream as /health tells a loopback caller. */
    int demoViewers() throws IOException, InterruptedException {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url("/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = DEMO_VIEWERS.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no demo viewers in /health: " + body);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Health, the start page, the demo stream live, and the WHEP servlet settled (it registers, then registers
     * again when its configuration arrives; requests in between reach the default servlet).
     */
    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        int settled = 0;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited during boot; see " + home.resolve("console.log"));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(url("/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                boolean live = health.statusCode() == 200 && health.body().matches("(?s).*\"demo\":\\{[^}]*\"state\":\"live\".*");
                int preflight = http.send(HttpRequest.newBuilder(url("/whep/demo")).method("OPTIONS",
                        HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                settled = live && preflight == 204 ? settled + 1 : 0;
                if (settled == 3) {
                    return;
                }
            } catch (IOException e) {
                settled = 0; // not listening yet
            }
            Thread.sleep(500);
        }
        Path threads = home.resolve("boot-threads.txt");
        for (ProcessHandle jvm : process.descendants().toList()) {
            // A boot that hangs (a feature deployment deadlock looks like that) is explained by its threads.
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    String.valueOf(jvm.pid())).redirectErrorStream(true).redirectOutput(threads.toFile()).start()
                    .waitFor(20, TimeUnit.SECONDS);
        }
        throw new IllegalStateException("the ICE test server did not get ready; see " + home.resolve("data/log/karaf.log")
                + " and " + threads);
    }

    /** SIGTERM to the script and its JVM (Karaf stops cleanly on it), SIGKILL to what is left after 10 s. */
    @Override
    public void close() {
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }
}
