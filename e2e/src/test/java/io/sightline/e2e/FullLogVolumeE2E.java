package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 point 7, a full log volume. The server's {@code data/log} is a 4 MB tmpfs in a mount namespace of its own
 * ({@code unshare -m}, so never the host's disk; needs root like the package's install test). While a viewer plays
 * {@code demo}, the test fills that volume to the last byte and then, for 30 s: WHEP POSTs keep being answered 201,
 * /health 200, a stream file with a bad value is still refused with the stream {@code failed} and its reason in
 * /health, the viewer loses no packet, and the server reports the failed log writes on its console (stdout/stderr)
 * a bounded number of times (log4j2's error handler) and nothing in the last 10 s: no exception loop. Once space is freed, new
 * events reach {@code karaf.log} again.
 */
class FullLogVolumeE2E {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int FULL_SECONDS = 30;

    @Test
    void aFullLogVolumeStopsNothingAndLoopsNothing() throws Exception {
        assumeTrue(isRoot(), "needs root for unshare -m and a tmpfs mount");
        Path work = Path.of(SightlineServerExtension.property("e2e.workDir")).resolveSibling("e2e-full-log");
        String mount = "mkdir -p \"$0/data/log\" && mount -t tmpfs -o size=4m,mode=755 sightline-log \"$0/data/log\""
                + " && exec \"$@\"";
        try (SightlineServer server = SightlineServer.start(Path.of(SightlineServerExtension.property(
                "sightline.distribution")), work, List.of("unshare", "-m", "--propagation", "private", "sh", "-c", mount,
                work.toString()))) {
            // The server's own view of its log directory (its mount namespace), through /proc.
            Path logDir = Path.of("/proc/" + server.jvmPid() + "/root" + work.resolve("data/log"));
            long[] space = blocks(logDir);
            assertTrue(space[0] * space[1] <= 4L * 1024 * 1024, "data/log is the 4 MB volume: " + space[0] * space[1]);
            Path karafLog = logDir.resolve("karaf.log");
            assertTrue(Files.size(karafLog) > 0, "the server logs to the volume");

            Process viewer = new ProcessBuilder("node", "steady-viewer.js", server.url("/whep/demo").toString(),
                    String.valueOf(FULL_SECONDS + 10)).directory(nodeClientDir().toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader viewerOut = new BufferedReader(new InputStreamReader(viewer.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("playing", viewerOut.readLine(), "the viewer plays before the volume fills");

            Path filler = logDir.resolve("filler");
            long filled = fill(filler);
            System.out.println("full-log: filled " + filled + " bytes; free now " + blocks(logDir)[2] + " blocks");
            Path console = work.resolve("console.log");
            long consoleBefore = lines(console);
            long karafBefore = Files.size(karafLog);

            int posts = 0;
            long consoleAt20s = 0;
            for (int s = 0; s < FULL_SECONDS; s++) {
                // (A failed stream makes /health DOWN, 503: the bad file comes after the first 15 s.)
                HttpResponse<String> health = get(server, "/health");
                assertTrue(health.statusCode() == 200 || (s > 15 && health.statusCode() == 503),
                        "/health with a full log volume: " + health.statusCode());
                assertEquals(201, WhepProbe.post(server, "demo").statusCode(), "WHEP with a full log volume");
                posts++;
                if (s == 15) {
                    Files.writeString(work.resolve("etc/io.sightline.stream-fulllog.cfg"),
                            "source.type = testpattern\nmode = sometimes\n", StandardCharsets.ISO_8859_1);
                }
                if (s == FULL_SECONDS - 10) {
                    consoleAt20s = lines(console);
                }
                Thread.sleep(1000);
            }
            String health = get(server, "/health").body();
            assertTrue(health.matches("(?s).*\"fulllog\".*\"state\"\\s*:\\s*\"failed\".*mode must be always-on or on-demand.*"),
                    "the bad file's stream is failed with its reason while nothing can be logged: " + health);
            long consoleLines = lines(console) - consoleBefore;
            long lateLines = lines(console) - consoleAt20s;
            System.out.println("full-log: " + posts + " WHEP POSTs answered 201 in " + FULL_SECONDS + " s; karaf.log grew "
                    + (Files.size(karafLog) - karafBefore) + " bytes; console got " + consoleLines + " lines ("
                    + lateLines + " in the last 10 s)");
            // log4j2 reports a failed write to stderr with its stack trace (about 70 lines), a few times, then its
            // error handler stays quiet: seen 4 reports, 290 lines.
            long reports = Files.readAllLines(console, StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.contains("An exception occurred processing Appender")).count();
            System.out.println("full-log: " + reports + " log4j2 reports of a failed write");
            assertTrue(reports >= 1 && reports <= 10, reports + " reports of failed log writes");
            assertTrue(consoleLines <= 1000, consoleLines + " console lines while the log volume was full");
            assertEquals(0, lateLines, "console lines kept coming (a loop): " + lateLines + " in the last 10 s");

            assertTrue(viewer.waitFor(60, TimeUnit.SECONDS), "the viewer ends on its own");
            String result = viewerOut.readLine();
            System.out.println("full-log: viewer " + result);
            assertTrue(result != null && result.contains("\"ok\":true"), "viewer: " + result);
            assertTrue(Long.parseLong(field(result, "lost")) <= 0, "the viewer lost packets: " + result);
            assertTrue(Long.parseLong(field(result, "maxGapMs")) < 1500, "the video paused: " + result);
            assertTrue(List.of("200", "204").contains(field(result, "deleteStatus")), "session kept: " + result);

            // Space again: new events reach karaf.log.
            Files.delete(filler);
            long freedAt = Files.size(karafLog);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean resumed = false;
            while (!resumed && System.nanoTime() < deadline) {
                WhepProbe.post(server, "demo");
                Thread.sleep(500);
                resumed = Files.size(karafLog) > freedAt
                        && Files.readString(karafLog, StandardCharsets.ISO_8859_1).substring((int) freedAt).contains("WHEP 201");
            }
            assertTrue(resumed, "logging resumed after space was freed");
        }
    }

    /** Writes zeros until the volume is full; the bytes written. */
    private static long fill(Path file) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        // Top up the last partial chunk byte by byte in 4 KB steps.
        byte[] small = new byte[4096];
        while (true) {
            try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
                out.write(small);
                written += small.length;
            } catch (IOException e) {
                return written;
            }
        }
    }

    /** Total blocks, block size and free blocks of the file system holding {@code dir} ({@code stat -f}). */
    private static long[] blocks(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-f", "-c", "%b %S %a", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        String[] f = out.split("\\s+");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 && uid.equals("0");
    }

    private static HttpResponse<String> get(SightlineServer server, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1).size() : 0;
    }

    private static Path nodeClientDir() {
        return Path.of(System.getProperty("user.dir")).resolve("../benchmarks/load").normalize();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"[^\"]*\"|[^,}]*)").matcher(json);
        return m.find() ? m.group(1).replace("\"", "") : "";
    }
}
