package io.sightline.e2e;

import static io.sightline.e2e.DistributionHome.setKey;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The real Sightline distribution as a child process: unpacked fresh from the tar.gz, started with
 * {@code bin/karaf server} on free ports (HTTP through {@code SIGHTLINE_HTTP_PORT}; SSH and JMX in its etc/ files so
 * parallel builds do not collide), ready once {@code GET /health} and the start page {@code GET /} answer 200 and
 * the WHEP servlet takes requests (health answers before the last bundles have registered their servlets). {@link #close()} ends the whole
 * process tree (the script and its JVM), first politely, then forcibly, and a shutdown hook does the same if the
 * test JVM dies first.
 */
final class SightlineServer implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final String JWT_CONFIG = "etc/io.sightline.auth.jwt.cfg";
    /** The e2e distribution's HS256 secret: test-only, never a real deployment's. */
    private static final String JWT_SECRET = "sightline-e2e-only-secret-0123456789abcdef";

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

    /** Settings a test needs before boot, written into the unpacked home (e.g. what the SFU reads only once). */
    interface BeforeBoot {
        void configure(Path home) throws IOException;
    }

    /** Unpacks {@code distribution} under {@code workDir}, starts it and waits until it is healthy. */
    static SightlineServer start(Path distribution, Path workDir) throws IOException, InterruptedException {
        return start(distribution, workDir, List.of(), home -> { });
    }

    /**
     * As {@link #start(Path, Path)}, with {@code bin/karaf server} run through {@code launcher} (a command that ends
     * by running its remaining arguments, e.g. {@code unshare} with a mount set up first).
     */
    static SightlineServer start(Path distribution, Path workDir, List<String> launcher)
            throws IOException, InterruptedException {
        return start(distribution, workDir, launcher, home -> { });
    }

    /** As {@link #start(Path, Path)}, with {@code beforeBoot} applied to the home after the test defaults. */
    static SightlineServer start(Path distribution, Path workDir, BeforeBoot beforeBoot)
            throws IOException, InterruptedException {
        return start(distribution, workDir, List.of(), beforeBoot);
    }

    private static SightlineServer start(Path distribution, Path workDir, List<String> launcher, BeforeBoot beforeBoot)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(distribution)) {
            throw new IllegalStateException("no distribution at " + distribution + " (build karaf-assembly first)");
        }
        DistributionHome.unpack(distribution, workDir);
        int http = freePort();
        configurePorts(workDir, freePort(), freePort(), freePort());
        defineTestStreams(workDir);
        bootJwtProvider(workDir);
        beforeBoot.configure(workDir);
        List<String> command = new java.util.ArrayList<>(launcher);
        command.add(workDir.resolve("bin/karaf").toString());
        command.add("server");
        ProcessBuilder builder = new ProcessBuilder(command)
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

    /** The Karaf JVM's process id (a descendant of the launched script). */
    long jvmPid() {
        return process.descendants().filter(SightlineServer::isJava).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Karaf JVM under " + process.pid())).pid();
    }

    /**
     * A signed HS256 token that lets its holder read the named streams (patterns as the JWT provider takes them) for
     * ten minutes, or empty when the distribution has no JWT provider.
     */
    Optional<String> readToken(String... streams) {
        return token("\"read\"", streams);
    }

    /** As {@link #readToken}, for a token that also allows publishing (WHIP) into the named streams. */
    Optional<String> publishToken(String... streams) {
        return token("\"read\",\"publish\"", streams);
    }

    private Optional<String> token(String actions, String... streams) {
        if (!Files.isRegularFile(home.resolve(JWT_CONFIG))) {
            return Optional.empty();
        }
        StringBuilder list = new StringBuilder();
        for (String stream : streams) {
            list.append(list.length() == 0 ? "" : ",").append('"').append(stream).append('"');
        }
        long exp = Instant.now().plus(Duration.ofMinutes(10)).getEpochSecond();
        String payload = "{\"sub\":\"e2e\",\"exp\":" + exp + ",\"streams\":[" + list + "],\"actions\":[" + actions + "]}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Optional.of(signingInput + "."
                    + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        // The WHEP servlet can register after the pages: until it does, the default servlet answers its POST with
        // 405. WHEP itself refuses a text/plain offer with 415 (or 401 where it checks the caller first).
        List<HttpRequest> probes = List.of(HttpRequest.newBuilder(url("/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpRequest.newBuilder(url("/")).timeout(Duration.ofSeconds(5)).build(),
                HttpRequest.newBuilder(url("/whep/demo")).timeout(Duration.ofSeconds(5)).header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("probe")).build());
        Instant deadline = Instant.now().plus(BOOT_TIMEOUT);
        int ready = 0;
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + process.exitValue() + " during boot; see "
                        + home.resolve("console.log") + " and " + home.resolve("data/log/karaf.log"));
            }
            try {
                HttpRequest probe = probes.get(ready);
                last = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                boolean up = probe.method().equals("POST") ? last != 404 && last != 405 && last < 500 : last == 200;
                if (up && ++ready == probes.size()) {
                    return;
                }
                if (up) {
                    continue;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        Path threads = dumpThreads("boot-threads.txt");
        throw new IllegalStateException("Sightline did not answer " + probes.get(ready).uri().getPath() + " as expected within "
                + BOOT_TIMEOUT.toSeconds() + " s (last status " + last + "); see " + home.resolve("data/log/karaf.log") + " and " + threads);
    }

    /**
     * A thread dump of the Karaf JVM into {@code name} in its home, for waits that time out (a feature deployment
     * deadlock or a stuck Pax Web reconfiguration looks like that).
     */
    Path dumpThreads(String name) {
        Path out = home.resolve(name);
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

    /** SIGKILL to the JVM and the script, as a crash or {@code kill -9} would end it: no shutdown runs. */
    void kill() {
        Stream.concat(process.descendants(), Stream.of(process.toHandle())).forEach(ProcessHandle::destroyForcibly);
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

    /**
     * Boots the JWT auth provider with a fixed test secret when the distribution ships it (it does not by default):
     * tests can then act as a viewer with a token ({@link #readToken}). Without a token the provider has no opinion,
     * so public streams behave as without it.
     */
    private static void bootJwtProvider(Path home) throws IOException {
        if (!DistributionHome.hasFeature(home, "sightline-auth-jwt")) {
            return;
        }
        DistributionHome.bootFeature(home, "sightline-auth-jwt");
        Files.writeString(home.resolve(JWT_CONFIG), "hmac.secret = " + JWT_SECRET + "\n", StandardCharsets.ISO_8859_1);
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
        setKey(home.resolve("etc/io.sightline.transport.sfu.cfg"), "udp.port", 0);
        setKey(home.resolve("etc/io.sightline.transport.sfu.cfg"), "tcp.port", 0);
        // HTTP listens on 127.0.0.1 only, and the SFU would follow it (SIGHTLINE_BIND_ADDRESS), but Firefox ESR pairs
        // none of its host candidates with a loopback-only server and gathers no loopback candidate itself (153, even
        // with media.peerconnection.ice.loopback). So media binds every interface here and offers this host's own
        // IPv4 addresses, documentation ranges included (a test host's eth0 is 192.0.2.2): traffic still never leaves
        // the machine. IceBrowserE2E covers the SFU following SIGHTLINE_BIND_ADDRESS.
        setKey(home.resolve("etc/io.sightline.transport.sfu.cfg"), "bind.address", "0.0.0.0");
        setKey(home.resolve("etc/io.sightline.transport.sfu.cfg"), "ice.interfaces", "0.0.0.0/0");
        setKey(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", ssh);
        setKey(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", rmiRegistry);
        setKey(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", rmiServer);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
