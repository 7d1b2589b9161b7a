package io.sightline.e2e;

import static io.sightline.e2e.DistributionHome.setKey;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real distribution prepared for the access tests before it boots: an admin and a non-admin user in
 * etc/users.properties, the admin API (and the JWT provider when the distribution has it) added to the boot
 * features, a fixed HS256 secret, a token-only stream, and limits suited to a matrix fired from one address.
 * {@link SightlineServer} unpacks and boots in one step, so this class does the same with these extra files.
 */
final class AccessMatrixServer implements AutoCloseable {
    static final String ADMIN = "matrixadmin";
    static final String ADMIN_PASSWORD = "adm1n-pass";
    static final String VIEWER = "matrixviewer";
    static final String VIEWER_PASSWORD = "v1ewer-pass";
    static final String HMAC_SECRET = "access-matrix-test-secret-0123456789abcdef";

    private final Path home;
    private final int httpPort;
    private final Process process;
    private final boolean jwtAvailable;

    private AccessMatrixServer(Path home, int httpPort, Process process, boolean jwtAvailable) {
        this.home = home;
        this.httpPort = httpPort;
        this.process = process;
        this.jwtAvailable = jwtAvailable;
    }

    static AccessMatrixServer start(Path distribution, Path workDir) throws IOException, InterruptedException {
        DistributionHome.unpack(distribution, workDir);
        boolean jwt = DistributionHome.hasFeature(workDir, "sightline-auth-jwt");
        int http = port(0);
        setKey(workDir.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", port(1));
        setKey(workDir.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", port(2));
        setKey(workDir.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", port(3));
        setKey(workDir.resolve("etc/io.sightline.transport.sfu.cfg"), "udp.port", port(4));
        setKey(workDir.resolve("etc/io.sightline.transport.sfu.cfg"), "tcp.port", port(4));
        Path features = workDir.resolve("etc/org.apache.karaf.features.cfg");
        String boot = Files.readString(features, StandardCharsets.ISO_8859_1);
        Matcher line = Pattern.compile("(?m)^(featuresBoot\\s*=.*)\\)\\s*$").matcher(boot);
        if (!line.find()) {
            throw new IllegalStateException("no featuresBoot line in " + features);
        }
        String extra = ", sightline-admin-api" + (jwt ? ", sightline-auth-jwt" : "");
        Files.writeString(features, line.replaceFirst(Matcher.quoteReplacement(line.group(1) + extra + ")")),
                StandardCharsets.ISO_8859_1);
        append(workDir.resolve("etc/users.properties"), ADMIN + " = " + ADMIN_PASSWORD + ",_g_:admingroup",
                VIEWER + " = " + VIEWER_PASSWORD + ",viewer",
                "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh");
        write(workDir.resolve("etc/io.sightline.auth.jwt.cfg"), "hmac.secret = " + HMAC_SECRET);
        write(workDir.resolve("etc/io.sightline.stream-secret.cfg"), "source.type = testpattern",
                "source.width = 320", "source.height = 180", "access = token", "video.codec = h264");
        append(workDir.resolve("etc/io.sightline.stream-demo.cfg"), "access.public.from = 127.0.0.1/8, ::1");
        // The matrix fires many requests from 127.0.0.1; one session per stream makes the 503 row cheap.
        write(workDir.resolve("etc/io.sightline.signaling.whep.cfg"), "max.requests.per.second.per.address = 1000",
                "request.burst.per.address = 1000", "max.sessions.per.stream = 1", "max.body.bytes = 65536");
        // The matrix sends wrong passwords from one address on purpose and expects 401 each time: the failed-login
        // throttle (tested in admin-api's AdminApiHttpTest) would answer 429 after five of them.
        write(workDir.resolve("etc/io.sightline.admin.api.cfg"), "login.failures.before.delay = 0");
        ProcessBuilder builder = new ProcessBuilder(workDir.resolve("bin/karaf").toString(), "server")
                .directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("console.log").toFile());
        builder.environment().put("SIGHTLINE_HTTP_PORT", String.valueOf(http));
        builder.environment().put("SIGHTLINE_BIND_ADDRESS", "127.0.0.1");
        builder.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        AccessMatrixServer server = new AccessMatrixServer(workDir, http, builder.start(), jwt);
        try {
            server.awaitReady(jwt);
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Port number {@code offset} of the range starting at system property {@code e2e.basePort} (for machines where
     * each test run owns a port range), or any free port.
     */
    private static int port(int offset) throws IOException {
        String base = System.getProperty("e2e.basePort");
        return base == null ? SightlineServer.freePort() : Integer.parseInt(base) + offset;
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
    }

    boolean jwtAvailable() {
        return jwtAvailable;
    }

    Path home() {
        return home;
    }

    /** Health, the start page, the admin API (401 without credentials) and both streams live. */
    private void awaitReady(boolean jwt) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        String auth = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((ADMIN + ":" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited during boot; see " + home.resolve("console.log"));
            }
            try {
                if (status(http, "/health") == 200 && status(http, "/") == 200) {
                    HttpResponse<String> streams = http.send(HttpRequest.newBuilder(url("/api/streams"))
                            .header("Authorization", auth).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    String body = streams.body();
                    if (streams.statusCode() == 200 && body.contains("\"name\":\"secret\",\"state\":\"live\"")
                            && body.contains("\"name\":\"demo\",\"state\":\"live\"") && whepSettled(http)) {
                        return;
                    }
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the access-matrix server did not get ready; see "
                + home.resolve("data/log/karaf.log"));
    }

    /**
     * WHEP answers its preflight, twice a second apart: the servlet is registered, then registered again when its
     * configuration file arrives, and requests in between reach the default servlet.
     */
    private boolean whepSettled(HttpClient http) throws IOException, InterruptedException {
        for (int i = 0; i < 2; i++) {
            int s = http.send(HttpRequest.newBuilder(url("/whep/secret")).method("OPTIONS",
                    HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (s != 204) {
                return false;
            }
            Thread.sleep(i == 0 ? 1000 : 0);
        }
        return true;
    }

        private int status(HttpClient http, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

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

    private static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.ISO_8859_1);
    }

    private static void append(Path file, String... lines) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        Files.writeString(file, text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + String.join("\n", lines)
                + "\n", StandardCharsets.ISO_8859_1);
    }
}
