package io.sightline.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real Sightline distribution as a child process: unpacked fresh from the tar.gz, started with
 * {@code bin/karaf server} on free ports (HTTP through {@code SIGHTLINE_HTTP_PORT}; SSH and JMX in its etc/ files so
 * parallel builds do not collide), ready once {@code GET /health} and the start page {@code GET /} answer 200 (health
 * answers before the last bundles have registered their servlets). {@link #close()} ends the whole
 * process tree (the script and its JVM), first politely, then forcibly, and a shutdown hook does the same if the
 * test JVM dies first.
 */
final class SightlineServer implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Path home;
    private final int httpPort;
    private final Process process;
    private final Thread killer;

    private SightlineServer(Path home, int httpPort, Process process) {
        this.home = home;
        this.httpPort = httpPort;
        this.process = process;
        this.killer = new Thread(this::killTree, "sightline-server-killer");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Unpacks {@code distribution} under {@code workDir}, starts it and waits until it is healthy. */
    static SightlineServer start(Path distribution, Path workDir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(distribution)) {
            throw new IllegalStateException("no distribution at " + distribution + " (build karaf-assembly first)");
        }
        deleteTree(workDir);
        Files.createDirectories(workDir);
        run(workDir, "tar", "xzf", distribution.toString(), "-C", workDir.toString(), "--strip-components=1");
        int http = freePort();
        configurePorts(workDir, freePort(), freePort(), freePort());
        defineTestStreams(workDir);
        ProcessBuilder builder = new ProcessBuilder(workDir.resolve("bin/karaf").toString(), "server")
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("console.log").toFile());
        builder.environment().put("SIGHTLINE_HTTP_PORT", String.valueOf(http));
        builder.environment().put("SIGHTLINE_BIND_ADDRESS", "127.0.0.1");
        builder.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        SightlineServer server = new SightlineServer(workDir, http, builder.start());
        try {
            server.awaitHealthy();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** An absolute URL on this server, e.g. {@code url("/play/demo")}. */
    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
    }

    Path home() {
        return home;
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<HttpRequest> probes = List.of(HttpRequest.newBuilder(url("/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpRequest.newBuilder(url("/")).timeout(Duration.ofSeconds(5)).build());
        Instant deadline = Instant.now().plus(BOOT_TIMEOUT);
        int ready = 0;
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + process.exitValue() + " during boot; see "
                        + home.resolve("console.log") + " and " + home.resolve("data/log/karaf.log"));
            }
            try {
                last = http.send(probes.get(ready), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200 && ++ready == probes.size()) {
                    return;
                }
                if (last == 200) {
                    continue;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        Path threads = dumpThreads();
        throw new IllegalStateException("Sightline did not answer " + probes.get(ready).uri().getPath() + " with 200 within "
                + BOOT_TIMEOUT.toSeconds() + " s (last status " + last + "); see " + home.resolve("data/log/karaf.log") + " and " + threads);
    }

    /** A thread dump of the Karaf JVM, for boots that hang (a feature deployment deadlock looks like that). */
    private Path dumpThreads() {
        Path out = home.resolve("boot-threads.txt");
        for (ProcessHandle jvm : process.descendants().filter(SightlineServer::isJava).toList()) {
            try {
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                        String.valueOf(jvm.pid())).redirectErrorStream(true).redirectOutput(out.toFile()).start()
                        .waitFor(20, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // Diagnostics only.
            }
        }
        return out;
    }

    private static boolean isJava(ProcessHandle handle) {
        return handle.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }

    @Override
    public void close() {
        killTree();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or ran.
        }
    }

    /** SIGTERM to the script and every descendant (Karaf stops cleanly on it), SIGKILL to what is left. */
    private void killTree() {
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    /** Streams the tests use besides demo: a VP8-encoded test pattern (the demo stream is H.264). */
    private static void defineTestStreams(Path home) throws IOException {
        Files.writeString(home.resolve("etc/io.sightline.stream-vp8.cfg"), String.join("\n",
                "source.type = testpattern", "source.width = 640", "source.height = 360", "access = public",
                "video.codec = vp8", ""), StandardCharsets.ISO_8859_1);
    }

    /**
     * Moves Karaf's SSH and JMX/RMI listeners off their fixed defaults (8101, 1099, 44444), and the SFU's media
     * ports (8189) to any free ones, so a server already running on this machine cannot collide.
     */
    private static void configurePorts(Path home, int ssh, int rmiRegistry, int rmiServer) throws IOException {
        replace(home.resolve("etc/io.sightline.transport.sfu.cfg"), "udp.port", 0);
        replace(home.resolve("etc/io.sightline.transport.sfu.cfg"), "tcp.port", 0);
        replace(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", ssh);
        replace(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", rmiRegistry);
        replace(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", rmiServer);
    }

    private static void replace(Path cfg, String key, int value) throws IOException {
        String text = Files.readString(cfg, StandardCharsets.ISO_8859_1);
        Pattern line = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*=.*$");
        if (!line.matcher(text).find()) {
            throw new IllegalStateException(cfg + " has no " + key);
        }
        Files.writeString(cfg, line.matcher(text).replaceAll(key + " = " + value), StandardCharsets.ISO_8859_1);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
