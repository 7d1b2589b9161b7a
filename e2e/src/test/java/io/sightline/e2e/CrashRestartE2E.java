package io.sightline.e2e;

import static io.sightline.e2e.DistributionHome.setKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 point 6, the tarball: {@code bin/start} after a {@code kill -9} of the JVM starts cleanly. The unpacked
 * distribution is started in the background with {@code bin/start}, a viewer that recovers like the web player
 * ({@code benchmarks/load/resuming-viewer.js}) plays {@code demo}, the Karaf JVM gets SIGKILL (no shutdown hook runs,
 * every lock and pid file stays as it was), and {@code bin/start} is run again at once. The second start must reach
 * /health 200 within the normal boot time without waiting for a lock, {@code bin/status} must see it running, and
 * the viewer must get video again by itself. The times are printed (kill to /health 200, kill to the first video
 * packet again).
 */
class CrashRestartE2E {
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void binStartAfterKillMinus9StartsCleanlyAndThePlayerResumes() throws Exception {
        Path home = Path.of(SightlineServerExtension.property("e2e.workDir")).resolveSibling("e2e-crash-restart");
        DistributionHome.unpack(Path.of(SightlineServerExtension.property("sightline.distribution")), home);
        int http = SightlineServer.freePort();
        setKey(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", SightlineServer.freePort());
        setKey(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", SightlineServer.freePort());
        setKey(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", SightlineServer.freePort());
        // Fixed media ports across the restart, as in production: the restarted SFU must bind them again.
        int media = SightlineServer.freePort();
        setKey(home.resolve("etc/io.sightline.transport.sfu.cfg"), "udp.port", media);
        setKey(home.resolve("etc/io.sightline.transport.sfu.cfg"), "tcp.port", media);
        String base = "http://127.0.0.1:" + http;
        Process viewer = null;
        try {
            script(home, http, "start");
            awaitUp(base);
            long firstJvm = karafJvm(home).orElseThrow(() -> new AssertionError("no Karaf JVM for " + home));
            viewer = new ProcessBuilder("node", "resuming-viewer.js", base + "/whep/demo", "240")
                    .directory(nodeClientDir().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(viewer.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("playing", out.readLine(), "the viewer plays before the crash");
            Thread.sleep(2000);

            long killedAt = System.nanoTime();
            ProcessHandle jvm = ProcessHandle.of(firstJvm).orElseThrow();
            assertTrue(jvm.destroyForcibly(), "SIGKILL sent");
            jvm.onExit().get(20, TimeUnit.SECONDS);
            List<String> left = leftovers(home);
            System.out.println("crash-restart: JVM " + firstJvm + " killed with SIGKILL; files it left: " + left);

            long logBefore = lines(home.resolve("data/log/karaf.log"));
            script(home, http, "start");
            awaitUp(base);
            long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            long secondJvm = karafJvm(home).orElseThrow(() -> new AssertionError("no Karaf JVM after bin/start"));
            assertNotEquals(firstJvm, secondJvm);

            String resumed = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null;) {
                System.out.println("crash-restart: viewer " + line);
                if (line.contains("\"resumed\"")) {
                    resumed = line;
                    break;
                }
            }
            long pictureMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertTrue(resumed != null, "the viewer got video again by itself after the restart");
            System.out.println("crash-restart: kill -9 -> /health 200 in " + upMs + " ms; kill -9 -> first video packet"
                    + " again in " + pictureMs + " ms (" + resumed + ")");
            assertTrue(resumed.contains("\"keyframe\":true"), "the new session starts at a keyframe: " + resumed);

            assertEquals(0, script(home, http, "status"), "bin/status sees the restarted server");
            List<String> after = Files.readAllLines(home.resolve("data/log/karaf.log"), StandardCharsets.ISO_8859_1);
            List<String> newLines = after.subList((int) Math.min(logBefore, after.size()), after.size());
            for (String line : newLines) {
                String l = line.toLowerCase();
                assertTrue(!(l.contains("lock") && (l.contains("wait") || l.contains("could not") || l.contains("failed"))),
                        "the restart waited for or failed on a lock: " + line);
                assertTrue(!l.contains("address already in use"), "a port was still taken: " + line);
            }
            assertEquals(0, newLines.stream().filter(l -> l.contains("Exception in thread")).count(), "no thread died");
        } finally {
            if (viewer != null) {
                viewer.destroy();
            }
            script(home, http, "stop");
            karafJvm(home).flatMap(ProcessHandle::of).ifPresent(p -> {
                try {
                    p.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
    }

    /** Runs {@code bin/<name>} of the distribution and returns its exit code. */
    private static int script(Path home, int http, String name) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(home.resolve("bin/" + name).toString()).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("scripts.log").toFile()));
        b.environment().put("SIGHTLINE_HTTP_PORT", String.valueOf(http));
        b.environment().put("SIGHTLINE_BIND_ADDRESS", "127.0.0.1");
        b.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        Process p = b.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/" + name + " did not return within 60 s");
        }
        return p.exitValue();
    }

    /** /health 200 and the WHEP servlet registered (its POST no longer 404/405). */
    private static void awaitUp(String base) throws Exception {
        long deadline = System.nanoTime() + BOOT.toNanos();
        boolean health = false;
        while (System.nanoTime() < deadline) {
            try {
                if (!health) {
                    health = HTTP.send(HttpRequest.newBuilder(java.net.URI.create(base + "/health"))
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                }
                if (health) {
                    int s = HTTP.send(HttpRequest.newBuilder(java.net.URI.create(base + "/whep/demo"))
                            .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("probe"))
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (s != 404 && s != 405 && s < 500) {
                        return;
                    }
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server at " + base + " did not come up within " + BOOT.toSeconds() + " s");
    }

    /** The pid of the Karaf JVM of this home (its command line names the home). */
    private static Optional<Long> karafJvm(Path home) {
        String marker = "-Dkaraf.home=" + home;
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(marker)
                && c.contains("org.apache.karaf.main.Main")).orElse(false)).map(ProcessHandle::pid).findFirst();
    }

    /** Lock, pid and port files a Karaf JVM leaves behind. */
    private static List<String> leftovers(Path home) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(home, 3)) {
            files.filter(Files::isRegularFile).map(home::relativize).map(Path::toString)
                    .filter(f -> f.endsWith("lock") || f.endsWith(".pid") || f.endsWith("port") || f.startsWith("instances"))
                    .forEach(found::add);
        }
        return found;
    }

    private static long lines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1).size() : 0;
    }

    private static Path nodeClientDir() {
        String configured = System.getProperty("e2e.nodeClientDir");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.dir")).resolve("../benchmarks/load").normalize();
    }
}
