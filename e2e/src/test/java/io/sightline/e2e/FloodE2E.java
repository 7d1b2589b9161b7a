package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
 * Issue 18 point 5, the short bounded version of {@code benchmarks/flood}: on its own server, while a node-datachannel
 * viewer plays {@code demo}, 20 s of unauthenticated STUN binding requests and DTLS ClientHellos from 512 loopback
 * source ports on 64 addresses, ICE-TCP connections that talk garbage or stay silent, and WHEP POSTs from four
 * addresses faster than the per-address limit. The viewer must lose no packet and the server drop none for it,
 * the server's threads and file descriptors must stay within the ICE-TCP cap, its heap bounded, its log quiet
 * (refusals throttled, one WARN line for the dropped packets), the excess POSTs answered 429, and the flood must really
 * have been sent (so the test cannot pass on an idle server).
 */
class FloodE2E {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void unauthenticatedFloodsLeaveThePlayingViewerWhole() throws Exception {
        Path work = Path.of(SightlineServerExtension.property("e2e.workDir")).resolveSibling("e2e-flood");
        try (SightlineServer server = SightlineServer.start(Path.of(SightlineServerExtension.property(
                "sightline.distribution")), work)) {
            Path json = work.resolve("flood.json");
            Process flood = new ProcessBuilder("node", "flood.js", "--url", server.url("").toString(), "--log",
                    server.home().resolve("data/log/karaf.log").toString(), "--quiet", "8", "--seconds", "20",
                    "--after", "5", "--stun-rate", "10000", "--dtls-rate", "10000", "--tcp-rate", "100",
                    "--whep-rate", "100", "--json", json.toString())
                    .directory(floodDir().toFile()).inheritIO().start();
            assertTrue(flood.waitFor(150, TimeUnit.SECONDS), "the flood benchmark ends");
            assertEquals(0, flood.exitValue(), "the flood benchmark ran (its viewer played)");
            String result = Files.readString(json, StandardCharsets.UTF_8);
            String quiet = row(result, "quiet");
            String during = row(result, "flood");
            String after = row(result, "after");

            // The flood was sent: a thousand datagrams per second of each kind at least, even on a loaded machine
            // (10,000 are asked for; the senders share the cores with everything else).
            assertTrue(num(during, "stunPerSecond") >= 1000, "STUN flood too weak: " + during);
            assertTrue(num(during, "dtlsPerSecond") >= 1000, "DTLS flood too weak: " + during);
            assertTrue(num(during, "tcpOpened") >= 100, "ICE-TCP flood too weak: " + during);
            assertTrue(during.matches("(?s).*\"whepStatuses\":\\{[^}]*\"429\":\\d+.*"), "WHEP excess got 429: " + during);

            // The viewer: no loss at the viewer (sequence numbers), and nothing dropped by the server for it (its
            // delivery end line: dropped=0, i.e. its send queue never overflowed). Frames and gaps follow the test
            // pattern's, which the machine's load decides (the flood's senders share the two cores with the server
            // and other builds; a just-booted server also compiles): printed, not asserted. (Comparing the viewer's
            // frames with the source's counter was tried: under a load average of 20 the two counts, read a moment
            // apart, differ by more than the pictures in flight.)
            for (String row : List.of(during, after)) {
                assertTrue(num(row, "viewerLost") <= 0, "the viewer lost packets: " + row);
                assertTrue(num(row, "viewerPackets") > 0, "the viewer got video: " + row);
            }
            Path log = server.home().resolve("data/log/karaf.log");
            String end = Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.contains("end: stream=demo") && l.contains("client=127.0.0.1 ") && !l.contains(" packets=0 "))
                    .findFirst().orElseThrow(() -> new AssertionError("no delivery end line of the viewer in " + log));
            System.out.println("flood: viewer's delivery line:" + end.substring(end.lastIndexOf('|') + 1)
                    + "; viewer's own loss count before the flood: " + num(quiet, "viewerLost"));
            // Not its "lost=": that is the client's receiver-report count since the session began, quiet phase and
            // start included (it once read 1061 under a load of 16 while the viewer's own count in the flood and
            // after phases was 0); the flood's effect is what the viewer counted in those phases, asserted above.
            assertTrue(end.contains(" dropped=0 "), "the server dropped packets for the viewer: " + end);
            assertTrue(result.contains("\"viewerState\":\"connected\""), result);
            assertTrue(result.contains("\"deleteStatus\":200"), result);

            // The server: threads and descriptors within the ICE-TCP cap (two threads and one descriptor per
            // connection), the heap after a full collection bounded, and a quiet log: nothing per dropped packet or
            // refused request, only the lines of the sessions the accepted POSTs created (WHEP 201 and the delivery
            // start line) and one WARN line summing up the dropped packets.
            assertTrue(num(during, "threadsMax") <= num(quiet, "threadsMax") + 2 * 256 + 100, "threads: " + during);
            assertTrue(num(during, "fdsMax") <= num(quiet, "fdsMax") + 256 + 100, "file descriptors: " + during);
            assertTrue(num(during, "heapAfterGcMiB") <= num(quiet, "heapAfterGcMiB") + 128,
                    "heap after GC: quiet " + quiet + " flood " + during);
            Matcher created = Pattern.compile("\"201\":(\\d+)").matcher(during);
            long sessions = created.find() ? Long.parseLong(created.group(1)) : 0;
            assertTrue(num(during, "logLines") <= 2 * sessions + 50, "log lines during the flood: " + during);
            assertEquals(1, count(log, "unauthenticated packets in the last"), "one WARN line sums up the flood");
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(server.url("/health")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "/health after the flood");
            assertEquals(0, count(log, "Exception in thread"), "no thread died");
        }
    }

    /** The JSON object of one phase (rows are flat but for the "sent" object of the flood row). */
    private static String row(String json, String phase) {
        int start = json.indexOf("{\"phase\":\"" + phase + "\"");
        assertTrue(start >= 0, "no " + phase + " row in " + json);
        int next = json.indexOf("{\"phase\":", start + 1);
        return json.substring(start, next < 0 ? json.length() : next);
    }

    private static double num(String row, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(-?[0-9.]+)").matcher(row);
        assertTrue(m.find(), "no " + name + " in " + row);
        return Double.parseDouble(m.group(1));
    }

    private static long count(Path log, String s) throws IOException {
        return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().filter(l -> l.contains(s)).count();
    }

    private static Path floodDir() {
        return Path.of(System.getProperty("user.dir")).resolve("../benchmarks/flood").normalize();
    }
}
