package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two real distributions on this machine join one cluster through the {@code sightline-cluster} feature (installed at
 * runtime, as an operator would): each lists both nodes with their published records in {@code /health}, the admin
 * API and {@code /metrics}; a loaded node sends a new viewer to the other (307); a node killed with SIGKILL leaves the
 * survivor's view within the failure detection time.
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

            // Each node publishes its record right after it joined and then every second: wait for both.
            String health = awaitHealth(a, body -> members(body) == 2 && body.contains("\"node-a\":{\"status\":\"up\"")
                    && body.contains("\"node-b\":{\"status\":\"up\""), Duration.ofSeconds(120),
                    "node-a to list itself and node-b with fresh records");
            assertTrue(Pattern.compile("\"node-b\":\\{[^}]*\"streams\":[1-9]").matcher(health).find(),
                    "node-b published its streams: " + health);
            awaitHealth(b, body -> members(body) == 2, Duration.ofSeconds(30), "node-b to see two members");
            assertOtherViews(a);
            assertLoadedNodeRedirects(a, b);

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

    /** The same directory through the admin API (what the console shows) and /metrics. */
    private static void assertOtherViews(SightlineServer server) throws Exception {
        Files.writeString(server.home().resolve("etc/users.properties"), "\nclusteradmin = cluster-e2e-pw,_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n", StandardOpenOption.APPEND);
        String basic = Base64.getEncoder().encodeToString("clusteradmin:cluster-e2e-pw".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(server.url("/api/cluster"))
                .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(api.statusCode() == 200, api.statusCode() + " " + api.body());
        assertTrue(api.body().contains("\"name\":\"node-a\"") && api.body().contains("\"name\":\"node-b\""),
                api.body());
        String metrics = HTTP.send(HttpRequest.newBuilder(server.url("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("sightline_cluster_members{cluster=\"sightline\"} 2"), metrics);
        assertTrue(metrics.contains("sightline_cluster_node_up{node=\"node-b\"} 1"), metrics);
    }

    /**
     * node-a redirects from one viewer on: its first viewer stays, the second is sent (307) to node-b, which serves
     * the same offer there.
     */
    private static void assertLoadedNodeRedirects(SightlineServer a, SightlineServer b) throws Exception {
        Files.writeString(a.home().resolve("etc/io.sightline.signaling.whep.cfg"), "\ncluster.redirect.viewers = 1\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        // A viewer token (both nodes share the JWT provider's secret): it travels with the redirect and is valid there.
        String query = a.readToken("demo").map(t -> "?token=" + t).orElse("");
        HttpResponse<String> first = post(a.url("/whep/demo"));
        assertTrue(first.statusCode() == 201, "the first viewer stays on node-a: " + first.statusCode());
        // Karaf's file watcher applies the new setting within a few seconds; until then node-a keeps every viewer.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> second = post(a.url("/whep/demo" + query));
        while (second.statusCode() == 201 && System.nanoTime() < deadline) {
            HTTP.send(HttpRequest.newBuilder(a.url(second.headers().firstValue("Location").orElseThrow())).DELETE()
                    .build(), HttpResponse.BodyHandlers.discarding());
            Thread.sleep(500);
            second = post(a.url("/whep/demo" + query));
        }
        assertTrue(second.statusCode() == 307, "node-a at its threshold redirects: " + second.statusCode());
        String location = second.headers().firstValue("Location").orElseThrow();
        assertTrue(location.equals(b.url("/whep/demo" + query).toString()), location);
        HttpResponse<String> there = post(java.net.URI.create(location));
        assertTrue(there.statusCode() == 201, "node-b serves the redirected offer: " + there.statusCode());
    }

    private static HttpResponse<String> post(java.net.URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(WhepProbe.offer())).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
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
