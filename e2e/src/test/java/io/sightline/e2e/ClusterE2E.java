package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two real distributions on this machine join one cluster through the {@code sightline-cluster} feature (installed at
 * runtime, as an operator would): each lists both nodes with their published records in {@code /health}; a node
 * killed with SIGKILL leaves the survivor's view within the failure detection time.
 */
class ClusterE2E {
    private static final Pattern MEMBERS = Pattern.compile("\"membership\":\\{[^}]*\"members\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void twoNodesFormOneDirectoryAndAKilledNodeLeavesIt() throws Exception {
        Path distribution = Path.of(SightlineServerExtension.property("sightline.distribution"));
        String workDir = SightlineServerExtension.property("e2e.workDir");
        int portA = SightlineServer.freePort();
        int portB = SightlineServer.freePort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        try (SightlineServer a = SightlineServer.start(distribution, Path.of(workDir + "-cluster-a"));
                SightlineServer b = SightlineServer.start(distribution, Path.of(workDir + "-cluster-b"))) {
            joinCluster(a, "node-a", portA, members);
            joinCluster(b, "node-b", portB, members);

            String health = awaitHealth(a, body -> members(body) == 2 && body.contains("\"node-b\":{\"status\":\"up\""),
                    Duration.ofSeconds(120), "node-a to list node-b with a fresh record");
            assertTrue(health.contains("\"node-a\":{\"status\":\"up\""), health);
            assertTrue(Pattern.compile("\"node-b\":\\{[^}]*\"streams\":[1-9]").matcher(health).find(),
                    "node-b published its streams: " + health);
            awaitHealth(b, body -> members(body) == 2, Duration.ofSeconds(30), "node-b to see two members");

            long killed = System.nanoTime();
            b.kill();
            String after = awaitHealth(a, body -> members(body) == 1, Duration.ofSeconds(30),
                    "node-b to leave node-a's view");
            long leftMs = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("cluster: node-b killed (SIGKILL) -> gone from node-a's /health after %d ms%n", leftMs);
            assertTrue(!after.contains("\"node-b\""), after);
            assertTrue(after.contains("\"membership\":{\"status\":\"degraded\""),
                    "one of two configured members is missing: " + after);
        }
    }

    /** The cluster settings, then the feature through deploy/ (Karaf's hot deployment, no shell needed). */
    private static void joinCluster(SightlineServer server, String name, int port, String members) throws IOException {
        Files.writeString(server.home().resolve("etc/io.sightline.cluster.cfg"), String.join("\n",
                "node.name = " + name, "members = " + members, "bind.address = 127.0.0.1", "port = " + port,
                "failure.detection.seconds = 5", "publish.interval.seconds = 1", ""));
        Files.writeString(server.home().resolve("deploy/sightline-cluster-e2e.xml"), """
                <features name="sightline-cluster-e2e" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
                  <feature name="sightline-cluster-e2e" install="auto"><feature>sightline-cluster</feature></feature>
                </features>
                """);
    }

    private static String awaitHealth(SightlineServer server, java.util.function.Predicate<String> ready,
            Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = HTTP.send(HttpRequest.newBuilder(server.url("/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (ready.test(body)) {
                    return body;
                }
            } catch (IOException e) {
                // the server restarts nothing here, but a slow answer is not a failure
            }
            Thread.sleep(250);
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last /health: " + body
                + "; log: " + server.home().resolve("data/log/karaf.log"));
    }

    private static int members(String health) {
        Matcher m = MEMBERS.matcher(health);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
